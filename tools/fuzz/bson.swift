// fuzz-modules: WireCore BSON
// Feeds arbitrary bytes to the BSON decoder. Nothing may trap; and whatever validates must
// survive every reader: iteration of every value, Codable decoding, re-encoding (which must
// validate again), BSONTree (which must agree on validity and bytes), and Extended JSON out and
// back in (whose canonical text must be stable).
// The same bytes are also tried as Extended JSON text and as a Decimal128 string.
import BSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = BSONLimits(maxDocumentSize: 1 << 20, maxDepth: 64)

    let document = try? BSONDocument(bytes: bytes, limits: limits)
    let tree = try? BSONTree(bytes: bytes, limits: limits)
    if (document == nil) != (tree == nil) {
        fatalError("BSONDocument and BSONTree disagree on validity")
    }
    if let document, let tree {
        guard let fromTree = try? tree.encode(limits: limits), let canonical = try? document.canonicalized(limits: limits),
              fromTree == canonical else {
            fatalError("BSONTree re-encoding differs from canonicalized()")
        }
    }
    if let document {
        visit(document)
        _ = try? BSONDecoder().decode([String: BSONValue].self, from: document)
        guard let rebuilt = try? document.canonicalized(limits: limits) else {
            fatalError("a valid document must re-encode")
        }
        guard (try? BSONDocument(bytes: rebuilt.byteArray, limits: limits)) != nil else {
            fatalError("re-encoded bytes must validate")
        }
        let canonical = ExtendedJSON.string(from: document, mode: .canonical)
        _ = ExtendedJSON.string(from: document, mode: .relaxed)
        do {
            let parsed = try ExtendedJSON.document(from: canonical, limits: BSONLimits(maxDocumentSize: 1 << 22, maxDepth: 64))
            let again = ExtendedJSON.string(from: parsed, mode: .canonical)
            if again != canonical { fatalError("canonical Extended JSON is not stable:\n\(canonical)\n\(again)") }
        } catch {
            fatalError("canonical Extended JSON of a valid document must parse: \(error)\n\(canonical)")
        }
    }
    _ = try? BSONDocument.read(from: bytes, at: 0, limits: limits)

    if let text = String(validating: bytes, as: UTF8.self) {
        if let document = try? ExtendedJSON.document(from: text, limits: limits) {
            visit(document)
        }
        if let decimal = try? Decimal128(text) {
            // Parsing the printed form gives the same value (finite values are stored exactly).
            if let again = try? Decimal128(decimal.description), !decimal.isNaN, again != decimal {
                fatalError("Decimal128 \(text) -> \(decimal) -> \(again)")
            }
        }
    }
    return 0
}

private func visit(_ document: BSONDocument) {
    for (_, value) in document { visit(value) }
}

private func visit(_ value: BSONValue) {
    switch value {
    case .document(let d): visit(d)
    case .array(let a): for v in a { visit(v) }
    case .javascriptWithScope(let c): visit(c.scope)
    case .decimal128(let d): _ = d.description
    default: break
    }
}
