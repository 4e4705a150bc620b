import BSON

public struct FindOptions: Sendable {
    public var sort: BSONDocument?
    public var projection: BSONDocument?
    public var skip: Int?
    public var limit: Int?
    /// Documents per batch (first reply and each getMore); nil: the server's default.
    public var batchSize: Int?
    public var hint: BSONValue?
    public var maxTimeMS: Int?
    /// Stream the batches after the first: one getMore with exhaustAllowed, and the server sends
    /// every further batch without being asked, on a connection held by the cursor until the end.
    /// Not with a session.
    public var exhaust: Bool

    public init(sort: BSONDocument? = nil, projection: BSONDocument? = nil, skip: Int? = nil, limit: Int? = nil,
                batchSize: Int? = nil, hint: BSONValue? = nil, maxTimeMS: Int? = nil, exhaust: Bool = false) {
        self.exhaust = exhaust
        self.sort = sort
        self.projection = projection
        self.skip = skip
        self.limit = limit
        self.batchSize = batchSize
        self.hint = hint
        self.maxTimeMS = maxTimeMS
    }
}

public struct UpdateOptions: Sendable {
    public var upsert: Bool
    public var arrayFilters: [BSONDocument]?
    public var hint: BSONValue?

    public init(upsert: Bool = false, arrayFilters: [BSONDocument]? = nil, hint: BSONValue? = nil) {
        self.upsert = upsert
        self.arrayFilters = arrayFilters
        self.hint = hint
    }
}

public struct FindOneAndModifyOptions: Sendable {
    public enum ReturnDocument: Sendable { case before, after }
    public var sort: BSONDocument?
    public var projection: BSONDocument?
    public var upsert: Bool
    public var returnDocument: ReturnDocument
    public var arrayFilters: [BSONDocument]?

    public init(sort: BSONDocument? = nil, projection: BSONDocument? = nil, upsert: Bool = false,
                returnDocument: ReturnDocument = .before, arrayFilters: [BSONDocument]? = nil) {
        self.sort = sort
        self.projection = projection
        self.upsert = upsert
        self.returnDocument = returnDocument
        self.arrayFilters = arrayFilters
    }
}

/// One index to create.
public struct IndexModel: Sendable {
    public var keys: BSONDocument
    public var name: String?
    public var unique: Bool?
    public var sparse: Bool?
    /// TTL: documents expire this many seconds after the date in the (single) indexed field.
    public var expireAfterSeconds: Int?
    public var partialFilterExpression: BSONDocument?

    public init(keys: BSONDocument, name: String? = nil, unique: Bool? = nil, sparse: Bool? = nil,
                expireAfterSeconds: Int? = nil, partialFilterExpression: BSONDocument? = nil) {
        self.keys = keys
        self.name = name
        self.unique = unique
        self.sparse = sparse
        self.expireAfterSeconds = expireAfterSeconds
        self.partialFilterExpression = partialFilterExpression
    }

    /// The server's default name: `field_direction` pairs joined by `_` (`a_1_b_-1`).
    public var defaultName: String {
        keys.map { key, value -> String in
            let direction: String
            switch value {
            case .string(let s): direction = s
            case .double(let d) where d == d.rounded(): direction = String(Int(d))
            default: direction = value.intValue.map(String.init) ?? "1"
            }
            return "\(key)_\(direction)"
        }.joined(separator: "_")
    }

    func document() -> BSONDocumentBuilder.Nested.Body {
        { nested in
            nested.append("key", .document(keys))
            nested.append("name", .string(name ?? defaultName))
            if let unique { nested.append("unique", .bool(unique)) }
            if let sparse { nested.append("sparse", .bool(sparse)) }
            if let expireAfterSeconds { nested.append("expireAfterSeconds", .int(expireAfterSeconds)) }
            if let partialFilterExpression { nested.append("partialFilterExpression", .document(partialFilterExpression)) }
        }
    }
}

extension BSONDocumentBuilder.Nested {
    typealias Body = (inout BSONDocumentBuilder.Nested) -> Void
}
