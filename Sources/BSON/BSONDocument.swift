/// A BSON document that keeps its bytes. It is validated once when made; fields are decoded only
/// when read, and embedded documents, arrays and binary data share the same buffer.
///
/// This is the type to put on the wire as-is (an OP_MSG body or document sequence): `bytes` is the
/// exact encoding, with no re-encoding step.
public struct BSONDocument: Sendable {
    @usableFromInline let storage: [UInt8]
    /// Where this document's bytes lie in `storage`: the int32 length through the terminating NUL.
    @usableFromInline let range: Range<Int>

    /// Wraps bytes already known to be a valid document at `range`.
    @inlinable
    init(validated storage: [UInt8], range: Range<Int>) {
        self.storage = storage
        self.range = range
    }

    /// The empty document `{}`.
    public init() {
        self.init(validated: [5, 0, 0, 0, 0], range: 0..<5)
    }

    /// Validates `bytes`, which must hold exactly one document.
    public init(bytes: [UInt8], limits: BSONLimits = .default) throws(BSONError) {
        let range = 0..<bytes.count
        if let error = BSONValidator.check(bytes, range: range, limits: limits) { throw error }
        self.init(validated: bytes, range: range)
    }

    /// Validates the document that occupies exactly `range` of `bytes`, sharing `bytes` without copying
    /// (for a document inside a larger message, such as an OP_MSG section).
    public init(bytes: [UInt8], range: Range<Int>, limits: BSONLimits = .default) throws(BSONError) {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw BSONError(.malformed, "range \(range) is outside the \(bytes.count) bytes given")
        }
        if let error = BSONValidator.check(bytes, range: range, limits: limits) { throw error }
        self.init(validated: bytes, range: range)
    }

    public init<C: Collection>(copying bytes: C, limits: BSONLimits = .default) throws(BSONError) where C.Element == UInt8 {
        try self.init(bytes: Array(bytes), limits: limits)
    }

    /// Reads the int32 length prefix of a document starting at `offset`: the size a framing layer
    /// must wait for. nil when fewer than 4 bytes are there.
    public static func declaredLength<C: RandomAccessCollection>(in bytes: C, at offset: C.Index) -> Int?
    where C.Element == UInt8 {
        guard bytes.distance(from: offset, to: bytes.endIndex) >= 4 else { return nil }
        var value: UInt32 = 0
        var index = offset
        for shift in stride(from: 0, to: 32, by: 8) {
            value |= UInt32(bytes[index]) << UInt32(shift)
            index = bytes.index(after: index)
        }
        return Int(Int32(bitPattern: value))
    }

    /// The document's encoding (shares storage).
    public var bytes: ArraySlice<UInt8> { storage[range] }
    /// The encoding as its own array (a copy unless this document spans its whole buffer).
    public var byteArray: [UInt8] { range == storage.indices ? storage : Array(storage[range]) }
    public var byteCount: Int { range.count }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let r = range
        return try storage.withUnsafeBytes { p in try body(UnsafeRawBufferPointer(rebasing: p[r])) }
    }

    public var isEmpty: Bool { range.count == 5 }

    /// Calls `body` with each element's type byte, key bytes and value offset, in order, until it returns false.
    /// Offsets are into the raw buffer `p` (the whole storage).
    @inline(__always)
    func forEachRaw(_ p: UnsafeRawBufferPointer,
                    _ body: (_ type: UInt8, _ keyStart: Int, _ keyEnd: Int, _ valueAt: Int) -> Bool) {
        let end = range.upperBound - 1
        var at = range.lowerBound + 4
        while at < end {
            let type = p[at]
            let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
            let valueAt = keyEnd + 1
            if !body(type, at + 1, keyEnd, valueAt) { return }
            at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
        }
    }

    /// The value of the first field named `key`, or nil. Compares key bytes without making Strings.
    public subscript(key: String) -> BSONValue? {
        var key = key
        return key.withUTF8 { k in
            storage.withUnsafeBytes { p in
                var found: BSONValue?
                forEachRaw(p) { type, keyStart, keyEnd, valueAt in
                    guard keyEnd - keyStart == k.count,
                          k.count == 0 || memcmpEqual(p.baseAddress! + keyStart, k.baseAddress!, k.count) else { return true }
                    found = RawBSON.value(storage, p, type: type, at: valueAt, limit: range.upperBound - 1)
                    return false
                }
                return found
            }
        }
    }

    public func contains(_ key: String) -> Bool { self[key] != nil }

    /// The number of fields (walks the document).
    public var count: Int {
        storage.withUnsafeBytes { p in
            var n = 0
            forEachRaw(p) { _, _, _, _ in n += 1; return true }
            return n
        }
    }

    public var keys: [String] {
        storage.withUnsafeBytes { p in
            var out: [String] = []
            forEachRaw(p) { _, keyStart, keyEnd, _ in
                out.append(RawBSON.string(p, from: keyStart, to: keyEnd)); return true
            }
            return out
        }
    }

    /// All fields as (key, value) pairs, in order.
    public var elements: [(key: String, value: BSONValue)] { Array(self) }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

extension BSONDocument: Sequence {
    public struct Iterator: IteratorProtocol {
        let storage: [UInt8]
        var at: Int
        let end: Int

        public mutating func next() -> (key: String, value: BSONValue)? {
            guard at < end else { return nil }
            return storage.withUnsafeBytes { p in
                let type = p[at]
                let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
                let key = RawBSON.string(p, from: at + 1, to: keyEnd)
                let valueAt = keyEnd + 1
                let value = RawBSON.value(storage, p, type: type, at: valueAt, limit: end)
                at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
                return (key, value)
            }
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(storage: storage, at: range.lowerBound + 4, end: range.upperBound - 1)
    }
}

extension BSONDocument: Hashable {
    /// Documents are equal when their encodings are byte for byte equal.
    public static func == (a: BSONDocument, b: BSONDocument) -> Bool {
        a.range.count == b.range.count && a.storage[a.range].elementsEqual(b.storage[b.range])
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension BSONDocument: CustomStringConvertible {
    /// Relaxed Extended JSON, for people.
    public var description: String { ExtendedJSON.string(from: self, mode: .relaxed) }
}
