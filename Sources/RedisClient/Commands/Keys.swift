import RESP

/// EXPIRE key seconds / PEXPIRE key ms → whether a timeout was set (false: no such key).
public struct EXPIRE: RedisCommand {
    public var key: String
    public var after: Duration
    public init(_ key: String, after: Duration) { self.key = key; self.after = after }
    public func encode(into encoder: inout RedisCommandEncoder) {
        let (seconds, attoseconds) = after.components
        if attoseconds == 0 {
            encoder.write("EXPIRE"); encoder.write(key); encoder.write(Int(seconds))
        } else {
            encoder.write("PEXPIRE"); encoder.write(key)
            encoder.write(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Bool { try RedisReply.boolean(reply) }
}

/// The remaining time to live of a key.
public enum TimeToLive: Sendable, Equatable {
    case missingKey
    case noExpiry
    case expires(in: Duration)
}

/// TTL key (whole seconds) / PTTL key (milliseconds).
public struct TTL: RedisCommand {
    public var key: String
    public var milliseconds: Bool
    public init(_ key: String, milliseconds: Bool = false) { self.key = key; self.milliseconds = milliseconds }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write(milliseconds ? "PTTL" : "TTL"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> TimeToLive {
        switch try RedisReply.integer(reply) {
        case -2: return .missingKey
        case -1: return .noExpiry
        case let n where n >= 0: return .expires(in: milliseconds ? .milliseconds(n) : .seconds(n))
        default: throw .unexpected(reply, "a TTL")
        }
    }
}

/// PERSIST key → whether a timeout was removed.
public struct PERSIST: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("PERSIST"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Bool { try RedisReply.boolean(reply) }
}

/// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type] → the next cursor ("0": done) and a page of keys.
public struct SCAN: RedisCommand {
    public var cursor: String
    public var match: String?
    public var count: Int?
    public var type: String?
    public init(cursor: String = "0", match: String? = nil, count: Int? = nil, type: String? = nil) {
        self.cursor = cursor; self.match = match; self.count = count; self.type = type
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("SCAN"); encoder.write(cursor)
        if let match { encoder.write("MATCH"); encoder.write(match) }
        if let count { encoder.write("COUNT"); encoder.write(count) }
        if let type { encoder.write("TYPE"); encoder.write(type) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> (cursor: String, keys: [String]) {
        let items = try RedisReply.array(reply)
        guard items.count == 2 else { throw .unexpected(reply, "[cursor, keys]") }
        return (try RedisReply.string(items[0]), try RedisReply.array(items[1], RedisReply.string))
    }
}

/// Every key SCAN finds, page by page as the iteration asks for them. Redis guarantees that keys present
/// for the whole scan are returned at least once (possibly more than once).
public struct RedisKeyScan: AsyncSequence, Sendable {
    public typealias Element = String
    let connection: RedisConnection
    let match: String?
    let count: Int?
    let type: String?

    public struct AsyncIterator: AsyncIteratorProtocol {
        let scan: RedisKeyScan
        var cursor: String? = "0"
        var page: [String] = []
        var index = 0

        public mutating func next() async throws(RedisError) -> String? {
            while index == page.count {
                guard let current = cursor else { return nil }
                let (nextCursor, keys) = try await scan.connection.send(SCAN(cursor: current, match: scan.match, count: scan.count, type: scan.type))
                cursor = nextCursor == "0" ? nil : nextCursor
                page = keys
                index = 0
            }
            defer { index += 1 }
            return page[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(scan: self) }
}

extension RedisConnection {
    /// All keys matching `match` (glob), fetched page by page with SCAN.
    public func scan(match: String? = nil, count: Int? = nil, type: String? = nil) -> RedisKeyScan {
        RedisKeyScan(connection: self, match: match, count: count, type: type)
    }
}
