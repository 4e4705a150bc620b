import BSON

/// Encodable values in, Decodable values out, through `BSONEncoder`/`BSONDecoder`.
extension MongoCollection {
    @discardableResult
    public func insertOne<T: Encodable>(_ value: T, session: ClientSession? = nil) async throws(MongoError) -> InsertOneResult {
        try await insertOne(try Self.encode(value), session: session)
    }

    @discardableResult
    public func insertMany<T: Encodable>(_ values: [T], ordered: Bool = true,
                                         session: ClientSession? = nil) async throws(MongoError) -> InsertManyResult {
        var documents: [BSONDocument] = []
        documents.reserveCapacity(values.count)
        for value in values { documents.append(try Self.encode(value)) }
        return try await insertMany(documents, ordered: ordered, session: session)
    }

    @discardableResult
    public func replaceOne<T: Encodable>(filter: BSONDocument, replacement: T, options: UpdateOptions = UpdateOptions(),
                                         session: ClientSession? = nil) async throws(MongoError) -> UpdateResult {
        try await replaceOne(filter: filter, replacement: try Self.encode(replacement), options: options, session: session)
    }

    /// Every matching document decoded as `T`.
    public func find<T: Decodable>(_ filter: BSONDocument = BSONDocument(), as type: T.Type, options: FindOptions = FindOptions(),
                                   session: ClientSession? = nil) async throws(MongoError) -> [T] {
        let cursor = try await find(filter, options: options, session: session)
        var out: [T] = []
        while let document = try await cursor.next() { out.append(try Self.decode(T.self, document)) }
        return out
    }

    public func findOne<T: Decodable>(_ filter: BSONDocument = BSONDocument(), as type: T.Type,
                                      session: ClientSession? = nil) async throws(MongoError) -> T? {
        guard let document = try await findOne(filter, session: session) else { return nil }
        return try Self.decode(T.self, document)
    }

    static func encode<T: Encodable>(_ value: T) throws(MongoError) -> BSONDocument {
        do { return try BSONEncoder().encode(value) } catch { throw MongoError(.invalidArgument, "encoding \(T.self): \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ document: BSONDocument) throws(MongoError) -> T {
        do { return try BSONDecoder().decode(T.self, from: document) } catch {
            throw MongoError(.invalidReply, "decoding \(T.self) from \(document): \(error)")
        }
    }
}
