/// A document decoded into Swift values all the way down: ordered fields whose embedded documents
/// and arrays are themselves materialised (unlike `BSONDocument`, which keeps bytes and reads
/// lazily). Use it to inspect or edit a document as a mutable tree, then encode it back.
public struct BSONTree: Sendable, Equatable {
    public var fields: [Field]

    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: Node

        public init(_ key: String, _ value: Node) {
            self.key = key
            self.value = value
        }
    }

    /// A materialised value: an embedded document or array as a tree, anything else as its `BSONValue`
    /// (never `.document` or `.array`, which are always nodes of their own).
    public enum Node: Sendable, Equatable {
        case value(BSONValue)
        case document(BSONTree)
        case array([Node])
    }

    public init(fields: [Field] = []) {
        self.fields = fields
    }

    /// Materialises every value of `document`.
    public init(_ document: BSONDocument) {
        self = document.storage.withUnsafeBytes { p in
            BSONTree.read(document.storage, p, documentAt: document.range.lowerBound)
        }
    }

    /// Validates `bytes` as one document and materialises it, in one pass per nesting level
    /// (each document's elements are validated just before they are read).
    public init(bytes: [UInt8], limits: BSONLimits = .default) throws(BSONError) {
        let result: Result<BSONTree, BSONError> = bytes.withUnsafeBytes { p in
            do throws(BSONError) {
                try BSONValidator.checkEnvelope(p, range: 0..<bytes.count, limits: limits)
                var keys = KeyCache()
                return .success(try BSONTree.readValidating(bytes, p, documentAt: 0, limit: bytes.count, depth: 1,
                                                            limits: limits, keys: &keys))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    static func readValidating(_ storage: [UInt8], _ p: UnsafeRawBufferPointer, documentAt start: Int, limit: Int,
                               depth: Int, limits: BSONLimits, keys: inout KeyCache) throws(BSONError) -> BSONTree {
        let (length, count) = try BSONValidator.level(p, at: start, limit: limit, depth: depth, limits: limits, deep: false)
        let end = start + length - 1
        var fields: [Field] = []
        fields.reserveCapacity(count)
        var at = start + 4
        while at < end {
            let type = p[at]
            let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
            // Top-level keys rarely repeat; embedded documents (levels, arrays of records) usually do.
            let key = depth > 1 ? keys.string(p, from: at + 1, to: keyEnd) : RawBSON.string(p, from: at + 1, to: keyEnd)
            let valueAt = keyEnd + 1
            let node: Node
            switch type {
            case 0x03:
                node = .document(try readValidating(storage, p, documentAt: valueAt, limit: end, depth: depth + 1, limits: limits, keys: &keys))
            case 0x04:
                node = .array(try readArrayValidating(storage, p, at: valueAt, limit: end, depth: depth + 1, limits: limits, keys: &keys))
            default:
                node = .value(RawBSON.value(storage, p, type: type, at: valueAt, limit: end))
            }
            fields.append(Field(key, node))
            at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
        }
        return BSONTree(fields: fields)
    }

    /// Like `readValidating` for an array: the keys are skipped, not made into Strings.
    static func readArrayValidating(_ storage: [UInt8], _ p: UnsafeRawBufferPointer, at start: Int, limit: Int,
                                    depth: Int, limits: BSONLimits, keys: inout KeyCache) throws(BSONError) -> [Node] {
        let (length, count) = try BSONValidator.level(p, at: start, limit: limit, depth: depth, limits: limits, deep: false)
        let end = start + length - 1
        var items: [Node] = []
        items.reserveCapacity(count)
        var at = start + 4
        while at < end {
            let type = p[at]
            let valueAt = RawBSON.nul(p, from: at + 1, limit: end) + 1
            switch type {
            case 0x03:
                items.append(.document(try readValidating(storage, p, documentAt: valueAt, limit: end, depth: depth + 1, limits: limits, keys: &keys)))
            case 0x04:
                items.append(.array(try readArrayValidating(storage, p, at: valueAt, limit: end, depth: depth + 1, limits: limits, keys: &keys)))
            default:
                items.append(.value(RawBSON.value(storage, p, type: type, at: valueAt, limit: end)))
            }
            at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
        }
        return items
    }

    /// The first field named `key`.
    public subscript(key: String) -> Node? {
        fields.first { $0.key == key }?.value
    }

    public mutating func append(_ key: String, _ node: Node) {
        fields.append(Field(key, node))
    }

    public mutating func append(_ key: String, _ value: BSONValue) {
        fields.append(Field(key, Node(value)))
    }

    // MARK: reading (validated bytes)

    static func read(_ storage: [UInt8], _ p: UnsafeRawBufferPointer, documentAt start: Int) -> BSONTree {
        let end = start + Int(RawBSON.int32(p, start)) - 1
        var fields: [Field] = []
        fields.reserveCapacity(count(p, start: start, end: end))
        var at = start + 4
        while at < end {
            let type = p[at]
            let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
            let key = RawBSON.string(p, from: at + 1, to: keyEnd)
            let valueAt = keyEnd + 1
            fields.append(Field(key, node(storage, p, type: type, at: valueAt, end: end)))
            at = valueAt + RawBSON.valueSize(p, type: type, at: valueAt, limit: end)
        }
        return BSONTree(fields: fields)
    }

    @inline(__always)
    static func node(_ storage: [UInt8], _ p: UnsafeRawBufferPointer, type: UInt8, at: Int, end: Int) -> Node {
        switch type {
        case 0x03: return .document(read(storage, p, documentAt: at))
        case 0x04:
            let arrayEnd = at + Int(RawBSON.int32(p, at)) - 1
            var items: [Node] = []
            items.reserveCapacity(count(p, start: at, end: arrayEnd))
            var i = at + 4
            while i < arrayEnd {
                let t = p[i]
                let keyEnd = RawBSON.nul(p, from: i + 1, limit: arrayEnd)
                let valueAt = keyEnd + 1
                items.append(node(storage, p, type: t, at: valueAt, end: arrayEnd))
                i = valueAt + RawBSON.valueSize(p, type: t, at: valueAt, limit: arrayEnd)
            }
            return .array(items)
        default:
            return .value(RawBSON.value(storage, p, type: type, at: at, limit: end))
        }
    }

    @inline(__always)
    static func count(_ p: UnsafeRawBufferPointer, start: Int, end: Int) -> Int {
        var n = 0
        var at = start + 4
        while at < end {
            let type = p[at]
            let keyEnd = RawBSON.nul(p, from: at + 1, limit: end)
            at = keyEnd + 1 + RawBSON.valueSize(p, type: type, at: keyEnd + 1, limit: end)
            n += 1
        }
        return n
    }
}

extension BSONTree.Node {
    /// Materialises `value`: embedded documents and arrays become trees.
    public init(_ value: BSONValue) {
        switch value {
        case .document(let d): self = .document(BSONTree(d))
        case .array(let a):
            self = a.document.storage.withUnsafeBytes { p in
                BSONTree.node(a.document.storage, p, type: 0x04, at: a.document.range.lowerBound, end: a.document.range.upperBound)
            }
        default: self = .value(value)
        }
    }
}

/// Reuses the String of a short key seen before in the same decode: documents repeat their keys
/// (arrays of similar documents, nested levels), and making a String is a large part of reading one.
/// Keys of 1...8 bytes are compared as one masked 64-bit word. The table is made on first use.
struct KeyCache {
    private struct Entry {
        var word: UInt64
        var length: Int
        var string: String
    }
    private var entries: [Entry] = []

    @inline(__always)
    mutating func string(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        let length = to - from
        guard length > 0, length <= 8, from + 8 <= p.count else { return RawBSON.string(p, from: from, to: to) }
        let mask: UInt64 = length == 8 ? ~0 : (1 << UInt64(length * 8)) - 1
        let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: from, as: UInt64.self)) & mask
        let slot = Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 60)
        if entries.isEmpty {
            entries = [Entry](repeating: Entry(word: 0, length: -1, string: ""), count: 16)
        } else if entries[slot].length == length && entries[slot].word == word {
            return entries[slot].string
        }
        let s = RawBSON.string(p, from: from, to: to)
        entries[slot] = Entry(word: word, length: length, string: s)
        return s
    }
}
