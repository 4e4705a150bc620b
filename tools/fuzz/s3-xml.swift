// fuzz-modules: WireCore Crypto Transport HTTP HTTPClient SigV4 S3
// Feeds arbitrary bytes to the S3 XML reader: nothing may trap, every failure is an S3Error, and a
// document that parses must survive a write and re-read unchanged (the writer escapes everything
// the reader decodes).
import S3

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = XMLReader(limits: XMLReader.Limits(maxInputBytes: 1 << 20, maxDepth: 32, maxElements: 10_000))
    guard let root = try? reader.parse(bytes) else { return 0 }
    let written = XMLWriter.document(root)
    let roomy = XMLReader(limits: XMLReader.Limits(maxInputBytes: 1 << 24, maxDepth: 32, maxElements: 10_000))
    guard let again = try? roomy.parse(written) else { fatalError("a written document failed to parse") }
    if again != root { fatalError("write and re-read changed the document") }
    return 0
}
