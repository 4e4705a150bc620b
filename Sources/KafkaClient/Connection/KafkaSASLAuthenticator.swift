import KafkaProtocol

/// SASL over Kafka (KIP-152): SaslHandshake v1 names the mechanism, then each SASL message
/// travels in a SaslAuthenticate request and its challenge comes back in the response.
enum KafkaSASLAuthenticator {
    static func authenticate(_ connection: KafkaBrokerConnection, mechanism: KafkaSASLMechanism) async throws(KafkaError) {
        let handshake = try await connection.send(SaslHandshakeRequest(mechanism: mechanism.name), version: 1)
        if handshake.errorCode != 0 {
            throw KafkaError(.authenticationFailed,
                             "\(connection.address) does not enable SASL \(mechanism.name) (enabled: \(handshake.mechanisms.joined(separator: ", ")))",
                             brokerError: KafkaErrorCode(code: handshake.errorCode))
        }
        switch mechanism {
        case .plain(let username, let password):
            // RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid.
            let message = [0] + Array(username.utf8) + [0] + Array(password.utf8)
            _ = try await exchange(connection, message, mechanism: mechanism)
        case .scramSHA256(let username, let password), .scramSHA512(let username, let password):
            var client = SCRAMClient(algorithm: mechanism.name == "SCRAM-SHA-256" ? .sha256 : .sha512,
                                     username: username, password: password, clientNonce: try SCRAMClient.randomNonce())
            let serverFirst = try await exchange(connection, Array(client.clientFirstMessage.utf8), mechanism: mechanism)
            let final = try client.clientFinalMessage(serverFirst: String(decoding: serverFirst, as: UTF8.self))
            let serverFinal = try await exchange(connection, Array(final.utf8), mechanism: mechanism)
            try client.verifyServerFinal(String(decoding: serverFinal, as: UTF8.self))
        }
    }

    private static func exchange(_ connection: KafkaBrokerConnection, _ bytes: [UInt8], mechanism: KafkaSASLMechanism) async throws(KafkaError) -> [UInt8] {
        let response = try await connection.send(SaslAuthenticateRequest(authBytes: bytes))
        if response.errorCode != 0 {
            throw KafkaError(.authenticationFailed,
                             "SASL \(mechanism.name) with \(connection.address) failed: \(response.errorMessage ?? "error \(response.errorCode)")",
                             brokerError: KafkaErrorCode(code: response.errorCode))
        }
        return response.authBytes
    }
}
