import Crypto
import Foundation
import WireCore

/// The client side of SCRAM (RFC 5802; SHA-256 per RFC 7677) as a pure state machine: it makes
/// the messages and checks the server's, and never touches a socket. The nonce is injected so
/// the RFC test vectors can be replayed.
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
    public let username: String
    let password: [UInt8]
    public let clientNonce: String
    private var serverSignature: [UInt8]?

    /// Most PBKDF2 iterations accepted from a server (MongoDB uses 15 000 for SHA-256, 10 000 for SHA-1).
    public static let maxIterations = 1_000_000

    /// MongoDB's password preparation: SCRAM-SHA-256 uses the SASLprep'd password; SCRAM-SHA-1
    /// uses hex(md5("user:mongo:password")), the legacy MONGODB-CR digest.
    public init(mechanism: Mechanism, username: String, password: String, clientNonce: String? = nil) throws(MongoError) {
        let prepared: [UInt8]
        switch mechanism {
        case .sha256: prepared = Array(try SASLprep.prepare(password).utf8)
        case .sha1: prepared = Array(Self.hex(Digest.md5(Array("\(username):mongo:\(password)".utf8))).utf8)
        }
        try self.init(mechanism: mechanism, username: username, preparedPassword: prepared, clientNonce: clientNonce)
    }

    /// With the password bytes exactly as Hi() takes them (the RFC vectors use the raw password).
    public init(mechanism: Mechanism, username: String, preparedPassword: [UInt8], clientNonce: String? = nil) throws(MongoError) {
        self.mechanism = mechanism
        self.username = username
        self.password = preparedPassword
        if let clientNonce {
            self.clientNonce = clientNonce
        } else {
            do {
                self.clientNonce = Base64.encode(try SecureRandom.bytes(24))
            } catch {
                throw MongoError(.authenticationFailed, "no random bytes for the SCRAM nonce: \(error)")
            }
        }
    }

    /// `n=user,r=nonce`, with `=` and `,` in the user name escaped as the RFC requires.
    public var clientFirstMessageBare: String {
        let escaped = username.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        return "n=\(escaped),r=\(clientNonce)"
    }

    /// The GS2 header `n,,` (no channel binding, no authzid) and the bare message.
    public var clientFirstMessage: String { "n,," + clientFirstMessageBare }

    /// Answers the server-first message (`r=...,s=...,i=...`) with the proof.
    public mutating func clientFinalMessage(serverFirst: String) throws(MongoError) -> String {
        let attributes = Self.attributes(serverFirst)
        guard let nonce = attributes["r"], let saltText = attributes["s"], let iterationsText = attributes["i"] else {
            throw MongoError(.authenticationFailed, "SCRAM server-first message lacks r, s or i: \(serverFirst)")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw MongoError(.authenticationFailed, "SCRAM server nonce does not extend the client nonce")
        }
        guard let salt = Base64.decode(saltText) else {
            throw MongoError(.authenticationFailed, "SCRAM salt is not base64")
        }
        guard let iterations = Int(iterationsText), iterations >= 4096 else {
            // The MongoDB auth spec: fewer than 4096 iterations is a downgrade; refuse it.
            throw MongoError(.authenticationFailed, "SCRAM iteration count \(iterationsText) is below the minimum 4096")
        }
        guard iterations <= Self.maxIterations else {
            // A hostile server could otherwise pin a core for minutes per connection.
            throw MongoError(.authenticationFailed, "SCRAM iteration count \(iterations) is above the limit \(Self.maxIterations)")
        }
        let hash = mechanism.hash
        let salted: [UInt8]
        do {
            salted = try PBKDF2.derive(hash, password: password, salt: Array(salt), iterations: iterations, length: hash.digestSize)
        } catch {
            throw MongoError(.authenticationFailed, "SCRAM key derivation failed: \(error)")
        }
        let saltedKey = HMACKey(hash, key: salted)
        let clientKey = saltedKey.authenticate(Array("Client Key".utf8))
        let storedKey = Digest.hash(hash, clientKey)
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstMessageBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = HMAC.authenticate(hash, key: storedKey, message: authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = saltedKey.authenticate(Array("Server Key".utf8))
        serverSignature = HMAC.authenticate(hash, key: serverKey, message: authMessage)
        return "\(withoutProof),p=\(Base64.encode(proof))"
    }

    /// Checks the server's signature (`v=...`), which proves the server knew the password too.
    public func verify(serverFinal: String) throws(MongoError) {
        let attributes = Self.attributes(serverFinal)
        if let error = attributes["e"] { throw MongoError(.authenticationFailed, "SCRAM server error: \(error)") }
        guard let expected = serverSignature else {
            throw MongoError(.authenticationFailed, "SCRAM server-final before client-final")
        }
        guard let text = attributes["v"], let signature = Base64.decode(text), signature == expected else {
            throw MongoError(.authenticationFailed, "SCRAM server signature does not match: the server does not know the password")
        }
    }

    static func attributes(_ message: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in message.split(separator: ",") {
            guard let eq = part.firstIndex(of: "="), part.distance(from: part.startIndex, to: eq) == 1 else { continue }
            out[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return s
    }
}
