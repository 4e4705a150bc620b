import BSON

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
}
