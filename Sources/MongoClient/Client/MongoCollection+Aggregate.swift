import BSON

/// Counting, distinct values and aggregation pipelines.
extension MongoCollection {
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
}
