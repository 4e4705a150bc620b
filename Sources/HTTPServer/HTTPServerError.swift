import HTTP

/// The one error type of the HTTPServer module. Handlers throw it to answer with a status and an
/// RFC 9457 problem document; the server throws it for listen failures and body-read failures.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The listening socket could not be opened.
        case listenFailed
        /// A handler's answer: `status` with `message` as the problem detail.
        case problem
        /// The request head broke the syntax or a limit (`status` says which: 400, 413, 414, 431, 501, 505).
        case invalidRequest
        /// The request body broke the framing or a limit while being read (`status` says which).
        case invalidRequestBody
        /// The client paused longer than `bodyIdleTimeout` while sending the body.
        case bodyReadTimedOut
        /// The body was read after its response was sent, or twice.
        case bodyUnavailable
        /// The connection failed while reading the body or writing a streamed response.
        case connectionFailed
        /// The handler ran longer than `handlerTimeout`.
        case handlerTimedOut
        /// A JSON body did not decode, or a value did not encode.
        case invalidJSON
    }

    public let code: Code
    public let message: String
    /// The status this error is answered with.
    public let status: HTTPStatus
    /// The RFC 9457 `type` URI; nil renders as `about:blank`.
    public let type: String?
    /// A short title; nil uses the status's reason phrase.
    public let title: String?

    public init(_ code: Code, _ message: String, status: HTTPStatus = .internalServerError, type: String? = nil, title: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.type = type
        self.title = title
    }

    /// An error answered with `status` and `detail` (e.g. `.problem(.notFound, "no task 42")`).
    public static func problem(_ status: HTTPStatus, _ detail: String, type: String? = nil, title: String? = nil) -> HTTPServerError {
        HTTPServerError(.problem, detail, status: status, type: type, title: title)
    }

    /// Only transient conditions: a timeout or a dropped connection.
    public var isRetriable: Bool {
        switch code {
        case .bodyReadTimedOut, .connectionFailed, .handlerTimedOut: true
        case .listenFailed, .problem, .invalidRequest, .invalidRequestBody, .bodyUnavailable, .invalidJSON: false
        }
    }

    public var description: String { "HTTPServer \(code.rawValue) (\(status.code)): \(message)" }
}
