import RESP

/// SADD key member... → how many members were added.
public struct SADD<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var members: [Member]
    public init(_ key: String, _ members: [Member]) { self.key = key; self.members = members }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SADD"); encoder.write(key); encoder.write(members) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// SREM key member... → how many members were removed.
public struct SREM<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var members: [Member]
    public init(_ key: String, _ members: [Member]) { self.key = key; self.members = members }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SREM"); encoder.write(key); encoder.write(members) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// SMEMBERS key → the members (a RESP3 set, or a RESP2 array), in server order.
public struct SMEMBERS: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SMEMBERS"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [[UInt8]] { try RedisReply.array(reply, RedisReply.bytes) }
}

/// SISMEMBER key member.
public struct SISMEMBER<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var member: Member
    public init(_ key: String, _ member: Member) { self.key = key; self.member = member }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SISMEMBER"); encoder.write(key); encoder.write(member) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Bool { try RedisReply.boolean(reply) }
}

/// SCARD key → number of members.
public struct SCARD: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SCARD"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// SPOP key → a random member removed, nil if the set is empty.
public struct SPOP: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("SPOP"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [UInt8]? { try RedisReply.optionalBytes(reply) }
}
