import BSON

/// Indexes and the collection itself.
extension MongoCollection {
    /// Creates indexes; returns their names.
    @discardableResult
    public func createIndexes(_ models: [IndexModel], session: ClientSession? = nil) async throws(MongoError) -> [String] {
        var b = BSONDocumentBuilder()
        b.append("createIndexes", .string(name))
        b.appendArray("indexes") { a in for model in models { a.appendDocument(model.document()) } }
        _ = try await client.execute(b, database: database, session: session, kind: .write)
        return models.map { $0.name ?? $0.defaultName }
    }

    @discardableResult
    public func createIndex(_ keys: BSONDocument, unique: Bool? = nil, session: ClientSession? = nil) async throws(MongoError) -> String {
        try await createIndexes([IndexModel(keys: keys, unique: unique)], session: session)[0]
    }

    public func listIndexes(session: ClientSession? = nil) async throws(MongoError) -> [BSONDocument] {
        var b = BSONDocumentBuilder()
        b.append("listIndexes", .string(name))
        b.appendDocument("cursor") { _ in }
        let reply = try await client.execute(b, database: database, session: session, kind: .read)
        return try await MongoCursor(reply: reply, client: client, database: database, session: session, batchSize: nil).toArray()
    }

    public func dropIndex(_ name: String, session: ClientSession? = nil) async throws(MongoError) {
        var b = BSONDocumentBuilder()
        b.append("dropIndexes", .string(self.name))
        b.append("index", .string(name))
        _ = try await client.execute(b, database: database, session: session, kind: .write)
    }

    /// Drops the collection; dropping one that does not exist is not an error.
    public func drop(session: ClientSession? = nil) async throws(MongoError) {
        var b = BSONDocumentBuilder()
        b.append("drop", .string(name))
        do {
            _ = try await client.execute(b, database: database, session: session, kind: .write)
        } catch {
            if error.serverCode == 26 { return }   // NamespaceNotFound
            throw error
        }
    }
}
