import KafkaProtocol
import Transport

/// The one error type of the KafkaClient module: a code to branch on, a message for people,
/// whether retrying may succeed, and the broker's error code when the broker reported it.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No connection to any broker could be made (refused, unreachable, resolution failed).
        case connectionFailed
        /// An open connection was reset or closed by the broker.
        case connectionLost
        /// A request or operation outlived its deadline.
        case timedOut
        /// The calling task was cancelled.
        case cancelled
        /// The client (producer, consumer, connection) was closed by the application.
        case closed
        /// The broker sent bytes that break the protocol (bad frame, unknown correlation id...).
        case protocolViolation
        /// The broker lacks an API, or no version both sides support.
        case unsupportedVersion
        /// A record batch uses a codec this client cannot handle (zstd).
        case unsupportedCompression
        /// The broker answered with an error code (see `brokerError`).
        case broker
        /// SASL authentication failed or the mechanism is not enabled.
        case authenticationFailed
        /// The caller passed something unusable (an empty topic, a bad option...).
        case invalidArgument
        /// Topic or partition unknown after metadata refreshes.
        case unknownTopicOrPartition
    }

    public let code: Code
    public let message: String
    public let isRetriable: Bool
    /// The Kafka error code, when a broker reported the failure.
    public let brokerError: KafkaErrorCode?

    public init(_ code: Code, _ message: String, retriable: Bool = false, brokerError: KafkaErrorCode? = nil) {
        self.code = code
        self.message = message
        self.isRetriable = retriable
        self.brokerError = brokerError
    }

    /// A broker error code from a response; nil for NONE.
    public static func broker(_ raw: Int16, _ context: String, message: String? = nil) -> KafkaError? {
        guard raw != 0 else { return nil }
        let detail = message.map { ": \($0)" } ?? ""
        guard let known = KafkaErrorCode(code: raw) else {
            return KafkaError(.broker, "\(context): unknown broker error code \(raw)\(detail)")
        }
        return KafkaError(.broker, "\(context): \(known)\(detail)", retriable: known.isRetriable, brokerError: known)
    }

    public init(_ transport: TransportError, _ context: String) {
        let code: Code
        switch transport.code {
        case .timedOut: code = .timedOut
        case .cancelled: code = .cancelled
        case .closed: code = .closed
        case .connectFailed, .resolutionFailed: code = .connectionFailed
        case .connectionReset: code = .connectionLost
        case .tlsCertificateUntrusted, .tlsHostnameMismatch, .tlsHandshakeFailed, .tlsConfiguration:
            code = .authenticationFailed
        case .systemError, .invalidArgument, .tlsProtocolError: code = .connectionLost
        }
        self.init(code, "\(context): \(transport.description)", retriable: transport.isRetriable)
    }

    public init(_ proto: KafkaProtocolError, _ context: String) {
        let code: Code
        switch proto.code {
        case .unsupportedCompression: code = .unsupportedCompression
        case .unsupportedVersion: code = .unsupportedVersion
        case .invalidValue: code = .invalidArgument
        case .needMoreData, .malformed, .limitExceeded: code = .protocolViolation
        }
        self.init(code, "\(context): \(proto.description)")
    }

    public var description: String {
        "\(code.rawValue): \(message)\(isRetriable ? " (retriable)" : "")"
    }

    static func cancelled(_ context: String) -> KafkaError { KafkaError(.cancelled, "\(context) was cancelled") }
}
