import RESP

/// GET key → the value, nil if the key does not exist.
public struct GET: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("GET"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [UInt8]? { try RedisReply.optionalBytes(reply) }
}

/// SET key value [NX|XX] [GET] [EX s|PX ms|KEEPTTL].
///
/// Response: whether the value was set (false when NX/XX prevented it), and with `returnOld` the value
/// the key held before (nil if none).
public struct SET<Value: RedisArgument>: RedisCommand {
    public enum Condition: Sendable { case ifNotExists, ifExists }
    public enum Expiry: Sendable {
        case seconds(Int), milliseconds(Int), unixSeconds(Int), unixMilliseconds(Int), keepTTL
    }
    public struct Response: Sendable, Equatable {
        public let wasSet: Bool
        public let previous: [UInt8]?
    }

    public var key: String
    public var value: Value
    public var condition: Condition?
    public var expiry: Expiry?
    public var returnOld: Bool

    public init(_ key: String, _ value: Value, condition: Condition? = nil, expiry: Expiry? = nil, returnOld: Bool = false) {
        self.key = key
        self.value = value
        self.condition = condition
        self.expiry = expiry
        self.returnOld = returnOld
    }

    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("SET"); encoder.write(key); encoder.write(value)
        switch condition {
        case .ifNotExists: encoder.write("NX")
        case .ifExists: encoder.write("XX")
        case nil: break
        }
        if returnOld { encoder.write("GET") }
        switch expiry {
        case .seconds(let n): encoder.write("EX"); encoder.write(n)
        case .milliseconds(let n): encoder.write("PX"); encoder.write(n)
        case .unixSeconds(let n): encoder.write("EXAT"); encoder.write(n)
        case .unixMilliseconds(let n): encoder.write("PXAT"); encoder.write(n)
        case .keepTTL: encoder.write("KEEPTTL")
        case nil: break
        }
    }

    public func decode(_ reply: RESPValue) throws(RedisError) -> Response {
        if returnOld {
            // With GET the reply is the old value; with NX/XX failing it is also the old value (or nil),
            // so "was set" cannot be told apart from the reply alone for XX+GET on a missing key.
            let previous = try RedisReply.optionalBytes(reply)
            let wasSet: Bool = switch condition {
            case .ifNotExists: previous == nil
            case .ifExists: previous != nil
            case nil: true
            }
            return Response(wasSet: wasSet, previous: previous)
        }
        if reply.isNull { return Response(wasSet: false, previous: nil) }
        try RedisReply.ok(reply)
        return Response(wasSet: true, previous: nil)
    }
}

/// MGET key... → one optional value per key.
public struct MGET: RedisCommand {
    public var keys: [String]
    public init(_ keys: [String]) { self.keys = keys }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("MGET"); encoder.write(keys) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [[UInt8]?] { try RedisReply.array(reply, RedisReply.optionalBytes) }
}

/// MSET key value [key value...].
public struct MSET<Value: RedisArgument>: RedisCommand {
    public var pairs: [(String, Value)]
    public init(_ pairs: [(String, Value)]) { self.pairs = pairs }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("MSET")
        for (key, value) in pairs { encoder.write(key); encoder.write(value) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) { try RedisReply.ok(reply) }
}

/// INCR / INCRBY / DECR / DECRBY key → the new value.
public struct INCRBY: RedisCommand {
    public var key: String
    public var amount: Int
    public init(_ key: String, by amount: Int) { self.key = key; self.amount = amount }
    public func encode(into encoder: inout RedisCommandEncoder) {
        if amount == 1 { encoder.write("INCR"); encoder.write(key) }
        else if amount == -1 { encoder.write("DECR"); encoder.write(key) }
        else { encoder.write("INCRBY"); encoder.write(key); encoder.write(amount) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

public func INCR(_ key: String) -> INCRBY { INCRBY(key, by: 1) }
public func DECR(_ key: String) -> INCRBY { INCRBY(key, by: -1) }

/// INCRBYFLOAT key amount → the new value.
public struct INCRBYFLOAT: RedisCommand {
    public var key: String
    public var amount: Double
    public init(_ key: String, by amount: Double) { self.key = key; self.amount = amount }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("INCRBYFLOAT"); encoder.write(key); encoder.write(amount) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Double { try RedisReply.double(reply) }
}

/// DEL key... → how many keys were removed.
public struct DEL: RedisCommand {
    public var keys: [String]
    public init(_ keys: [String]) { self.keys = keys }
    public init(_ keys: String...) { self.keys = keys }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("DEL"); encoder.write(keys) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// EXISTS key... → how many of the keys exist.
public struct EXISTS: RedisCommand {
    public var keys: [String]
    public init(_ keys: String...) { self.keys = keys }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("EXISTS"); encoder.write(keys) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// PING → PONG.
public struct PING: RedisCommand {
    public init() {}
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("PING") }
    public func decode(_ reply: RESPValue) throws(RedisError) -> String { try RedisReply.string(reply) }
}
