// fuzz-modules: WireCore RESP
// Feeds arbitrary bytes to RESPDecoder. Nothing may trap; feeding the bytes whole and in two
// chunks split at a byte-chosen offset must give the same values and the same error; and every
// decoded value must re-encode to bytes that decode to an equal value.
import RESP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = RESPLimits(maxDepth: 16, maxElementCount: 1 << 12, maxBulkLength: 1 << 16, maxLineLength: 1 << 10)

    let whole = decode([bytes[...]], limits: limits)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let split = decode([bytes[..<cut], bytes[cut...]], limits: limits)
    if whole.values != split.values || whole.error != split.error {
        fatalError("whole and split at \(cut) disagree: \(whole) vs \(split)")
    }
    for value in whole.values {
        guard let encoded = try? RESPEncoder.encode(value) else { fatalError("decoded value does not encode: \(value)") }
        let again = decode([encoded[...]], limits: limits)
        if again.error != nil || again.values != [value] { fatalError("re-encoding of \(value) decodes to \(again)") }
    }
    return 0
}

private func decode(_ chunks: [ArraySlice<UInt8>], limits: RESPLimits) -> (values: [RESPValue], error: RESPError.Code?) {
    var decoder = RESPDecoder(limits: limits)
    var values: [RESPValue] = []
    do {
        for chunk in chunks {
            decoder.append(chunk)
            while let value = try decoder.next() { values.append(value) }
        }
    } catch {
        return (values, error.code)
    }
    return (values, nil)
}
