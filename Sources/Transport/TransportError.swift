/// The one error type of the Transport module.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Name resolution found no address, or failed.
        case resolutionFailed
        /// The peer refused or reset, or the network is unreachable.
        case connectFailed
        /// A deadline passed before the operation finished.
        case timedOut
        /// The task was cancelled; the socket stays usable.
        case cancelled
        /// The socket (or listener) was closed by us.
        case closed
        /// The peer closed or reset the connection mid-operation.
        case connectionReset
        /// Any other system-call failure (errno in the message).
        case systemError
        /// A bad address, port or option given by the caller.
        case invalidArgument
        /// The TLS handshake failed for a reason other than the certificate.
        case tlsHandshakeFailed
        /// The peer's certificate does not chain to a trusted root (or is expired, self-signed...).
        case tlsCertificateUntrusted
        /// The certificate is valid but not for the host name we asked for.
        case tlsHostnameMismatch
        /// A TLS record or alert error after the handshake.
        case tlsProtocolError
        /// Bad TLS configuration (unreadable certificate or key file, mismatched key).
        case tlsConfiguration
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether trying the same operation again (perhaps on a new connection) may succeed.
    public var isRetriable: Bool {
        switch code {
        case .connectFailed, .timedOut, .connectionReset, .resolutionFailed: true
        case .cancelled, .closed, .systemError, .invalidArgument, .tlsHandshakeFailed,
             .tlsCertificateUntrusted, .tlsHostnameMismatch, .tlsProtocolError, .tlsConfiguration: false
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func errno(_ call: String, _ value: Int32) -> TransportError {
        let text = String(cString: strerror(value))
        switch value {
        case ECONNRESET, EPIPE, ECONNABORTED:
            return TransportError(.connectionReset, "\(call): \(text)")
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL:
            return TransportError(.connectFailed, "\(call): \(text)")
        case ETIMEDOUT:
            return TransportError(.timedOut, "\(call): \(text)")
        default:
            return TransportError(.systemError, "\(call): \(text) (errno \(value))")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
