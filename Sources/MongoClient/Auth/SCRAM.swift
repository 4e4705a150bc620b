import Crypto
import SASL

/// MongoDB's SCRAM: the shared exchange (`SASL.SCRAMExchange`) with MongoDB's password
/// preparation and its errors as `MongoError`.
///
///     var scram = try ScramClient(mechanism: .sha256, username: "user", password: "pencil")
///     send(scram.clientFirstMessage)
///     send(try scram.clientFinalMessage(serverFirst: reply))
///     try scram.verify(serverFinal: reply)
public struct ScramClient: Sendable {
    public enum Mechanism: String, Sendable {
        case sha1 = "SCRAM-SHA-1"
        case sha256 = "SCRAM-SHA-256"

        var hash: HashAlgorithm { self == .sha1 ? .sha1 : .sha256 }
    }

    public let mechanism: Mechanism
    private var exchange: SCRAMExchange

    public var username: String { exchange.username }
    public var clientNonce: String { exchange.clientNonce }

    /// Most PBKDF2 iterations accepted from a server (MongoDB uses 15 000 for SHA-256, 10 000 for
    /// SHA-1); fewer than 4096 is a downgrade the MongoDB auth spec refuses.
    public static let iterations = 4096...1_000_000

    /// MongoDB's password preparation: SCRAM-SHA-256 uses the SASLprep'd password; SCRAM-SHA-1
    /// uses hex(md5("user:mongo:password")), the legacy MONGODB-CR digest.
    public init(mechanism: Mechanism, username: String, password: String, clientNonce: String? = nil) throws(MongoError) {
        let prepared: [UInt8]
        switch mechanism {
        case .sha256:
            do { prepared = Array(try SASLprep.prepare(password).utf8) } catch { throw MongoError(.invalidArgument, error.message) }
        case .sha1: prepared = Array(Self.hex(Digest.md5(Array("\(username):mongo:\(password)".utf8))).utf8)
        }
        try self.init(mechanism: mechanism, username: username, preparedPassword: prepared, clientNonce: clientNonce)
    }

    /// With the password bytes exactly as Hi() takes them (the RFC vectors use the raw password).
    public init(mechanism: Mechanism, username: String, preparedPassword: [UInt8], clientNonce: String? = nil) throws(MongoError) {
        self.mechanism = mechanism
        do {
            exchange = try SCRAMExchange(hash: mechanism.hash, username: username, preparedPassword: preparedPassword,
                                         clientNonce: clientNonce, iterations: Self.iterations)
        } catch {
            throw Self.mongoError(error)
        }
    }

    public var clientFirstMessageBare: String { exchange.clientFirstMessageBare }
    public var clientFirstMessage: String { exchange.clientFirstMessage }

    /// Answers the server-first message (`r=...,s=...,i=...`) with the proof.
    public mutating func clientFinalMessage(serverFirst: String) throws(MongoError) -> String {
        do { return try exchange.clientFinalMessage(serverFirst: serverFirst) } catch { throw Self.mongoError(error) }
    }

    /// Checks the server's signature (`v=...`), which proves the server knew the password too.
    public func verify(serverFinal: String) throws(MongoError) {
        do { try exchange.verify(serverFinal: serverFinal) } catch { throw Self.mongoError(error) }
    }

    static func mongoError(_ error: SCRAMError) -> MongoError {
        MongoError(error.code == .invalidPassword ? .invalidArgument : .authenticationFailed, error.message)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
