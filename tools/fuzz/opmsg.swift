// fuzz-modules: WireCore Crypto Transport BSON MongoClient
// Feeds arbitrary bytes to the OP_MSG frame decoder, whole and split in two at a point the input
// chooses: no input may trap, both feedings must agree, and every message that decodes must
// re-encode to a message that decodes to the same sections.
import BSON
import MongoClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    func run(_ chunks: [ArraySlice<UInt8>]) -> [OpMsg]? {
        var decoder = MessageFrameDecoder(maxMessageSize: 1 << 20)
        var out: [OpMsg] = []
        for chunk in chunks {
            decoder.append(chunk)
            do {
                while let (_, message) = try decoder.next() { out.append(message) }
            } catch {
                return nil
            }
        }
        return out
    }
    let whole = run([bytes[...]])
    let split = size > 0 ? Int(bytes[0]) % (size + 1) : 0
    let halves = run([bytes[0..<split], bytes[split...]])
    if (whole == nil) != (halves == nil) || whole.map({ $0.count }) != halves.map({ $0.count }) {
        fatalError("whole and split feeding disagree")
    }
    for message in whole ?? [] {
        for checksum in [false, true] {
            let again = message.encode(requestID: 1, checksum: checksum)
            guard let (_, decoded) = try? OpMsg.decode(frame: again) else { fatalError("re-encoded message does not decode") }
            if decoded.body != message.body || decoded.sequences != message.sequences { fatalError("re-encoding changed the sections") }
        }
    }
    // Also the raw input as one frame (no framing layer), with the checksum verified when flagged.
    _ = try? OpMsg.decode(frame: bytes)
    return 0
}
