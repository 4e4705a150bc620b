import Crypto
import WireCore

/// The client side of SCRAM (RFC 5802) with SHA-256 (RFC 7677) or SHA-512, as Kafka uses it:
/// no channel binding ("n,,"), and the messages carried in SaslAuthenticate requests.
///
/// A plain value: the nonce is an input, so the exchange is tested with the RFC's vectors.
/// Passwords are used as UTF-8 without SASLprep normalisation (so ASCII passwords behave as
/// the RFC says; others as Kafka's Java client, which does not normalise either).
public struct SCRAMClient: Sendable {
    public enum Algorithm: Sendable {
        case sha256, sha512
        var hash: HashAlgorithm { self == .sha256 ? .sha256 : .sha512 }
    }

    public let algorithm: Algorithm
    public let username: String
    private let password: String
    public let clientNonce: String
    private var expectedServerSignature: [UInt8]?

    /// At most this many PBKDF2 iterations are accepted from a server (a hostile server could
    /// ask for billions).
    public static let maxIterations = 1_000_000

    public init(algorithm: Algorithm, username: String, password: String, clientNonce: String) {
        self.algorithm = algorithm
        self.username = username
        self.password = password
        self.clientNonce = clientNonce
    }

    /// A random printable nonce (24 random bytes, base64).
    public static func randomNonce() throws(KafkaError) -> String {
        do {
            return Base64.encode(try SecureRandom.bytes(24))
        } catch {
            throw KafkaError(.authenticationFailed, "no random bytes for the SCRAM nonce: \(error)")
        }
    }

    /// "n=user,r=nonce" without the GS2 header.
    var clientFirstBare: String { "n=\(Self.saslName(username)),r=\(clientNonce)" }

    public var clientFirstMessage: String { "n,," + clientFirstBare }

    /// Answers the server-first message ("r=...,s=...,i=...") with the client-final message and
    /// remembers the server signature to expect.
    public mutating func clientFinalMessage(serverFirst: String) throws(KafkaError) -> String {
        let attributes = Self.attributes(serverFirst)
        guard let nonce = attributes["r"], let saltText = attributes["s"], let iterationText = attributes["i"] else {
            throw KafkaError(.authenticationFailed, "SCRAM server-first message lacks r, s or i: \(serverFirst)")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw KafkaError(.authenticationFailed, "SCRAM server nonce does not extend the client nonce")
        }
        guard let salt = Base64.decode(saltText) else {
            throw KafkaError(.authenticationFailed, "SCRAM salt is not base64")
        }
        guard let iterations = Int(iterationText), iterations >= 1, iterations <= Self.maxIterations else {
            throw KafkaError(.authenticationFailed, "SCRAM iteration count \(iterationText) out of range")
        }
        let hash = algorithm.hash
        let salted: [UInt8]
        do {
            salted = try PBKDF2.derive(hash, password: Array(password.utf8), salt: salt, iterations: iterations,
                                       length: hash.digestSize)
        } catch {
            throw KafkaError(.authenticationFailed, "SCRAM key derivation failed: \(error)")
        }
        let clientKey = HMAC.authenticate(hash, key: salted, message: Array("Client Key".utf8))
        let storedKey = Digest.hash(hash, clientKey)
        let finalWithoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(finalWithoutProof)".utf8)
        let clientSignature = HMAC.authenticate(hash, key: storedKey, message: authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = HMAC.authenticate(hash, key: salted, message: Array("Server Key".utf8))
        expectedServerSignature = HMAC.authenticate(hash, key: serverKey, message: authMessage)
        return "\(finalWithoutProof),p=\(Base64.encode(proof))"
    }

    /// Checks the server-final message ("v=signature" or "e=error").
    public func verifyServerFinal(_ serverFinal: String) throws(KafkaError) {
        let attributes = Self.attributes(serverFinal)
        if let error = attributes["e"] {
            throw KafkaError(.authenticationFailed, "SCRAM server error: \(error)")
        }
        guard let expected = expectedServerSignature else {
            throw KafkaError(.authenticationFailed, "SCRAM server-final before client-final")
        }
        guard let text = attributes["v"], let signature = Base64.decode(text), signature == expected else {
            throw KafkaError(.authenticationFailed, "SCRAM server signature does not verify")
        }
    }

    /// RFC 5802 saslname: "=" and "," escaped.
    static func saslName(_ name: String) -> String {
        name.replacingAll("=", with: "=3D").replacingAll(",", with: "=2C")
    }

    static func attributes(_ message: String) -> [Character: String] {
        var out: [Character: String] = [:]
        for part in message.split(separator: ",", omittingEmptySubsequences: true) {
            guard part.count >= 2, let key = part.first, part[part.index(after: part.startIndex)] == "=" else { continue }
            if out[key] == nil { out[key] = String(part.dropFirst(2)) }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
