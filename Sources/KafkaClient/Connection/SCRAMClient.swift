import Crypto
import SASL

/// Kafka's SCRAM (SCRAM-SHA-256 and -512 through SaslAuthenticate): the shared exchange
/// (`SASL.SCRAMExchange`) with Kafka's password handling and its errors as `KafkaError`.
///
/// The password is SASLprep'd (RFC 4013) as RFC 5802 asks; ASCII passwords are unchanged by it, so
/// they behave exactly as with Kafka's Java client, which does not normalise. A password SASLprep
/// refuses is used as its UTF-8 bytes, as the Java client would.
public struct SCRAMClient: Sendable {
    public enum Algorithm: Sendable {
        case sha256, sha512
        var hash: HashAlgorithm { self == .sha256 ? .sha256 : .sha512 }
    }

    public let algorithm: Algorithm
    private var exchange: SCRAMExchange

    public var username: String { exchange.username }
    public var clientNonce: String { exchange.clientNonce }

    /// Iteration counts accepted from a broker: Kafka's own minimum (4096) up to a bound that keeps
    /// a hostile broker from pinning a core.
    public static let iterations = 4096...1_000_000

    public init(algorithm: Algorithm, username: String, password: String, clientNonce: String) {
        self.algorithm = algorithm
        let prepared = (try? SASLprep.prepare(password)) ?? password
        exchange = SCRAMExchange(hash: algorithm.hash, username: username, preparedPassword: Array(prepared.utf8),
                                 clientNonce: clientNonce, iterations: Self.iterations)
    }

    /// A random printable nonce (24 random bytes, base64).
    public static func randomNonce() throws(KafkaError) -> String {
        do { return try SCRAMExchange.randomNonce() } catch { throw KafkaError(.authenticationFailed, error.message) }
    }

    var clientFirstBare: String { exchange.clientFirstMessageBare }
    public var clientFirstMessage: String { exchange.clientFirstMessage }

    /// Answers the server-first message with the client-final message.
    public mutating func clientFinalMessage(serverFirst: String) throws(KafkaError) -> String {
        do { return try exchange.clientFinalMessage(serverFirst: serverFirst) } catch { throw KafkaError(.authenticationFailed, error.message) }
    }

    /// Checks the server-final message ("v=signature" or "e=error").
    public func verifyServerFinal(_ serverFinal: String) throws(KafkaError) {
        do { try exchange.verify(serverFinal: serverFinal) } catch { throw KafkaError(.authenticationFailed, error.message) }
    }

    static func saslName(_ name: String) -> String { SCRAMExchange.saslName(name) }
    static func attributes(_ message: String) -> [Character: String] { SCRAMExchange.attributes(message) }
}
