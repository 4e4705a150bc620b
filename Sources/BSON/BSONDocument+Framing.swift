extension BSONDocument {
    /// Reads the document that starts at `offset` in `bytes`, sharing `bytes` without copying.
    /// Returns nil when the bytes end before the document does (read more and call again);
    /// throws when the bytes cannot be a valid document whatever follows.
    /// `next` is the offset just past the document, where a following one (an OP_MSG document
    /// sequence, say) would start.
    public static func read(from bytes: [UInt8], at offset: Int = 0,
                            limits: BSONLimits = .default) throws(BSONError) -> (document: BSONDocument, next: Int)? {
        guard offset >= 0, offset <= bytes.count else {
            throw BSONError(.malformed, "offset \(offset) is outside the \(bytes.count) bytes given")
        }
        guard let length = declaredLength(in: bytes, at: offset) else { return nil }
        guard length >= 5 else {
            throw BSONError(.malformed, "document length \(length) is below the minimum of 5", offset: offset)
        }
        guard length <= limits.maxDocumentSize else {
            throw BSONError(.limitExceeded, "document length \(length) exceeds the limit of \(limits.maxDocumentSize)", offset: offset)
        }
        guard bytes.count - offset >= length else { return nil }
        let document = try BSONDocument(bytes: bytes, range: offset..<offset + length, limits: limits)
        return (document, offset + length)
    }

    /// Re-encodes every value through the value model: array keys become "0", "1", ... and regex
    /// options are sorted. The canonical bytes of a degenerate but readable document.
    public func canonicalized(limits: BSONLimits = .default) throws(BSONError) -> BSONDocument {
        var writer = BSONWriter(capacity: byteCount)
        Self.rewrite(self, into: &writer, arrayKeys: false)
        return try writer.finish(limits: limits)
    }

    private static func rewrite(_ document: BSONDocument, into writer: inout BSONWriter, arrayKeys: Bool) {
        let start = writer.openDocument()
        var index = 0
        for (key, value) in document {
            let name = arrayKeys ? String(index) : key
            index += 1
            switch value {
            case .document(let inner):
                writer.appendElementHeader(.document, name)
                rewrite(inner, into: &writer, arrayKeys: false)
            case .array(let inner):
                writer.appendElementHeader(.array, name)
                rewrite(inner.document, into: &writer, arrayKeys: true)
            case .javascriptWithScope(let c):
                writer.appendElementHeader(.javascriptWithScope, name)
                var scopeWriter = BSONWriter(capacity: c.scope.byteCount)
                rewrite(c.scope, into: &scopeWriter, arrayKeys: false)
                writer.appendValue(.javascriptWithScope(BSONCodeWithScope(
                    code: c.code, scope: BSONDocument(validated: scopeWriter.bytes, range: 0..<scopeWriter.bytes.count))))
                if writer.error == nil { writer.error = scopeWriter.error }
            default:
                writer.append(name, value)
            }
        }
        writer.closeDocument(start)
    }
}
