// fuzz-modules: WireCore HTTP
// Feeds arbitrary bytes to HTTPResponseParser (the first byte picks the request method, so HEAD
// and CONNECT framing is covered). Nothing may trap, and whole and split feedings must agree.
import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let methods: [HTTPMethod] = [.get, .head, .post, .connect]
    let method = methods[Int(data[0]) % methods.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let limits = HTTPParserLimits(maxStartLineLength: 256, maxHeaderBytes: 1024, maxHeaderCount: 16,
                                  maxBodySize: 4096, maxChunkLineLength: 64)
    let whole = parse([bytes[...]], method: method, limits: limits)
    let cut = Int(data[0] >> 2) % (bytes.count + 1)
    let split = parse([bytes[..<cut], bytes[cut...]], method: method, limits: limits)
    if whole.parts != split.parts || whole.error != split.error {
        fatalError("whole and split at \(cut) disagree: \(whole) vs \(split)")
    }
    return 0
}

private func parse(_ chunks: [ArraySlice<UInt8>], method: HTTPMethod,
                   limits: HTTPParserLimits) -> (parts: [HTTPResponsePart], error: HTTPError.Code?) {
    var parser = HTTPResponseParser(limits: limits)
    parser.requestMethod = method
    var parts: [HTTPResponsePart] = []
    func add(_ part: HTTPResponsePart) {
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
