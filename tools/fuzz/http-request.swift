// fuzz-modules: WireCore HTTP
// Feeds arbitrary bytes to HTTPRequestParser. Nothing may trap; the bytes fed whole, in two
// pieces split at a byte-chosen offset, and in pieces of 1 to 7 bytes (also byte-chosen) must
// give the same parts and the same error; and every parsed head must serialize to bytes that
// parse back to an equal head. The limits are small so that every limit is reached by inputs of
// a few hundred bytes (run with -max_len=1024; longer inputs only cost time).
import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPParserLimits(maxStartLineLength: 96, maxHeaderBytes: 256, maxHeaderCount: 8,
                                  maxBodySize: 512, maxChunkLineLength: 32)
    let whole = parse([bytes[...]], limits: limits)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let split = parse([bytes[..<cut], bytes[cut...]], limits: limits)
    if whole.parts != split.parts || whole.error != split.error {
        fatalError("whole and split at \(cut) disagree: \(whole) vs \(split)")
    }
    let step = bytes.count < 2 ? 1 : 1 + Int(bytes[1]) % 7
    let pieces = stride(from: 0, to: bytes.count, by: step).map { bytes[$0..<min($0 + step, bytes.count)] }
    let dripped = parse(pieces, limits: limits)
    if whole.parts != dripped.parts || whole.error != dripped.error {
        fatalError("whole and \(step)-byte pieces disagree: \(whole) vs \(dripped)")
    }
    for part in whole.parts {
        guard case .head(let head) = part else { continue }
        var encoded: [UInt8] = []
        do { try head.write(into: &encoded) } catch { fatalError("a parsed head does not serialize: \(head) \(error)") }
        // Default (large) limits: serializing normalises `name:value` to `name: value`, which can
        // push a head that was exactly at a small limit over it. The property checked is syntax.
        var parser = HTTPRequestParser()
        parser.append(encoded)
        let reparsed: HTTPRequestPart?
        do { reparsed = try parser.next() } catch { fatalError("re-serialized head does not parse (\(error)): \(head)") }
        guard case .head(let again)? = reparsed else { fatalError("re-serialized head is incomplete: \(head)") }
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
