import BSON

public struct InsertOneResult: Sendable {
    public let insertedId: BSONValue
}

public struct InsertManyResult: Sendable {
    public let insertedCount: Int
    /// The `_id` of each document, by its index in the caller's list.
    public let insertedIds: [Int: BSONValue]
}

public struct UpdateResult: Sendable {
    public let matchedCount: Int
    public let modifiedCount: Int
    public let upsertedId: BSONValue?
}

public struct DeleteResult: Sendable {
    public let deletedCount: Int
}

public struct BulkWriteResult: Sendable {
    public var insertedCount = 0
    public var matchedCount = 0
    public var modifiedCount = 0
    public var deletedCount = 0
    public var upsertedCount = 0
    /// By index in the caller's list of models.
    public var insertedIds: [Int: BSONValue] = [:]
    public var upsertedIds: [Int: BSONValue] = [:]
}
