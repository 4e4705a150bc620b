/// Builds a document field by field, in order, straight into its final bytes.
///
///     var b = BSONDocumentBuilder()
///     b.append("find", "users")
///     b.appendDocument("filter") { $0.append("age", .int32(42)) }
///     let command = try b.build()
///
/// Errors (a NUL byte in a key or regex) are remembered and thrown by `build`, so appends need no `try`.
public struct BSONDocumentBuilder {
    var writer: BSONWriter
    let start: Int

    public init(capacity: Int = 128) {
        writer = BSONWriter(capacity: capacity)
        start = writer.openDocument()
    }

    /// Appends `key: value`. Keys may repeat; BSON keeps them in order.
    public mutating func append(_ key: String, _ value: BSONValue) {
        writer.append(key, value)
    }

    /// Appends every field of `document`, in order.
    public mutating func append(contentsOf document: BSONDocument) {
        document.withUnsafeBytes { p in
            writer.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[4..<p.count - 1]))
        }
    }

    /// Appends an embedded document built in place by `body`.
    public mutating func appendDocument(_ key: String, _ body: (inout BSONDocumentBuilder.Nested) -> Void) {
        writer.appendElementHeader(.document, key)
        var nested = Nested(writer: writer)
        writer = BSONWriter(capacity: 0)
        let at = nested.writer.openDocument()
        body(&nested)
        nested.writer.closeDocument(at)
        writer = nested.writer
    }

    /// Appends an embedded array built in place by `body`.
    public mutating func appendArray(_ key: String, _ body: (inout BSONArrayBuilder) -> Void) {
        writer.appendElementHeader(.array, key)
        var nested = BSONArrayBuilder(continuing: writer)
        writer = BSONWriter(capacity: 0)
        body(&nested)
        writer = nested.finishNested()
    }

    /// The document; throws the first recorded error or when it exceeds `limits.maxDocumentSize`.
    public consuming func build(limits: BSONLimits = .default) throws(BSONError) -> BSONDocument {
        writer.closeDocument(start)
        return try writer.finish(limits: limits)
    }

    /// The builder for a document embedded by `appendDocument`; it writes into its parent's buffer.
    public struct Nested {
        var writer: BSONWriter

        public mutating func append(_ key: String, _ value: BSONValue) { writer.append(key, value) }

        public mutating func appendDocument(_ key: String, _ body: (inout Nested) -> Void) {
            writer.appendElementHeader(.document, key)
            let at = writer.openDocument()
            body(&self)
            writer.closeDocument(at)
        }

        public mutating func appendArray(_ key: String, _ body: (inout BSONArrayBuilder) -> Void) {
            writer.appendElementHeader(.array, key)
            var nested = BSONArrayBuilder(continuing: writer)
            writer = BSONWriter(capacity: 0)
            body(&nested)
            writer = nested.finishNested()
        }
    }
}

extension BSONDocument {
    /// A document from ordered pairs: `try BSONDocument(["insert": "users", "ordered": true])`.
    public init(_ pairs: KeyValuePairs<String, BSONValue>, limits: BSONLimits = .default) throws(BSONError) {
        var builder = BSONDocumentBuilder()
        for (key, value) in pairs { builder.append(key, value) }
        self = try builder.build(limits: limits)
    }

    /// A document from an ordered list of fields.
    public init(fields: [(String, BSONValue)], limits: BSONLimits = .default) throws(BSONError) {
        var builder = BSONDocumentBuilder()
        for (key, value) in fields { builder.append(key, value) }
        self = try builder.build(limits: limits)
    }
}
