// fuzz-modules: WireCore HTTP
// Feeds arbitrary bytes to HTTPRequestParser. Nothing may trap; the bytes fed whole and in two
// pieces split at a byte-chosen offset must give the same parts and the same error; and every
// parsed head must serialize to bytes that parse back to an equal head.
import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPParserLimits(maxStartLineLength: 256, maxHeaderBytes: 1024, maxHeaderCount: 16,
                                  maxBodySize: 4096, maxChunkLineLength: 64)
    let whole = parse([bytes[...]], limits: limits)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let split = parse([bytes[..<cut], bytes[cut...]], limits: limits)
    if whole.parts != split.parts || whole.error != split.error {
        fatalError("whole and split at \(cut) disagree: \(whole) vs \(split)")
    }
    let dripped = parse(bytes.indices.map { bytes[$0...$0] }, limits: limits)
    if whole.parts != dripped.parts || whole.error != dripped.error {
        fatalError("whole and byte-by-byte disagree: \(whole) vs \(dripped)")
    }
    for part in whole.parts {
        guard case .head(let head) = part else { continue }
        var encoded: [UInt8] = []
        do { try head.write(into: &encoded) } catch { fatalError("a parsed head does not serialize: \(head) \(error)") }
        var parser = HTTPRequestParser(limits: limits)
        parser.append(encoded)
        guard case .head(let again)? = try? parser.next() else { fatalError("re-serialized head does not parse: \(head)") }
        if again != head { fatalError("re-serialized head differs: \(head) vs \(again)") }
    }
    return 0
}

private func parse(_ chunks: [ArraySlice<UInt8>], limits: HTTPParserLimits) -> (parts: [HTTPRequestPart], error: HTTPError.Code?) {
    var parser = HTTPRequestParser(limits: limits)
    var parts: [HTTPRequestPart] = []
    func add(_ part: HTTPRequestPart) {
        // Body piece boundaries follow the input's; join them so feedings compare.
        if case .body(let more) = part, case .body(let sofar)? = parts.last {
            parts[parts.count - 1] = .body(sofar + more)
        } else {
            parts.append(part)
        }
    }
    do {
        for chunk in chunks {
            parser.append(chunk)
            while let part = try parser.next() { add(part) }
        }
        parser.markEndOfInput()
        while let part = try parser.next() { add(part) }
    } catch {
        return (parts, error.code)
    }
    return (parts, nil)
}
