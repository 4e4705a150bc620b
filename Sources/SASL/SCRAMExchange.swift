import Crypto
import WireCore

/// The client side of SCRAM (RFC 5802) with SHA-1, SHA-256 (RFC 7677) or SHA-512, as a pure state
/// machine: it makes the messages and checks the server's, and never touches a socket. Kafka and
/// MongoDB both speak it; they differ only in how the password is prepared (MongoDB's SCRAM-SHA-1
/// hashes it first) and in the envelopes that carry the messages.
///
///     var scram = try SCRAMExchange(hash: .sha256, username: "user", preparedPassword: Array("pencil".utf8))
///     send(scram.clientFirstMessage)
///     send(try scram.clientFinalMessage(serverFirst: reply))
///     try scram.verify(serverFinal: reply)
///
/// The nonce is injectable so the RFC test vectors can be replayed.
public struct SCRAMExchange: Sendable {
    public let hash: HashAlgorithm
    public let username: String
    public let clientNonce: String
    /// Iteration counts accepted from the server: below the minimum is a downgrade, above the
    /// maximum would let a hostile server pin a core for minutes per connection.
    public let iterations: ClosedRange<Int>
    private let password: [UInt8]
    private var serverSignature: [UInt8]?

    public static let defaultIterations = 4096...1_000_000

    public init(hash: HashAlgorithm, username: String, preparedPassword: [UInt8], clientNonce: String? = nil,
                iterations: ClosedRange<Int> = SCRAMExchange.defaultIterations) throws(SCRAMError) {
        self.hash = hash
        self.username = username
        self.password = preparedPassword
        self.iterations = iterations
        if let clientNonce { self.clientNonce = clientNonce } else { self.clientNonce = try Self.randomNonce() }
    }

    /// With a given nonce (tests, fuzzing): nothing to fail.
    public init(hash: HashAlgorithm, username: String, preparedPassword: [UInt8], clientNonce: String,
                iterations: ClosedRange<Int> = SCRAMExchange.defaultIterations) {
        self.hash = hash
        self.username = username
        self.password = preparedPassword
        self.iterations = iterations
        self.clientNonce = clientNonce
    }

    /// 24 random bytes, base64: printable and free of `,`.
    public static func randomNonce() throws(SCRAMError) -> String {
        do {
            return Base64.encode(try SecureRandom.bytes(24))
        } catch {
            throw SCRAMError(.cryptoFailure, "no random bytes for the SCRAM nonce: \(error)")
        }
    }

    /// `n=user,r=nonce`, the user name escaped as RFC 5802's saslname (`=` → `=3D`, `,` → `=2C`).
    public var clientFirstMessageBare: String { "n=\(Self.saslName(username)),r=\(clientNonce)" }

    /// The GS2 header `n,,` (no channel binding, no authzid) and the bare message.
    public var clientFirstMessage: String { "n,," + clientFirstMessageBare }

    /// Answers the server-first message (`r=...,s=...,i=...`) with the proof, and remembers the
    /// server signature to expect.
    public mutating func clientFinalMessage(serverFirst: String) throws(SCRAMError) -> String {
        let attributes = Self.attributes(serverFirst)
        if let error = attributes["e"] { throw SCRAMError(.serverError, "SCRAM server error: \(error)") }
        guard let nonce = attributes["r"], let saltText = attributes["s"], let iterationText = attributes["i"] else {
            throw SCRAMError(.malformedServerMessage, "SCRAM server-first message lacks r, s or i: \(serverFirst)")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw SCRAMError(.nonceMismatch, "SCRAM server nonce does not extend the client nonce")
        }
        guard let salt = Base64.decode(saltText) else {
            throw SCRAMError(.malformedServerMessage, "SCRAM salt is not base64")
        }
        guard let count = Int(iterationText), iterations.contains(count) else {
            throw SCRAMError(.iterationsOutOfRange,
                             "SCRAM iteration count \(iterationText) is outside \(iterations.lowerBound)...\(iterations.upperBound)")
        }
        let salted: [UInt8]
        do {
            salted = try PBKDF2.derive(hash, password: password, salt: salt, iterations: count, length: hash.digestSize)
        } catch {
            throw SCRAMError(.cryptoFailure, "SCRAM key derivation failed: \(error)")
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

    /// Checks the server-final message (`v=signature`, or `e=error`): the server proves it knew the
    /// password too.
    public func verify(serverFinal: String) throws(SCRAMError) {
        let attributes = Self.attributes(serverFinal)
        if let error = attributes["e"] { throw SCRAMError(.serverError, "SCRAM server error: \(error)") }
        guard let expected = serverSignature else {
            throw SCRAMError(.malformedServerMessage, "SCRAM server-final before client-final")
        }
        guard let text = attributes["v"], let signature = Base64.decode(text), signature == expected else {
            throw SCRAMError(.signatureMismatch, "SCRAM server signature does not match: the server does not know the password")
        }
    }

    /// RFC 5802 saslname: `=` and `,` escaped.
    public static func saslName(_ name: String) -> String {
        var out = ""
        for character in name {
            switch character {
            case "=": out += "=3D"
            case ",": out += "=2C"
            default: out.append(character)
            }
        }
        return out
    }

    /// `k=value` attributes of a SCRAM message; the first of a repeated key wins.
    public static func attributes(_ message: String) -> [Character: String] {
        var out: [Character: String] = [:]
        for part in message.split(separator: ",", omittingEmptySubsequences: true) {
            guard part.count >= 2, let key = part.first, part[part.index(after: part.startIndex)] == "=" else { continue }
            if out[key] == nil { out[key] = String(part.dropFirst(2)) }
        }
        return out
    }
}
