/// A BSON array: a document whose keys are "0", "1", ... Reading ignores the keys (the spec calls
/// other keys degenerate but readable); writing always produces canonical keys.
public struct BSONArray: Sendable, Hashable {
    /// The underlying document, as it is on the wire.
    public let document: BSONDocument

    public init(_ document: BSONDocument) {
        self.document = document
    }

    public init() {
        document = BSONDocument()
    }

    /// Fails only when a value cannot be encoded (a regex with a NUL byte, a value over the size limit).
    public init(_ values: [BSONValue], limits: BSONLimits = .default) throws(BSONError) {
        var builder = BSONArrayBuilder()
        for value in values { builder.append(value) }
        document = try builder.build(limits: limits).document
    }

    public var count: Int { document.count }
    public var isEmpty: Bool { document.isEmpty }

    /// The element at `index` (walks the array); nil when out of range.
    public subscript(index: Int) -> BSONValue? {
        var i = 0
        for value in self {
            if i == index { return value }
            i += 1
        }
        return nil
    }

    public var values: [BSONValue] { Array(self) }
}

extension BSONArray: Sequence {
    public struct Iterator: IteratorProtocol {
        var inner: BSONDocument.Iterator
        public mutating func next() -> BSONValue? { inner.next()?.value }
    }

    public func makeIterator() -> Iterator { Iterator(inner: document.makeIterator()) }
}
