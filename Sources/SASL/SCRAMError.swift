/// The one error type of the SASL module. Clients map it to their own (`KafkaError`,
/// `MongoError`) with the message kept.
public struct SCRAMError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A server message lacks an attribute or has a malformed one.
        case malformedServerMessage
        /// The server's nonce does not extend ours (a replay or a confused server).
        case nonceMismatch
        /// An iteration count below the minimum (a downgrade) or above the maximum (a CPU trap).
        case iterationsOutOfRange
        /// The server ended the exchange with `e=...`.
        case serverError
        /// The server's signature does not verify: it does not know the password.
        case signatureMismatch
        /// A password SASLprep refuses (prohibited or unassigned code points, bad bidi).
        case invalidPassword
        /// No random bytes, or the key derivation failed.
        case cryptoFailure
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Nothing in an authentication exchange gets better by retrying it as it is.
    public var isRetriable: Bool { false }

    public var description: String { "\(code.rawValue): \(message)" }
}
