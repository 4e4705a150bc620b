/// Reads the fields of one document. Lookups start where the previous one ended, because
/// decoders usually ask for fields in the order they were written; that makes each lookup O(1)
/// in the common case and at worst one pass over the document.
struct BSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let impl: BSONDecoderImpl
    /// Offsets of the first element and of the document's terminating NUL.
    let first: Int
    let end: Int
    /// This container's slot in `impl.cursors` (its nesting depth).
    let slot: Int
    /// Set for containers made by `nestedContainer`; others use the decoder's current path, since
    /// they are used while their value is being decoded.
    let explicitPath: [any CodingKey]?

    init(impl: BSONDecoderImpl, start: Int, path: [any CodingKey]? = nil) {
        self.impl = impl
        first = start + 4
        end = start + Int(RawBSON.int32(impl.p, start)) - 1
        explicitPath = path
        slot = path?.count ?? impl.codingPath.count
        impl.setCursor(slot: slot, document: first, at: first)
    }

    var codingPath: [any CodingKey] { explicitPath ?? impl.codingPath }

    /// The (type, value offset) of the field named `key`, or nil.
    @inline(__always)
    private func find(_ key: Key) -> (type: UInt8, at: Int)? {
        var name = key.stringValue
        return name.withUTF8 { k in
            let p = impl.p
            let start = impl.cursor(slot: slot, document: first)
            if let hit = scan(p, k, from: start, to: end) { return hit }
            if start != first, let hit = scan(p, k, from: first, to: start) { return hit }
            return nil
        }
    }

    @inline(__always)
    private func scan(_ p: UnsafeRawBufferPointer, _ k: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> (type: UInt8, at: Int)? {
        var at = from
        while at < to {
            let type = p[at]
            let keyStart = at + 1
            let keyEnd = RawBSON.nul(p, from: keyStart, limit: end)
            let valueAt = keyEnd + 1
            let next = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
            if keyEnd - keyStart == k.count && (k.count == 0 || memcmpEqual(p.baseAddress! + keyStart, k.baseAddress!, k.count)) {
                impl.setCursor(slot: slot, document: first, at: next < end ? next : first)
                return (type, valueAt)
            }
            at = next
        }
        return nil
    }

    private func require(_ key: Key) throws -> (type: UInt8, at: Int) {
        guard let hit = find(key) else {
            let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw BSONError(.typeMismatch, "\(path): missing key \"\(key.stringValue)\"")
        }
        return hit
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var at = first
        let p = impl.p
        while at < end {
            let type = p[at]
            let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
            if let k = Key(stringValue: RawBSON.string(p, from: at + 1, to: keyEnd)) { keys.append(k) }
            at = keyEnd + 1 + RawBSON.valueSize(p, type: type, at: keyEnd + 1, limit: end)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let hit = find(key) else { return true }
        return hit.type == 0x0A || hit.type == 0x06
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let h = try require(key); return try impl.bool(h.type, h.at, path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let h = try require(key); return try impl.string(h.type, h.at, path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let h = try require(key); return try impl.double(h.type, h.at, path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        let h = try require(key); return Float(try impl.double(h.type, h.at, path(key)))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    @inline(__always)
    private func integer<I: FixedWidthInteger>(_ key: Key) throws -> I {
        let h = try require(key)
        return try impl.integer(h.type, h.at, path(key), as: I.self)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let h = try require(key)
        return try impl.decode(T.self, type: h.type, at: h.at, key: key)
    }

    // Optional fields: one lookup instead of the default contains + decodeNil + decode.
    private func present(_ key: Key) -> (type: UInt8, at: Int)? {
        guard let h = find(key), h.type != 0x0A, h.type != 0x06 else { return nil }
        return h
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let h = present(key) else { return nil }; return try impl.bool(h.type, h.at, path(key))
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let h = present(key) else { return nil }; return try impl.string(h.type, h.at, path(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let h = present(key) else { return nil }; return try impl.double(h.type, h.at, path(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let h = present(key) else { return nil }; return try impl.integer(h.type, h.at, path(key), as: Int.self)
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        guard let h = present(key) else { return nil }; return try impl.integer(h.type, h.at, path(key), as: Int32.self)
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let h = present(key) else { return nil }; return try impl.integer(h.type, h.at, path(key), as: Int64.self)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let h = present(key) else { return nil }
        return try impl.decode(T.self, type: h.type, at: h.at, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let h = try require(key)
        guard h.type == 0x03 else { throw impl.mismatch("a document", found: h.type, path: path(key)) }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<NestedKey>(impl: impl, start: h.at, path: path(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let h = try require(key)
        guard h.type == 0x04 else { throw impl.mismatch("an array", found: h.type, path: path(key)) }
        return BSONUnkeyedDecodingContainer(impl: impl, start: h.at, path: path(key))
    }

    func superDecoder() throws -> any Decoder { try superDecoder(forKey: Key(stringValue: "super")!) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let h = try require(key)
        return BSONDecoderImpl(storage: impl.storage, p: impl.p, type: h.type, at: h.at)
    }
}

/// Reads array elements in order.
struct BSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let impl: BSONDecoderImpl
    let codingPath: [any CodingKey]
    let start: Int
    let end: Int
    var at: Int
    private(set) var currentIndex = 0

    init(impl: BSONDecoderImpl, start: Int, path: [any CodingKey]) {
        self.impl = impl
        self.codingPath = path
        self.start = start
        end = start + Int(RawBSON.int32(impl.p, start)) - 1
        at = start + 4
    }

    var count: Int? {
        var n = 0
        var i = start + 4
        let p = impl.p
        while i < end {
            let type = p[i]
            let keyEnd = RawBSON.nul(p, from: i + 1, limit: end)
            i = keyEnd + 1 + RawBSON.valueSize(p, type: type, at: keyEnd + 1, limit: end)
            n += 1
        }
        return n
    }

    var isAtEnd: Bool { at >= end }

    /// An array position as a coding key; its string is made only when asked for (error messages).
    private struct IndexKey: CodingKey {
        let index: Int
        init(_ i: Int) { index = i }
        init?(stringValue: String) { guard let i = Int(stringValue) else { return nil }; index = i }
        init?(intValue: Int) { index = intValue }
        var stringValue: String { String(index) }
        var intValue: Int? { index }
    }

    /// Moves past the next element and returns its (type, value offset).
    private mutating func next() throws -> (type: UInt8, at: Int) {
        guard at < end else {
            throw BSONError(.typeMismatch, "\(codingPath.map(\.stringValue).joined(separator: ".")): array has no element \(currentIndex)")
        }
        let p = impl.p
        let type = p[at]
        let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
        let valueAt = keyEnd + 1
        at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
        currentIndex += 1
        return (type, valueAt)
    }

    private var elementPath: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }
    /// The path of the element `next()` just returned.
    private var lastPath: [any CodingKey] { codingPath + [IndexKey(currentIndex - 1)] }

    mutating func decodeNil() throws -> Bool {
        guard at < end else { return false }
        let type = impl.p[at]
        if type == 0x0A || type == 0x06 { _ = try next(); return true }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let h = try next(); return try impl.bool(h.type, h.at, lastPath) }
    mutating func decode(_ type: String.Type) throws -> String { let h = try next(); return try impl.string(h.type, h.at, lastPath) }
    mutating func decode(_ type: Double.Type) throws -> Double { let h = try next(); return try impl.double(h.type, h.at, lastPath) }
    mutating func decode(_ type: Float.Type) throws -> Float { let h = try next(); return Float(try impl.double(h.type, h.at, lastPath)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private mutating func integer<I: FixedWidthInteger>() throws -> I {
        let h = try next()
        return try impl.integer(h.type, h.at, lastPath, as: I.self)
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let key = IndexKey(currentIndex)
        let h = try next()
        return try impl.decode(T.self, type: h.type, at: h.at, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let path = elementPath
        let h = try next()
        guard h.type == 0x03 else { throw impl.mismatch("a document", found: h.type, path: path) }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<NestedKey>(impl: impl, start: h.at, path: path))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = elementPath
        let h = try next()
        guard h.type == 0x04 else { throw impl.mismatch("an array", found: h.type, path: path) }
        return BSONUnkeyedDecodingContainer(impl: impl, start: h.at, path: path)
    }

    mutating func superDecoder() throws -> any Decoder {
        let h = try next()
        return BSONDecoderImpl(storage: impl.storage, p: impl.p, type: h.type, at: h.at)
    }
}

/// Reads the one value a type decodes as a single value (enums by raw value, wrappers, Optionals):
/// the decoder's current value. It holds only the decoder, so making one allocates nothing.
struct BSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let impl: BSONDecoderImpl

    var codingPath: [any CodingKey] { impl.codingPath }
    private var type: UInt8 { impl.type }
    private var at: Int { impl.at }

    func decodeNil() -> Bool { type == 0x0A || type == 0x06 }
    func decode(_ t: Bool.Type) throws -> Bool { try impl.bool(type, at, codingPath) }
    func decode(_ t: String.Type) throws -> String { try impl.string(type, at, codingPath) }
    func decode(_ t: Double.Type) throws -> Double { try impl.double(type, at, codingPath) }
    func decode(_ t: Float.Type) throws -> Float { Float(try impl.double(type, at, codingPath)) }
    func decode(_ t: Int.Type) throws -> Int { try impl.integer(type, at, codingPath, as: Int.self) }
    func decode(_ t: Int8.Type) throws -> Int8 { try impl.integer(type, at, codingPath, as: Int8.self) }
    func decode(_ t: Int16.Type) throws -> Int16 { try impl.integer(type, at, codingPath, as: Int16.self) }
    func decode(_ t: Int32.Type) throws -> Int32 { try impl.integer(type, at, codingPath, as: Int32.self) }
    func decode(_ t: Int64.Type) throws -> Int64 { try impl.integer(type, at, codingPath, as: Int64.self) }
    func decode(_ t: UInt.Type) throws -> UInt { try impl.integer(type, at, codingPath, as: UInt.self) }
    func decode(_ t: UInt8.Type) throws -> UInt8 { try impl.integer(type, at, codingPath, as: UInt8.self) }
    func decode(_ t: UInt16.Type) throws -> UInt16 { try impl.integer(type, at, codingPath, as: UInt16.self) }
    func decode(_ t: UInt32.Type) throws -> UInt32 { try impl.integer(type, at, codingPath, as: UInt32.self) }
    func decode(_ t: UInt64.Type) throws -> UInt64 { try impl.integer(type, at, codingPath, as: UInt64.self) }
    func decode<T: Decodable>(_ t: T.Type) throws -> T { try impl.decode(T.self, type: type, at: at, key: nil) }
}
