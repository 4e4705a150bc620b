import HTTP
import Transport

/// The one error type of the HTTP client.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The URL is not `http(s)://host[:port][/path][?query]` with a valid host and target.
        case invalidURL
        /// The request cannot be sent as given: a bad header or method, a body of another length
        /// than declared, a body on a request that may not carry one.
        case invalidRequest
        /// The host name did not resolve, or the peer refused or was unreachable.
        case connectFailed
        /// Connecting (TCP and TLS handshake) took longer than `connectTimeout`.
        case connectTimeout
        /// No connection of the host's pool became free within the request's deadline.
        case poolTimeout
        /// The response head did not arrive within the request's timeout, or a body read made no
        /// progress within `readTimeout`.
        case requestTimeout
        /// The peer closed or reset the connection before the response was complete.
        case connectionClosed
        /// The response is not valid HTTP/1.1 or breaks a parser limit.
        case invalidResponse
        /// The response body is larger than the caller accepted (`collect(upTo:)`).
        case responseTooLarge
        /// More redirects than the configuration allows.
        case tooManyRedirects
        /// The TLS handshake failed or the certificate was refused.
        case tlsFailed
        /// The caller's request body sequence threw.
        case requestBodyFailed
        /// The task was cancelled.
        case cancelled
        /// The client was shut down.
        case shutdown
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether sending the request again (on a new connection, after a pause) may succeed.
    /// The client itself retries only idempotent requests, and only when nothing was sent or a
    /// reused keep-alive connection turned out closed; callers decide for everything else.
    public var isRetriable: Bool {
        switch code {
        case .connectFailed, .connectTimeout, .poolTimeout, .requestTimeout, .connectionClosed: true
        case .invalidURL, .invalidRequest, .invalidResponse, .responseTooLarge, .tooManyRedirects, .tlsFailed,
             .requestBodyFailed, .cancelled, .shutdown: false
        }
    }

    public var description: String { "HTTPClientError.\(code.rawValue): \(message)" }

    /// Maps a transport failure in a given phase of the exchange.
    static func transport(_ error: TransportError, during phase: Phase) -> HTTPClientError {
        switch error.code {
        case .timedOut:
            return HTTPClientError(phase == .connecting ? .connectTimeout : .requestTimeout, "\(phase.rawValue): \(error.message)")
        case .cancelled:
            return HTTPClientError(.cancelled, "\(phase.rawValue): \(error.message)")
        case .resolutionFailed, .connectFailed, .invalidArgument:
            return HTTPClientError(phase == .connecting ? .connectFailed : .connectionClosed, "\(phase.rawValue): \(error.message)")
        case .tlsHandshakeFailed, .tlsCertificateUntrusted, .tlsHostnameMismatch, .tlsConfiguration:
            return HTTPClientError(.tlsFailed, "\(phase.rawValue): \(error)")
        case .closed, .connectionReset, .systemError, .tlsProtocolError:
            return HTTPClientError(phase == .connecting ? .connectFailed : .connectionClosed, "\(phase.rawValue): \(error)")
        }
    }

    static func response(_ error: HTTPError) -> HTTPClientError {
        if error.code == .truncatedMessage { return HTTPClientError(.connectionClosed, "response truncated: \(error.message)") }
        return HTTPClientError(.invalidResponse, error.description)
    }

    /// The phases of one exchange, named in error messages.
    enum Phase: String {
        case connecting = "connecting"
        case sendingRequest = "sending the request"
        case awaitingResponse = "awaiting the response"
        case readingBody = "reading the response body"
    }
}
