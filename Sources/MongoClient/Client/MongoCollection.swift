import BSON
import Transport

/// A collection: CRUD, cursors, aggregation and indexes. Filters, updates and documents are
/// `BSONDocument`s; the Codable overloads encode and decode with `BSONEncoder`/`BSONDecoder`.
public struct MongoCollection: Sendable {
    public let client: MongoClient
    public let database: String
    public let name: String

    public var namespace: String { "\(database).\(name)" }

    // MARK: insert

    /// Inserts one document, adding an ObjectId `_id` (as the first field) when it has none.
    @discardableResult
    public func insertOne(_ document: BSONDocument, session: ClientSession? = nil) async throws(MongoError) -> InsertOneResult {
        let (withID, id) = try Self.ensureID(document)
        let outcome = try await client.runWrites(.insert, collection: name, database: database,
                                                 statements: [WriteStatement(index: 0, document: withID)],
                                                 ordered: true, session: session)
        try MongoClient.check(outcome, what: "insertOne")
        return InsertOneResult(insertedId: id)
    }

    /// Inserts documents in as few commands as the server's limits allow. Ordered (the default)
    /// stops at the first failure; unordered tries every document. Failures throw `writeFailed`
    /// with one `WriteError` per failed document, indexed in `documents`.
    @discardableResult
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true,
                           session: ClientSession? = nil) async throws(MongoError) -> InsertManyResult {
        guard !documents.isEmpty else { throw MongoError(.invalidArgument, "insertMany needs at least one document") }
        var statements: [WriteStatement] = []
        statements.reserveCapacity(documents.count)
        var ids: [Int: BSONValue] = [:]
        for (i, document) in documents.enumerated() {
            let (withID, id) = try Self.ensureID(document)
            statements.append(WriteStatement(index: i, document: withID))
            ids[i] = id
        }
        let outcome = try await client.runWrites(.insert, collection: name, database: database, statements: statements,
                                                 ordered: ordered, session: session)
        try MongoClient.check(outcome, what: "insertMany")
        return InsertManyResult(insertedCount: outcome.n, insertedIds: ids)
    }

    static func ensureID(_ document: BSONDocument) throws(MongoError) -> (BSONDocument, BSONValue) {
        if let id = document["_id"] { return (document, id) }
        let id = BSONValue.objectId(ObjectId())
        var b = BSONDocumentBuilder(capacity: document.byteCount + 20)
        b.append("_id", id)
        b.append(contentsOf: document)
        do { return (try b.build(), id) } catch { throw MongoError(error, "adding _id") }
    }

    // MARK: update, replace, delete

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

    // MARK: find

    /// A cursor over the matching documents.
    public func find(_ filter: BSONDocument = BSONDocument(), options: FindOptions = FindOptions(),
                     session: ClientSession? = nil) async throws(MongoError) -> MongoCursor {
        try await find(filter, options: options, singleBatch: false, session: session)
    }

    private func find(_ filter: BSONDocument, options: FindOptions, singleBatch: Bool,
                      session: ClientSession?) async throws(MongoError) -> MongoCursor {
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
        return try MongoCursor(reply: reply, client: client, database: database, session: session, batchSize: options.batchSize)
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

    // MARK: counting, distinct, aggregate

    /// Counts matching documents exactly (an aggregation: $match, $skip, $limit, $group).
    public func countDocuments(_ filter: BSONDocument = BSONDocument(), skip: Int? = nil, limit: Int? = nil,
                               session: ClientSession? = nil) async throws(MongoError) -> Int {
        var pipeline: [BSONDocument] = []
        do {
            pipeline.append(try BSONDocument(["$match": .document(filter)]))
            if let skip { pipeline.append(try BSONDocument(["$skip": .int(skip)])) }
            if let limit { pipeline.append(try BSONDocument(["$limit": .int(limit)])) }
            pipeline.append(try BSONDocument(["$group": .document(try BSONDocument(["_id": 1, "n": .document(try BSONDocument(["$sum": 1]))]))]))
        } catch { throw MongoError(error, "countDocuments pipeline") }
        let cursor = try await aggregate(pipeline, session: session)
        let first = try await cursor.next()
        await cursor.close()
        return first?["n"]?.intValue ?? 0
    }

    /// The collection's document count from its metadata (`count` without a query): fast, not exact
    /// after an unclean shutdown.
    public func estimatedDocumentCount(session: ClientSession? = nil) async throws(MongoError) -> Int {
        var b = BSONDocumentBuilder()
        b.append("count", .string(name))
        let reply = try await client.execute(b, database: database, session: session, kind: .read)
        return reply["n"]?.intValue ?? 0
    }

    public func distinct(_ field: String, filter: BSONDocument = BSONDocument(),
                         session: ClientSession? = nil) async throws(MongoError) -> [BSONValue] {
        var b = BSONDocumentBuilder()
        b.append("distinct", .string(name))
        b.append("key", .string(field))
        b.append("query", .document(filter))
        let reply = try await client.execute(b, database: database, session: session, kind: .read)
        guard let values = reply["values"]?.arrayValue else { throw MongoError(.invalidReply, "distinct reply has no values", reply: reply) }
        return values.values
    }

    /// Runs an aggregation pipeline; a pipeline ending in $out or $merge writes and is not retried.
    public func aggregate(_ pipeline: [BSONDocument], batchSize: Int? = nil, allowDiskUse: Bool? = nil,
                          session: ClientSession? = nil) async throws(MongoError) -> MongoCursor {
        var b = BSONDocumentBuilder()
        b.append("aggregate", .string(name))
        b.appendArray("pipeline") { a in for stage in pipeline { a.append(.document(stage)) } }
        b.appendDocument("cursor") { c in if let batchSize { c.append("batchSize", .int(batchSize)) } }
        if let allowDiskUse { b.append("allowDiskUse", .bool(allowDiskUse)) }
        let writes = pipeline.last.map { $0.keys.first == "$out" || $0.keys.first == "$merge" } ?? false
        let reply = try await client.execute(b, database: database, session: session, kind: writes ? .write : .read)
        return try MongoCursor(reply: reply, client: client, database: database, session: session, batchSize: batchSize)
    }

    // MARK: indexes and the collection itself

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
