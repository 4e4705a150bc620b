import RESP

/// One command: how it is written and what its reply means.
///
/// Commands are values (valkey-swift's pattern): a pipeline is a list of them, and each keeps its
/// response type. `decode` gets the reply only when it is not an error reply (those become `RedisError`).
public protocol RedisCommand: Sendable {
    associatedtype Response: Sendable
    func encode(into encoder: inout RedisCommandEncoder)
    func decode(_ reply: RESPValue) throws(RedisError) -> Response
    /// Whether `decode` sees RESP3 attributes (`|...`) around the reply; typed commands get the bare reply.
    static var keepsAttributes: Bool { get }
}

extension RedisCommand {
    public static var keepsAttributes: Bool { false }

    /// The reply as `decode` should see it.
    func prepared(_ reply: RESPValue) -> RESPValue {
        Self.keepsAttributes ? reply : reply.withoutAttributes
    }
}

/// Any command given as its words, answered with the raw reply: for what has no typed command here.
public struct RawCommand: RedisCommand {
    public var arguments: [[UInt8]]
    public init(_ arguments: [[UInt8]]) { self.arguments = arguments }
    public init(_ arguments: [String]) { self.arguments = arguments.map { Array($0.utf8) } }
    public init(_ words: String...) { self.init(words) }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write(arguments) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> RESPValue { reply }
    public static var keepsAttributes: Bool { true }
}

extension RESPValue {
    /// The server error this reply carries, if it is an error reply (simple or bulk).
    var serverError: RedisError? {
        switch self {
        case .simpleError(let text): return .server(text)
        case .bulkError(let bytes): return .server(String(decoding: bytes, as: UTF8.self))
        case .attribute(_, let value): return value.serverError
        default: return nil
        }
    }

    /// The value without attributes (RESP3 attributes decorate a reply; commands ignore them).
    var withoutAttributes: RESPValue {
        if case .attribute(_, let value) = self { return value.withoutAttributes }
        return self
    }

    /// RESP2 null bulk, RESP2 null array and RESP3 null.
    var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): true
        default: false
        }
    }

    /// Elements of an array, set or push (RESP3 sends sets where RESP2 sent arrays).
    var elements: [RESPValue]? {
        switch self {
        case .array(let items?), .set(let items), .push(let items): items
        default: nil
        }
    }

    /// Key/value pairs of a RESP3 map, or of a RESP2 flat array `k1 v1 k2 v2...`.
    var pairs: [RESPPair]? {
        switch self {
        case .map(let pairs): return pairs
        case .array(let items?):
            guard items.count % 2 == 0 else { return nil }
            return stride(from: 0, to: items.count, by: 2).map { RESPPair(items[$0], items[$0 + 1]) }
        default: return nil
        }
    }
}

/// How replies become Swift values: the building blocks of `RedisCommand.decode`.
public enum RedisReply {
    public static func bytes(_ reply: RESPValue) throws(RedisError) -> [UInt8] {
        switch reply {
        case .bulkString(let bytes?): return bytes
        case .simpleString(let text): return Array(text.utf8)
        case .verbatimString(_, let text): return text
        case .integer(let n): return Array(String(n).utf8)
        case .double(let d): return Array(d.description.utf8)
        case .bigNumber(let s): return Array(s.utf8)
        default: throw .unexpected(reply, "a string")
        }
    }

    public static func optionalBytes(_ reply: RESPValue) throws(RedisError) -> [UInt8]? {
        reply.isNull ? nil : try bytes(reply)
    }

    public static func string(_ reply: RESPValue) throws(RedisError) -> String {
        if case .simpleString(let text) = reply { return text }
        return String(decoding: try bytes(reply), as: UTF8.self)
    }

    public static func optionalString(_ reply: RESPValue) throws(RedisError) -> String? {
        reply.isNull ? nil : try string(reply)
    }

    public static func integer(_ reply: RESPValue) throws(RedisError) -> Int {
        switch reply {
        case .integer(let n): return Int(n)
        case .bulkString(let bytes?):
            // Some commands answer numbers as bulk strings (e.g. inside EXEC or from Lua).
            guard let n = Int(String(decoding: bytes, as: UTF8.self)) else { throw .unexpected(reply, "an integer") }
            return n
        default: throw .unexpected(reply, "an integer")
        }
    }

    public static func optionalInteger(_ reply: RESPValue) throws(RedisError) -> Int? {
        reply.isNull ? nil : try integer(reply)
    }

    public static func double(_ reply: RESPValue) throws(RedisError) -> Double {
        switch reply {
        case .double(let d): return d
        case .integer(let n): return Double(n)
        case .bulkString(let bytes?), .verbatimString(_, let bytes):
            let text = String(decoding: bytes, as: UTF8.self)
            switch text {
            case "inf", "+inf": return .infinity
            case "-inf": return -.infinity
            default:
                guard let d = Double(text) else { throw .unexpected(reply, "a double") }
                return d
            }
        default: throw .unexpected(reply, "a double")
        }
    }

    public static func optionalDouble(_ reply: RESPValue) throws(RedisError) -> Double? {
        reply.isNull ? nil : try double(reply)
    }

    /// `:1`/`:0`, RESP3 booleans, and `+OK` (true).
    public static func boolean(_ reply: RESPValue) throws(RedisError) -> Bool {
        switch reply {
        case .integer(let n): return n != 0
        case .boolean(let b): return b
        case .simpleString("OK"): return true
        default:
            if reply.isNull { return false }
            throw .unexpected(reply, "a boolean")
        }
    }

    /// `+OK` (or any simple string status).
    public static func ok(_ reply: RESPValue) throws(RedisError) {
        guard case .simpleString = reply else { throw .unexpected(reply, "+OK") }
    }

    public static func array(_ reply: RESPValue) throws(RedisError) -> [RESPValue] {
        guard let items = reply.elements else { throw .unexpected(reply, "an array") }
        return items
    }

    public static func optionalArray(_ reply: RESPValue) throws(RedisError) -> [RESPValue]? {
        reply.isNull ? nil : try array(reply)
    }

    public static func array<T>(_ reply: RESPValue, _ element: (RESPValue) throws(RedisError) -> T) throws(RedisError) -> [T] {
        let items = try array(reply)
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try element(item)) }
        return out
    }

    public static func pairs(_ reply: RESPValue) throws(RedisError) -> [RESPPair] {
        guard let pairs = reply.pairs else { throw .unexpected(reply, "a map") }
        return pairs
    }
}
