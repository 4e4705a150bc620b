import RESP

/// HSET key field value [field value...] → how many fields were added (not updated).
public struct HSET<Value: RedisArgument>: RedisCommand {
    public var key: String
    public var fields: [(String, Value)]
    public init(_ key: String, _ fields: [(String, Value)]) { self.key = key; self.fields = fields }
    public init(_ key: String, field: String, value: Value) { self.init(key, [(field, value)]) }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("HSET"); encoder.write(key)
        for (field, value) in fields { encoder.write(field); encoder.write(value) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// HGET key field → the value, nil if the field (or key) does not exist.
public struct HGET: RedisCommand {
    public var key: String
    public var field: String
    public init(_ key: String, _ field: String) { self.key = key; self.field = field }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HGET"); encoder.write(key); encoder.write(field) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [UInt8]? { try RedisReply.optionalBytes(reply) }
}

/// HMGET key field... → one optional value per field.
public struct HMGET: RedisCommand {
    public var key: String
    public var fields: [String]
    public init(_ key: String, _ fields: [String]) { self.key = key; self.fields = fields }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HMGET"); encoder.write(key); encoder.write(fields) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [[UInt8]?] { try RedisReply.array(reply, RedisReply.optionalBytes) }
}

/// HGETALL key → field → value (a RESP3 map, or RESP2's flat array).
public struct HGETALL: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HGETALL"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for pair in try RedisReply.pairs(reply) { out[try RedisReply.string(pair.key)] = try RedisReply.bytes(pair.value) }
        return out
    }
}

/// HDEL key field... → how many fields were removed.
public struct HDEL: RedisCommand {
    public var key: String
    public var fields: [String]
    public init(_ key: String, _ fields: [String]) { self.key = key; self.fields = fields }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HDEL"); encoder.write(key); encoder.write(fields) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// HINCRBY key field amount → the new value.
public struct HINCRBY: RedisCommand {
    public var key: String
    public var field: String
    public var amount: Int
    public init(_ key: String, _ field: String, by amount: Int) { self.key = key; self.field = field; self.amount = amount }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("HINCRBY"); encoder.write(key); encoder.write(field); encoder.write(amount)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// HLEN key → number of fields.
public struct HLEN: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HLEN"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// HEXISTS key field.
public struct HEXISTS: RedisCommand {
    public var key: String
    public var field: String
    public init(_ key: String, _ field: String) { self.key = key; self.field = field }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("HEXISTS"); encoder.write(key); encoder.write(field) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Bool { try RedisReply.boolean(reply) }
}
