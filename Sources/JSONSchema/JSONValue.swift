/// A JSON value as JSON Schema sees it.
///
/// Numbers keep integers exact: any integer literal that fits in 64 bits is `.integer`; every other
/// number is `.number`. Equality follows JSON Schema, not Swift: `1` equals `1.0`, and objects are
/// equal when they have the same members in any order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON Schema type name of this value (`integer` for integral numbers, such as 1.0).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number(let d): return d.isIntegral ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value as a Double for numeric comparisons, or nil for non-numbers.
    @inlinable public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// Member lookup for objects; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

extension Double {
    /// True for finite numbers without a fractional part (JSON Schema calls them integers).
    @inlinable var isIntegral: Bool { isFinite && rounded(.towardZero) == self }
}

/// A JSON object: members in document order. Keys are unique (the parser rejects duplicates).
public struct JSONObject: Sendable {
    public struct Member: Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    @inlinable public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    /// Linear search: objects in schemas and instances are small, and a scan over short strings
    /// beats hashing them.
    public subscript(key: String) -> JSONValue? {
        get {
            for m in members where m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let v = newValue { members[i].value = v } else { members.remove(at: i) }
            } else if let v = newValue {
                members.append(Member(key: key, value: v))
            }
        }
    }

    public func contains(_ key: String) -> Bool {
        for m in members where m.key == key { return true }
        return false
    }
}

// MARK: - JSON Schema equality

extension JSONValue: Equatable {
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)):
            return numericEqual(x, y)
        case (.string(let x), .string(let y)):
            // Code point equality: Swift's `==` would equate canonically equivalent strings.
            return utf8Equal(x, y)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }
}

/// Byte equality of two strings (code point equality, unlike Swift's canonical-equivalence `==`).
@usableFromInline func utf8Equal(_ x: String, _ y: String) -> Bool {
    guard x.utf8.count == y.utf8.count else { return false }
    let fast: Bool?? = x.utf8.withContiguousStorageIfAvailable { a in
        y.utf8.withContiguousStorageIfAvailable { b in
            a.count == 0 || memcmpEqual(a.baseAddress!, b.baseAddress!, a.count)
        }
    }
    if let f = fast, let r = f { return r }
    return x.utf8.elementsEqual(y.utf8)
}

@inline(__always) func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
        i += 8
    }
    while i < n { if a[i] != b[i] { return false }; i += 1 }
    return true
}

/// The number of Unicode code points (what JSON Schema's minLength/maxLength count).
@usableFromInline func scalarCount(_ s: String) -> Int {
    if let n = s.utf8.withContiguousStorageIfAvailable({ bytes -> Int in
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }) { return n }
    return s.unicodeScalars.count
}

/// Exact comparison of an Int64 with a Double (no rounding of the integer through Double).
@usableFromInline func numericEqual(_ i: Int64, _ d: Double) -> Bool {
    guard d.isIntegral, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return false }
    return Int64(d) == i
}

extension JSONObject: Equatable {
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.members.count == b.members.count else { return false }
        for m in a.members {
            guard let other = b[m.key], other == m.value else { return false }
        }
        return true
    }
}

extension JSONValue: Hashable {
    /// Consistent with `==`: integral numbers hash like the integer they equal, objects hash
    /// independently of member order.
    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0 as UInt8)
        case .bool(let b): h.combine(1 as UInt8); h.combine(b)
        case .integer(let i): h.combine(2 as UInt8); h.combine(i)
        case .number(let d):
            if d.isIntegral, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 {
                h.combine(2 as UInt8); h.combine(Int64(d))
            } else {
                h.combine(3 as UInt8); h.combine(d)
            }
        case .string(let s): h.combine(4 as UInt8); h.combine(s)
        case .array(let a): h.combine(5 as UInt8); h.combine(a.count); for v in a { v.hash(into: &h) }
        case .object(let o):
            h.combine(6 as UInt8); h.combine(o.count)
            var acc = 0
            for m in o.members {
                var mh = Hasher(); mh.combine(m.key); m.value.hash(into: &mh); acc ^= mh.finalize()
            }
            h.combine(acc)
        }
    }
}

extension JSONObject: Hashable {
    public func hash(into h: inout Hasher) { JSONValue.object(self).hash(into: &h) }
}

// MARK: - Literals, for tests and hand-built values

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral v: Bool) { self = .bool(v) }
    public init(integerLiteral v: Int64) { self = .integer(v) }
    public init(floatLiteral v: Double) { self = .number(v) }
    public init(stringLiteral v: String) { self = .string(v) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}
