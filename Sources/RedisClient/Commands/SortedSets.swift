import RESP

/// One sorted-set member and its score.
public struct ScoredMember: Sendable, Equatable {
    public var member: [UInt8]
    public var score: Double
    public init(member: [UInt8], score: Double) { self.member = member; self.score = score }
    public var text: String { String(decoding: member, as: UTF8.self) }

    /// Pairs from `[m, s, m, s]` (RESP2, WITHSCORES) or `[[m, s], [m, s]]` (RESP3).
    static func list(_ reply: RESPValue) throws(RedisError) -> [ScoredMember] {
        let items = try RedisReply.array(reply)
        var out: [ScoredMember] = []
        if let first = items.first, first.elements != nil {
            for item in items {
                let pair = try RedisReply.array(item)
                guard pair.count == 2 else { throw .unexpected(item, "[member, score]") }
                out.append(ScoredMember(member: try RedisReply.bytes(pair[0]), score: try RedisReply.double(pair[1])))
            }
            return out
        }
        guard items.count % 2 == 0 else { throw .unexpected(reply, "member/score pairs") }
        for index in stride(from: 0, to: items.count, by: 2) {
            out.append(ScoredMember(member: try RedisReply.bytes(items[index]), score: try RedisReply.double(items[index + 1])))
        }
        return out
    }
}

/// ZADD key [NX|XX] [GT|LT] [CH] score member... → members added (or changed, with CH).
public struct ZADD<Member: RedisArgument>: RedisCommand {
    public enum Condition: Sendable { case ifNotExists, ifExists, ifGreater, ifLess }
    public var key: String
    public var members: [(score: Double, member: Member)]
    public var condition: Condition?
    public var countChanged: Bool
    public init(_ key: String, _ members: [(score: Double, member: Member)], condition: Condition? = nil, countChanged: Bool = false) {
        self.key = key; self.members = members; self.condition = condition; self.countChanged = countChanged
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("ZADD"); encoder.write(key)
        switch condition {
        case .ifNotExists: encoder.write("NX")
        case .ifExists: encoder.write("XX")
        case .ifGreater: encoder.write("GT")
        case .ifLess: encoder.write("LT")
        case nil: break
        }
        if countChanged { encoder.write("CH") }
        for (score, member) in members { encoder.write(score); encoder.write(member) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// ZINCRBY key amount member → the new score.
public struct ZINCRBY<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var amount: Double
    public var member: Member
    public init(_ key: String, by amount: Double, _ member: Member) { self.key = key; self.amount = amount; self.member = member }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("ZINCRBY"); encoder.write(key); encoder.write(amount); encoder.write(member)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Double { try RedisReply.double(reply) }
}

/// ZSCORE key member → the score, nil if not a member.
public struct ZSCORE<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var member: Member
    public init(_ key: String, _ member: Member) { self.key = key; self.member = member }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("ZSCORE"); encoder.write(key); encoder.write(member) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Double? { try RedisReply.optionalDouble(reply) }
}

/// ZRANGE key start stop WITHSCORES (by rank; `reverse` for REV) → members with scores.
public struct ZRANGE: RedisCommand {
    public var key: String
    public var start: Int
    public var stop: Int
    public var reverse: Bool
    public init(_ key: String, _ start: Int, _ stop: Int, reverse: Bool = false) {
        self.key = key; self.start = start; self.stop = stop; self.reverse = reverse
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("ZRANGE"); encoder.write(key); encoder.write(start); encoder.write(stop)
        if reverse { encoder.write("REV") }
        encoder.write("WITHSCORES")
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [ScoredMember] { try ScoredMember.list(reply) }
}

/// ZRANGEBYSCORE-style query: ZRANGE key min max BYSCORE [LIMIT offset count] WITHSCORES.
/// Bounds use Redis syntax: "1", "(1" (exclusive), "-inf", "+inf".
public struct ZRANGEBYSCORE: RedisCommand {
    public var key: String
    public var min: String
    public var max: String
    public var limit: (offset: Int, count: Int)?
    public init(_ key: String, min: String, max: String, limit: (offset: Int, count: Int)? = nil) {
        self.key = key; self.min = min; self.max = max; self.limit = limit
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("ZRANGE"); encoder.write(key); encoder.write(min); encoder.write(max); encoder.write("BYSCORE")
        if let limit { encoder.write("LIMIT"); encoder.write(limit.offset); encoder.write(limit.count) }
        encoder.write("WITHSCORES")
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [ScoredMember] { try ScoredMember.list(reply) }
}

/// ZREM key member... → how many were removed.
public struct ZREM<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var members: [Member]
    public init(_ key: String, _ members: [Member]) { self.key = key; self.members = members }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("ZREM"); encoder.write(key); encoder.write(members) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// ZCARD key → number of members.
public struct ZCARD: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("ZCARD"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// ZRANK key member → 0-based rank, nil if not a member.
public struct ZRANK<Member: RedisArgument>: RedisCommand {
    public var key: String
    public var member: Member
    public init(_ key: String, _ member: Member) { self.key = key; self.member = member }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("ZRANK"); encoder.write(key); encoder.write(member) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int? { try RedisReply.optionalInteger(reply) }
}

/// ZPOPMIN key [count] → the lowest members, removed.
public struct ZPOPMIN: RedisCommand {
    public var key: String
    public var count: Int
    public init(_ key: String, count: Int = 1) { self.key = key; self.count = count }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("ZPOPMIN"); encoder.write(key); encoder.write(count) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [ScoredMember] { try ScoredMember.list(reply) }
}
