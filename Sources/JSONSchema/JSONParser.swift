/// Parses JSON text (RFC 8259, UTF-8) into a `JSONValue`, within limits.
///
/// Strict: no comments, no trailing commas, no duplicate object keys (a validator that let the last
/// duplicate win would check a different document than the one some other reader sees), no
/// unpaired surrogate escapes, no bytes after the value except whitespace.
public struct JSONParser: Sendable {
    public struct Limits: Sendable {
        /// Largest input accepted, in bytes.
        public var maxBytes: Int
        /// Deepest nesting of arrays and objects (the top-level value is depth 1).
        public var maxDepth: Int
        /// Longest string (key or value), in bytes of UTF-8.
        public var maxStringBytes: Int

        public init(maxBytes: Int = 16 << 20, maxDepth: Int = 128, maxStringBytes: Int = 4 << 20) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxStringBytes = maxStringBytes
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    public func parse(_ bytes: [UInt8]) throws(JSONSchemaError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw JSONSchemaError(.limitExceeded, "input is \(bytes.count) bytes, the limit is \(limits.maxBytes)",
                                  location: "offset 0")
        }
        let result: Result<JSONValue, JSONSchemaError> = bytes.withUnsafeBufferPointer { buf in
            var cursor = Cursor(buf: buf, limits: limits)
            do throws(JSONSchemaError) {
                cursor.skipWhitespace()
                let v = try cursor.parseValue(depth: 1)
                cursor.skipWhitespace()
                if cursor.pos != buf.count { throw cursor.fail("unexpected bytes after the JSON value") }
                return .success(v)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public func parse(_ text: String) throws(JSONSchemaError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// The reading position over the input; all reads are bounds-checked.
private struct Cursor {
    let buf: UnsafeBufferPointer<UInt8>
    let limits: JSONParser.Limits
    var pos = 0
    /// Reused for strings that need unescaping.
    var scratch: [UInt8] = []
    /// FNV-1a hash of the bytes of the last string parsed (for the duplicate-key check).
    var lastStringHash: UInt64 = 0

    init(buf: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits) {
        self.buf = buf
        self.limits = limits
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONSchemaError {
        JSONSchemaError(.malformedJSON, message, location: "offset \(offset ?? pos)")
    }

    @inline(__always) mutating func skipWhitespace() {
        while pos < buf.count {
            let c = buf[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSchemaError) -> JSONValue {
        guard pos < buf.count else { throw fail("unexpected end of input, expected a value") }
        switch buf[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected byte 0x\(String(buf[pos], radix: 16)), expected a value")
        }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONSchemaError) {
        let n = word.utf8CodeUnitCount
        guard buf.count - pos >= n else { throw fail("unexpected end of input in a literal") }
        let p = word.utf8Start
        for i in 0..<n where buf[pos + i] != p[i] { throw fail("invalid literal", at: pos + i) }
        pos += n
    }

    mutating func parseObject(depth: Int) throws(JSONSchemaError) -> JSONValue {
        guard depth <= limits.maxDepth else {
            throw JSONSchemaError(.limitExceeded, "nesting deeper than \(limits.maxDepth)", location: "offset \(pos)")
        }
        pos += 1
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject(members)) }
        var seen: Set<String> = []
        // A hash of each key's bytes: duplicates are looked for among equal hashes only.
        var hashes: [UInt64] = []
        while true {
            skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyOffset = pos
            let key = try parseString()
            if members.count < 64 {
                let h = lastStringHash
                for (k, other) in hashes.enumerated() where other == h && utf8Equal(members[k].key, key) {
                    throw fail("duplicate key \"\(key)\"", at: keyOffset)
                }
                hashes.append(h)
            } else {
                if seen.isEmpty { seen = Set(members.map(\.key)) }
                if !seen.insert(key).inserted { throw fail("duplicate key \"\(key)\"", at: keyOffset) }
            }
            skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard pos < buf.count else { throw fail("unexpected end of input in an object") }
            if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject(members)) }
            throw fail("expected ',' or '}' in an object")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSchemaError) -> JSONValue {
        guard depth <= limits.maxDepth else {
            throw JSONSchemaError(.limitExceeded, "nesting deeper than \(limits.maxDepth)", location: "offset \(pos)")
        }
        pos += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < buf.count else { throw fail("unexpected end of input in an array") }
            if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(elements) }
            throw fail("expected ',' or ']' in an array")
        }
    }

    mutating func parseString() throws(JSONSchemaError) -> String {
        let start = pos + 1
        var i = start
        // Fast path: no escapes. One pass finds the end, rejects control characters, hashes the
        // bytes and notes whether any is non-ASCII (only then is UTF-8 validated separately).
        var high: UInt8 = 0
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                guard i - start <= limits.maxStringBytes else { throw stringTooLong() }
                let slice = UnsafeBufferPointer(rebasing: buf[start..<i])
                if high >= 0x80 { guard isValidUTF8(slice) else { throw fail("string is not valid UTF-8", at: start) } }
                pos = i + 1
                lastStringHash = hash
                return String(decoding: slice, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("unescaped control character in a string", at: i) }
            high |= c
            hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3
            i += 1
        }
        guard i < buf.count else { throw fail("unterminated string", at: pos) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                guard scratch.count <= limits.maxStringBytes else { throw stringTooLong() }
                let (valid, hash) = scratch.withUnsafeBufferPointer { (isValidUTF8($0), fnv1a($0)) }
                guard valid else { throw fail("string is not valid UTF-8", at: start) }
                pos = i + 1
                lastStringHash = hash
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw fail("unescaped control character in a string", at: i) }
            if c != UInt8(ascii: "\\") { scratch.append(c); i += 1; continue }
            guard i + 1 < buf.count else { throw fail("unterminated escape", at: i) }
            let e = buf[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i + 6 <= buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired high surrogate escape", at: i - 6)
                    }
                    let low = try hex4(at: i + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired high surrogate escape", at: i - 6) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw fail("unpaired low surrogate escape", at: i - 6)
                }
                appendUTF8(scalar)
            default:
                throw fail("invalid escape character", at: i - 1)
            }
        }
        throw fail("unterminated string", at: pos)
    }

    func stringTooLong() -> JSONSchemaError {
        JSONSchemaError(.limitExceeded, "string longer than \(limits.maxStringBytes) bytes", location: "offset \(pos)")
    }

    func hex4(at i: Int) throws(JSONSchemaError) -> UInt32 {
        guard i + 4 <= buf.count else { throw fail("truncated \\u escape", at: i) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = buf[i + k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw fail("invalid hex digit in \\u escape", at: i + k)
            }
            v = v << 4 | d
        }
        return v
    }

    mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80: scratch.append(UInt8(s))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | s >> 6)); scratch.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | s >> 12)); scratch.append(UInt8(0x80 | (s >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | s >> 18)); scratch.append(UInt8(0x80 | (s >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (s >> 6) & 0x3F)); scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }

    mutating func parseNumber() throws(JSONSchemaError) -> JSONValue {
        let start = pos
        var i = pos
        var negative = false
        if buf[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < buf.count, isDigit(buf[i]) else { throw fail("expected a digit", at: i) }
        // Accumulate as a negative magnitude so that Int64.min parses exactly.
        var magnitude: Int64 = 0
        var overflow = false
        if buf[i] == UInt8(ascii: "0") {
            i += 1
            if i < buf.count, isDigit(buf[i]) { throw fail("leading zero in a number", at: start) }
        } else {
            while i < buf.count, isDigit(buf[i]) {
                let d = Int64(buf[i] - 48)
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.subtractingReportingOverflow(d)
                if o1 || o2 { overflow = true } else { magnitude = m2 }
                i += 1
            }
        }
        var integral = true
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < buf.count, isDigit(buf[i]) else { throw fail("expected a digit after '.'", at: i) }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count, isDigit(buf[i]) else { throw fail("expected a digit in the exponent", at: i) }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        pos = i
        if integral && !overflow {
            if negative { return .integer(magnitude) }
            if magnitude != Int64.min { return .integer(-magnitude) }
        }
        guard i - start <= 1024 else { throw JSONSchemaError(.limitExceeded, "number literal longer than 1024 bytes", location: "offset \(start)") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw fail("number out of the range of a 64-bit float", at: start)
        }
        return .number(d)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}

@inline(__always) func fnv1a(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h
}

/// UTF-8 validity (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
/// ASCII runs are checked eight bytes at a time.
func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = b.count
    var i = 0
    guard let base = b.baseAddress else { return true }
    while i < n {
        if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
        }
        let c = b[i]
        if c < 0x80 { i += 1; continue }
        if c >= 0xC2 && c <= 0xDF {
            guard i + 1 < n, b[i + 1] & 0xC0 == 0x80 else { return false }
            i += 2
        } else if c >= 0xE0 && c <= 0xEF {
            guard i + 2 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80 else { return false }
            if c == 0xE0 && b[i + 1] < 0xA0 { return false }      // overlong
            if c == 0xED && b[i + 1] >= 0xA0 { return false }     // surrogate
            i += 3
        } else if c >= 0xF0 && c <= 0xF4 {
            guard i + 3 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80, b[i + 3] & 0xC0 == 0x80 else { return false }
            if c == 0xF0 && b[i + 1] < 0x90 { return false }      // overlong
            if c == 0xF4 && b[i + 1] >= 0x90 { return false }     // above U+10FFFF
            i += 4
        } else {
            return false
        }
    }
    return true
}
