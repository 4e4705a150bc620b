import BSON
import Transport

/// The SCRAM conversation over `saslStart`/`saslContinue` (or its first step inside `hello` as
/// `speculativeAuthenticate`). Every refusal becomes `authenticationFailed`, keeping the
/// server's code: MongoDB says 18 AuthenticationFailed for both a wrong password and an unknown
/// user, so the two are not told apart (on purpose: it would reveal which users exist).
extension MongoConnection {
    static func saslStart(_ scram: ScramClient, source: String, withDB: Bool) throws(MongoError) -> BSONDocument {
        var b = BSONDocumentBuilder()
        b.append("saslStart", 1)
        b.append("mechanism", .string(scram.mechanism.rawValue))
        b.append("payload", .binary(BSONBinary(bytes: Array(scram.clientFirstMessage.utf8))))
        b.append("autoAuthorize", 1)
        b.appendDocument("options") { $0.append("skipEmptyExchange", true) }
        b.append(withDB ? "db" : "$db", .string(source))
        do { return try b.build() } catch { throw MongoError(error, "saslStart") }
    }

    func authenticate(_ credential: MongoCredential, speculative: ScramClient?, speculativeReply: BSONDocument?,
                      deadline: Deadline) async throws(MongoError) {
        var scram: ScramClient
        var step: BSONDocument
        if let speculative, let speculativeReply {
            scram = speculative
            step = speculativeReply
        } else {
            let mechanism = credential.mechanism
                ?? ((server.saslSupportedMechs ?? ["SCRAM-SHA-256"]).contains("SCRAM-SHA-256") ? .sha256 : .sha1)
            scram = try ScramClient(mechanism: mechanism, username: credential.username, password: credential.password)
            step = try await saslCommand(try Self.saslStart(scram, source: credential.source, withDB: false), deadline: deadline)
        }
        guard let conversationId = step["conversationId"] else {
            throw MongoError(.authenticationFailed, "saslStart reply lacks conversationId", reply: step)
        }
        let clientFinal = try scram.clientFinalMessage(serverFirst: try Self.payload(step))
        step = try await saslContinue(conversationId, Array(clientFinal.utf8), source: credential.source, deadline: deadline)
        try scram.verify(serverFinal: try Self.payload(step))
        // Servers that ignore skipEmptyExchange want one more, empty, round.
        var rounds = 0
        while step["done"]?.boolValue != true {
            rounds += 1
            guard rounds <= 2 else { throw MongoError(.authenticationFailed, "SCRAM conversation did not finish", reply: step) }
            step = try await saslContinue(conversationId, [], source: credential.source, deadline: deadline)
        }
    }

    private func saslContinue(_ conversationId: BSONValue, _ payload: [UInt8], source: String,
                              deadline: Deadline) async throws(MongoError) -> BSONDocument {
        let body: BSONDocument
        do {
            body = try BSONDocument(["saslContinue": 1, "conversationId": conversationId,
                                     "payload": .binary(BSONBinary(bytes: payload)), "$db": .string(source)])
        } catch { throw MongoError(error, "saslContinue") }
        return try await saslCommand(body, deadline: deadline)
    }

    private func saslCommand(_ body: BSONDocument, deadline: Deadline) async throws(MongoError) -> BSONDocument {
        do {
            return try await command(body, deadline: deadline)
        } catch {
            guard error.code == .commandFailed || error.code == .authenticationFailed else { throw error }
            throw MongoError(.authenticationFailed, error.message, serverCode: error.serverCode, codeName: error.codeName,
                             errorLabels: error.errorLabels, reply: error.reply)
        }
    }

    private static func payload(_ step: BSONDocument) throws(MongoError) -> String {
        guard let binary = step["payload"]?.binaryValue else {
            throw MongoError(.authenticationFailed, "SASL reply lacks its payload", reply: step)
        }
        return String(decoding: binary.data, as: UTF8.self)
    }
}
