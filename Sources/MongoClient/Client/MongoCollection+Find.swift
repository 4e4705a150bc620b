import BSON

/// Queries and findAndModify.
extension MongoCollection {
    /// A cursor over the matching documents.
    public func find(_ filter: BSONDocument = BSONDocument(), options: FindOptions = FindOptions(),
                     session: ClientSession? = nil) async throws(MongoError) -> MongoCursor {
        try await find(filter, options: options, singleBatch: false, session: session)
    }

    private func find(_ filter: BSONDocument, options: FindOptions, singleBatch: Bool,
                      session: ClientSession?) async throws(MongoError) -> MongoCursor {
        if options.exhaust && session != nil {
            throw MongoError(.invalidArgument, "an exhaust cursor cannot run in a session")
        }
        var b = BSONDocumentBuilder(capacity: filter.byteCount + 128)
        b.append("find", .string(name))
        b.append("filter", .document(filter))
        if let sort = options.sort { b.append("sort", .document(sort)) }
        if let projection = options.projection { b.append("projection", .document(projection)) }
        if let skip = options.skip { b.append("skip", .int(skip)) }
        if let limit = options.limit { b.append("limit", .int(limit)) }
        if let batchSize = options.batchSize { b.append("batchSize", .int(batchSize)) }
        if let hint = options.hint { b.append("hint", hint) }
        if let maxTimeMS = options.maxTimeMS { b.append("maxTimeMS", .int(maxTimeMS)) }
        if singleBatch { b.append("singleBatch", true) }
        let reply = try await client.execute(b, database: database, session: session, kind: .read)
        return try MongoCursor(reply: reply, client: client, database: database, session: session, batchSize: options.batchSize,
                               exhaust: options.exhaust)
    }

    /// The first matching document, or nil.
    public func findOne(_ filter: BSONDocument = BSONDocument(), options: FindOptions = FindOptions(),
                        session: ClientSession? = nil) async throws(MongoError) -> BSONDocument? {
        var one = options
        one.limit = 1
        one.batchSize = nil
        // singleBatch: the server closes the cursor with its first reply, so no killCursors follows.
        let cursor = try await find(filter, options: one, singleBatch: true, session: session)
        let document = try await cursor.next()
        await cursor.close()
        return document
    }

    // MARK: findAndModify

    /// Updates the first matching document (by `sort`) and returns it as it was before, or after.
    public func findOneAndUpdate(filter: BSONDocument, update: BSONDocument,
                                 options: FindOneAndModifyOptions = FindOneAndModifyOptions(),
                                 session: ClientSession? = nil) async throws(MongoError) -> BSONDocument? {
        try await findAndModify(filter: filter, options: options, session: session) { b in
            b.append("update", .document(update))
        }
    }

    public func findOneAndReplace(filter: BSONDocument, replacement: BSONDocument,
                                  options: FindOneAndModifyOptions = FindOneAndModifyOptions(),
                                  session: ClientSession? = nil) async throws(MongoError) -> BSONDocument? {
        try await findAndModify(filter: filter, options: options, session: session) { b in
            b.append("update", .document(replacement))
        }
    }

    /// Deletes the first matching document (by `sort`) and returns it.
    public func findOneAndDelete(_ filter: BSONDocument, options: FindOneAndModifyOptions = FindOneAndModifyOptions(),
                                 session: ClientSession? = nil) async throws(MongoError) -> BSONDocument? {
        try await findAndModify(filter: filter, options: options, session: session) { b in
            b.append("remove", true)
        }
    }

    private func findAndModify(filter: BSONDocument, options: FindOneAndModifyOptions, session: ClientSession?,
                               action: (inout BSONDocumentBuilder) -> Void) async throws(MongoError) -> BSONDocument? {
        var b = BSONDocumentBuilder()
        b.append("findAndModify", .string(name))
        b.append("query", .document(filter))
        if let sort = options.sort { b.append("sort", .document(sort)) }
        action(&b)
        if options.returnDocument == .after { b.append("new", true) }
        if let projection = options.projection { b.append("fields", .document(projection)) }
        if options.upsert { b.append("upsert", true) }
        if let filters = options.arrayFilters {
            b.appendArray("arrayFilters") { a in for f in filters { a.append(.document(f)) } }
        }
        let reply = try await client.execute(b, database: database, session: session, kind: .write, retryableWrite: true)
        return reply["value"]?.documentValue
    }
}
