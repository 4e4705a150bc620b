/// One RESP2 or RESP3 value (Fixtures/resp/RESP2.md, RESP3.md).
///
/// Bulk payloads stay bytes (they are binary-safe); line payloads (simple strings and errors) are
/// UTF-8 text because a line cannot carry arbitrary bytes anyway.
public indirect enum RESPValue: Sendable, Equatable {
    /// `+OK\r\n`
    case simpleString(String)
    /// `-ERR message\r\n`
    case simpleError(String)
    /// `:1000\r\n`
    case integer(Int64)
    /// `$6\r\nfoobar\r\n`; nil is the RESP2 null bulk string `$-1\r\n`.
    case bulkString([UInt8]?)
    /// `*2\r\n...`; nil is the RESP2 null array `*-1\r\n`.
    case array([RESPValue]?)
    /// RESP3 `_\r\n`
    case null
    /// RESP3 `#t\r\n` / `#f\r\n`
    case boolean(Bool)
    /// RESP3 `,1.23\r\n`, `,inf\r\n`, `,-inf\r\n`, `,nan\r\n`. Equality treats every NaN as equal.
    case double(Double)
    /// RESP3 `(3492890328409238509324850943850943825024385\r\n`, kept as its decimal text.
    case bigNumber(String)
    /// RESP3 `!21\r\nSYNTAX invalid syntax\r\n`
    case bulkError([UInt8])
    /// RESP3 `=15\r\ntxt:Some string\r\n`: a 3-byte format (`txt`, `mkd`) and the text after the colon.
    case verbatimString(format: String, text: [UInt8])
    /// RESP3 `%2\r\n...`: key/value pairs in wire order (keys may repeat; RESP does not forbid it).
    case map([RESPPair])
    /// RESP3 `~3\r\n...`, in wire order.
    case set([RESPValue])
    /// RESP3 `|1\r\n...` attribute pairs, attached to the value that follows them on the wire.
    case attribute([RESPPair], RESPValue)
    /// RESP3 `>3\r\n...`: out-of-band data such as pub/sub messages.
    case push([RESPValue])

    public static func == (lhs: RESPValue, rhs: RESPValue) -> Bool {
        switch (lhs, rhs) {
        case let (.simpleString(a), .simpleString(b)): return a == b
        case let (.simpleError(a), .simpleError(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.bulkString(a), .bulkString(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case (.null, .null): return true
        case let (.boolean(a), .boolean(b)): return a == b
        case let (.double(a), .double(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.bigNumber(a), .bigNumber(b)): return a == b
        case let (.bulkError(a), .bulkError(b)): return a == b
        case let (.verbatimString(f1, t1), .verbatimString(f2, t2)): return f1 == f2 && t1 == t2
        case let (.map(a), .map(b)): return a == b
        case let (.set(a), .set(b)): return a == b
        case let (.attribute(a, v1), .attribute(b, v2)): return a == b && v1 == v2
        case let (.push(a), .push(b)): return a == b
        default: return false
        }
    }
}

/// One key/value pair of a RESP3 map or attribute.
public struct RESPPair: Sendable, Equatable {
    public var key: RESPValue
    public var value: RESPValue
    public init(_ key: RESPValue, _ value: RESPValue) {
        self.key = key
        self.value = value
    }
}

extension RESPValue {
    /// A bulk string holding the UTF-8 bytes of `text`.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }
}
