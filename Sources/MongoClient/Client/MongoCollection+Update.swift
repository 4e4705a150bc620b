import BSON

/// Updates, replacements and deletes: one statement each, sent as a write command.
extension MongoCollection {
    @discardableResult
    public func updateOne(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions(),
                          session: ClientSession? = nil) async throws(MongoError) -> UpdateResult {
        try await runUpdate(filter: filter, update: .document(update), multi: false, options: options, session: session, what: "updateOne")
    }

    @discardableResult
    public func updateMany(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions(),
                           session: ClientSession? = nil) async throws(MongoError) -> UpdateResult {
        try await runUpdate(filter: filter, update: .document(update), multi: true, options: options, session: session, what: "updateMany")
    }

    /// An update given as an aggregation pipeline (`[{$set: ...}, ...]`).
    @discardableResult
    public func updateOne(filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions(),
                          session: ClientSession? = nil) async throws(MongoError) -> UpdateResult {
        let array: BSONArray
        do { array = try BSONArray(pipeline.map { .document($0) }) } catch { throw MongoError(error, "pipeline") }
        return try await runUpdate(filter: filter, update: .array(array), multi: false, options: options, session: session, what: "updateOne")
    }

    @discardableResult
    public func replaceOne(filter: BSONDocument, replacement: BSONDocument, options: UpdateOptions = UpdateOptions(),
                           session: ClientSession? = nil) async throws(MongoError) -> UpdateResult {
        if let first = replacement.keys.first, first.hasPrefix("$") {
            throw MongoError(.invalidArgument, "a replacement document may not contain update operators ($\(first.dropFirst()))")
        }
        return try await runUpdate(filter: filter, update: .document(replacement), multi: false, options: options,
                                   session: session, what: "replaceOne")
    }

    private func runUpdate(filter: BSONDocument, update: BSONValue, multi: Bool, options: UpdateOptions,
                           session: ClientSession?, what: String) async throws(MongoError) -> UpdateResult {
        let statement = try Self.updateStatement(filter: filter, update: update, multi: multi, options: options)
        let outcome = try await client.runWrites(.update, collection: name, database: database,
                                                 statements: [WriteStatement(index: 0, document: statement)],
                                                 ordered: true, session: session)
        try MongoClient.check(outcome, what: what)
        return UpdateResult(matchedCount: outcome.n - outcome.upserted.count, modifiedCount: outcome.nModified,
                            upsertedId: outcome.upserted.first?.id)
    }

    static func updateStatement(filter: BSONDocument, update: BSONValue, multi: Bool, options: UpdateOptions) throws(MongoError) -> BSONDocument {
        var b = BSONDocumentBuilder(capacity: filter.byteCount + 64)
        b.append("q", .document(filter))
        b.append("u", update)
        if multi { b.append("multi", true) }
        if options.upsert { b.append("upsert", true) }
        if let filters = options.arrayFilters {
            b.appendArray("arrayFilters") { a in for f in filters { a.append(.document(f)) } }
        }
        if let hint = options.hint { b.append("hint", hint) }
        do { return try b.build() } catch { throw MongoError(error, "update statement") }
    }

    static func deleteStatement(filter: BSONDocument, limit: Int) throws(MongoError) -> BSONDocument {
        do { return try BSONDocument(["q": .document(filter), "limit": .int32(Int32(limit))]) } catch { throw MongoError(error, "delete statement") }
    }

    @discardableResult
    public func deleteOne(_ filter: BSONDocument, session: ClientSession? = nil) async throws(MongoError) -> DeleteResult {
        try await runDelete(filter, limit: 1, session: session, what: "deleteOne")
    }

    @discardableResult
    public func deleteMany(_ filter: BSONDocument, session: ClientSession? = nil) async throws(MongoError) -> DeleteResult {
        try await runDelete(filter, limit: 0, session: session, what: "deleteMany")
    }

    private func runDelete(_ filter: BSONDocument, limit: Int, session: ClientSession?, what: String) async throws(MongoError) -> DeleteResult {
        let outcome = try await client.runWrites(.delete, collection: name, database: database,
                                                 statements: [WriteStatement(index: 0, document: try Self.deleteStatement(filter: filter, limit: limit))],
                                                 ordered: true, session: session)
        try MongoClient.check(outcome, what: what)
        return DeleteResult(deletedCount: outcome.n)
    }
}
