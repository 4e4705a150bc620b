/// Builds an array element by element, writing the keys "0", "1", ... itself.
public struct BSONArrayBuilder {
    var writer: BSONWriter
    let start: Int
    var index = 0

    public init(capacity: Int = 64) {
        writer = BSONWriter(capacity: capacity)
        start = writer.openDocument()
    }

    init(continuing writer: BSONWriter) {
        self.writer = writer
        start = self.writer.openDocument()
    }

    /// The next array key.
    @inline(__always)
    mutating func nextKey() -> String {
        defer { index += 1 }
        return String(index)
    }

    public mutating func append(_ value: BSONValue) {
        writer.append(nextKey(), value)
    }

    public mutating func appendDocument(_ body: (inout BSONDocumentBuilder.Nested) -> Void) {
        writer.appendElementHeader(.document, nextKey())
        var nested = BSONDocumentBuilder.Nested(writer: writer)
        writer = BSONWriter(capacity: 0)
        let at = nested.writer.openDocument()
        body(&nested)
        nested.writer.closeDocument(at)
        writer = nested.writer
    }

    public mutating func appendArray(_ body: (inout BSONArrayBuilder) -> Void) {
        writer.appendElementHeader(.array, nextKey())
        var nested = BSONArrayBuilder(continuing: writer)
        writer = BSONWriter(capacity: 0)
        body(&nested)
        writer = nested.finishNested()
    }

    mutating func finishNested() -> BSONWriter {
        writer.closeDocument(start)
        return writer
    }

    public consuming func build(limits: BSONLimits = .default) throws(BSONError) -> BSONArray {
        writer.closeDocument(start)
        return BSONArray(try writer.finish(limits: limits))
    }
}
