import Crypto
import KafkaProtocol
import WireCore
@testable import KafkaClient

/// The broker side of SASL PLAIN and SCRAM (RFC 5802) for one user, for the fake broker.
actor FakeSASLServer {
    let username: String
    let password: String
    let mechanism: String
    private var clientFirstBare = ""
    private var serverFirst = ""
    private(set) var authenticated = false

    init(mechanism: String, username: String, password: String) {
        self.mechanism = mechanism
        self.username = username
        self.password = password
    }

    func handle(_ request: FakeBroker.Request) -> [[UInt8]] {
        let version = request.header.requestApiVersion
        let id = request.header.correlationId
        if request.header.requestApiKey == SaslHandshakeRequest.apiKey {
            let asked = (try? SaslHandshakeRequest.decode(request.body, version: version))?.mechanism ?? ""
            var response = SaslHandshakeResponse()
            response.errorCode = asked == mechanism ? 0 : KafkaErrorCode.unsupportedSaslMechanism.rawValue
            response.mechanisms = [mechanism]
            return [(try? SaslHandshakeRequest.frameResponse(response, version: version, correlationId: id)) ?? []]
        }
        let bytes = (try? SaslAuthenticateRequest.decode(request.body, version: version))?.authBytes ?? []
        var response = SaslAuthenticateResponse()
        if let reply = step(String(decoding: bytes, as: UTF8.self)) {
            response.authBytes = Array(reply.utf8)
        } else {
            response.errorCode = KafkaErrorCode.saslAuthenticationFailed.rawValue
            response.errorMessage = "authentication failed"
        }
        return [(try? SaslAuthenticateRequest.frameResponse(response, version: version, correlationId: id)) ?? []]
    }

    private var hash: HashAlgorithm { mechanism == "SCRAM-SHA-512" ? .sha512 : .sha256 }
    private let salt: [UInt8] = Array("fake-broker-salt".utf8)

    private func step(_ message: String) -> String? {
        if mechanism == "PLAIN" {
            authenticated = message == "\u{0}\(username)\u{0}\(password)"
            return authenticated ? "" : nil
        }
        if message.hasPrefix("n,,") {
            clientFirstBare = String(message.dropFirst(3))
            let attributes = SCRAMClient.attributes(clientFirstBare)
            guard attributes["n"] == username, let nonce = attributes["r"] else { return nil }
            serverFirst = "r=\(nonce)server-nonce,s=\(Base64.encode(salt)),i=4096"
            return serverFirst
        }
        let attributes = SCRAMClient.attributes(message)
        guard let proofText = attributes["p"], let proof = Base64.decode(proofText),
              let withoutProof = message.split(separator: ",p=").first else { return nil }
        let salted = (try? PBKDF2.derive(hash, password: Array(password.utf8), salt: salt, iterations: 4096,
                                         length: hash.digestSize)) ?? []
        let clientKey = HMAC.authenticate(hash, key: salted, message: Array("Client Key".utf8))
        let storedKey = Digest.hash(hash, clientKey)
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = HMAC.authenticate(hash, key: storedKey, message: authMessage)
        let recovered = zip(proof, clientSignature).map { $0 ^ $1 }
        guard Digest.hash(hash, recovered) == storedKey else { return nil }
        authenticated = true
        let serverKey = HMAC.authenticate(hash, key: salted, message: Array("Server Key".utf8))
        return "v=\(Base64.encode(HMAC.authenticate(hash, key: serverKey, message: authMessage)))"
    }
}
