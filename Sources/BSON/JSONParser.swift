/// A strict RFC 8259 JSON reader producing `JSONValue`, with a nesting limit.
public struct JSONParser {
    public var maxDepth: Int

    public init(maxDepth: Int = BSONLimits.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    public func parse(_ text: String) throws(BSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public func parse(_ bytes: [UInt8]) throws(BSONError) -> JSONValue {
        var state = State(c: bytes, maxDepth: maxDepth)
        state.skipSpace()
        let value = try state.value(depth: 0)
        state.skipSpace()
        guard state.i == bytes.count else { throw state.error("unexpected text after the JSON value") }
        return value
    }

    struct State {
        let c: [UInt8]
        let maxDepth: Int
        var i = 0

        init(c: [UInt8], maxDepth: Int) {
            self.c = c
            self.maxDepth = maxDepth
        }

        func error(_ message: String) -> BSONError { BSONError(.invalidJSON, message, offset: i) }

        mutating func skipSpace() {
            while i < c.count, c[i] == 0x20 || c[i] == 0x0A || c[i] == 0x0D || c[i] == 0x09 { i += 1 }
        }

        mutating func value(depth: Int) throws(BSONError) -> JSONValue {
            guard i < c.count else { throw error("unexpected end of JSON") }
            switch c[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character '\(Unicode.Scalar(c[i]))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(BSONError) {
            let n = word.utf8CodeUnitCount
            guard i + n <= c.count else { throw error("unexpected end of JSON") }
            let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
            for k in 0..<n where c[i + k] != w[k] { throw error("invalid literal") }
            i += n
        }

        mutating func object(depth: Int) throws(BSONError) -> JSONValue {
            guard depth <= maxDepth else { throw BSONError(.limitExceeded, "JSON nests deeper than \(maxDepth) levels", offset: i) }
            i += 1
            var members: [JSONMember] = []
            skipSpace()
            if i < c.count, c[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < c.count, c[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < c.count, c[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                skipSpace()
                members.append(JSONMember(key, try value(depth: depth)))
                skipSpace()
                guard i < c.count else { throw error("unexpected end of JSON in an object") }
                if c[i] == UInt8(ascii: ",") { i += 1; continue }
                if c[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(BSONError) -> JSONValue {
            guard depth <= maxDepth else { throw BSONError(.limitExceeded, "JSON nests deeper than \(maxDepth) levels", offset: i) }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < c.count, c[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                guard i < c.count else { throw error("unexpected end of JSON in an array") }
                if c[i] == UInt8(ascii: ",") { i += 1; continue }
                if c[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw error("expected ',' or ']'")
            }
        }

        /// A number's exact text after checking the JSON grammar.
        mutating func number() throws(BSONError) -> String {
            let start = i
            func digit() -> Bool { i < c.count && c[i] >= 0x30 && c[i] <= 0x39 }
            if c[i] == UInt8(ascii: "-") { i += 1 }
            guard digit() else { throw error("a number needs a digit") }
            if c[i] == 0x30 { i += 1 } else { while digit() { i += 1 } }
            if i < c.count, c[i] == UInt8(ascii: ".") {
                i += 1
                guard digit() else { throw error("a fraction needs a digit") }
                while digit() { i += 1 }
            }
            if i < c.count, c[i] == UInt8(ascii: "e") || c[i] == UInt8(ascii: "E") {
                i += 1
                if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") { i += 1 }
                guard digit() else { throw error("an exponent needs a digit") }
                while digit() { i += 1 }
            }
            return String(decoding: c[start..<i], as: UTF8.self)
        }

        mutating func string() throws(BSONError) -> String {
            i += 1
            var out: [UInt8] = []
            var runStart = i
            while true {
                guard i < c.count else { throw error("unterminated string") }
                let ch = c[i]
                if ch == UInt8(ascii: "\"") {
                    out.append(contentsOf: c[runStart..<i])
                    i += 1
                    break
                }
                if ch < 0x20 { throw error("control character in a string") }
                if ch != UInt8(ascii: "\\") { i += 1; continue }
                out.append(contentsOf: c[runStart..<i])
                i += 1
                guard i < c.count else { throw error("unterminated escape") }
                let e = c[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        guard i + 1 < c.count, c[i] == UInt8(ascii: "\\"), c[i + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low <= 0xDFFF else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        throw error("unpaired surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: UTF8.encode(u)!)
                default:
                    throw error("invalid escape")
                }
                runStart = i
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw BSONError(.invalidUTF8, "string is not valid UTF-8", offset: i) }
            return s
        }

        mutating func hex4() throws(BSONError) -> UInt32 {
            guard i + 4 <= c.count else { throw error("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let ch = c[i]
                let d: UInt32
                switch ch {
                case 0x30...0x39: d = UInt32(ch - 0x30)
                case 0x41...0x46: d = UInt32(ch - 0x41 + 10)
                case 0x61...0x66: d = UInt32(ch - 0x61 + 10)
                default: throw error("bad hex digit in \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }
    }
}
