/// The one error type of the Crypto module.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case openSSLFailure
        case invalidParameter
    }
    public let code: Code
    public let message: String
    public var isRetriable: Bool { false }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
