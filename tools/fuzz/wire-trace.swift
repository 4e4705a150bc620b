// fuzz-modules: WireCore RESP KafkaProtocol Crypto Transport WireTrace
// Feeds arbitrary bytes, as a server might send them, to every annotator and stream framer of
// `switchyard wire --trace`: nothing may trap, every field must lie inside the frame, and the
// renderer must produce text for whatever came out. Byte 0 picks the protocol and direction.
import WireTrace

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let direction: AnnotatedFrame.Direction = data[0] & 1 == 0 ? .sent : .received
    let frame: AnnotatedFrame
    switch (data[0] >> 1) % 4 {
    case 0: frame = RESPAnnotator.annotate(bytes, direction: direction)
    case 1: frame = OPMSGAnnotator.annotate(bytes, direction: direction)
    case 2:
        var kafka = KafkaAnnotator()
        // A request first, so that a response with its correlation id is decoded too.
        _ = kafka.annotate(bytes, direction: .sent)
        frame = kafka.annotate(bytes, direction: direction)
    default: frame = HTTPAnnotator.annotate(bytes, direction: direction)
    }
    for field in frame.fields where field.range.lowerBound < 0 || field.range.upperBound > bytes.count {
        fatalError("field \(field.name) at \(field.range) lies outside a frame of \(bytes.count) bytes")
    }
    _ = AnnotatedDump.render(frame)
    // The same bytes through each framer, whole and in pieces of 7: the same frames either way.
    for kind in TraceProtocol.allCases {
        var whole = StreamFramer(kind)
        let all = whole.append(bytes)
        var pieces = StreamFramer(kind)
        var split: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            split += pieces.append(Array(bytes[start..<min(start + 7, bytes.count)]))
            start += 7
        }
        if whole.failure == nil && pieces.failure == nil && all != split {
            fatalError("\(kind) framer: whole and split input gave different frames")
        }
    }
    return 0
}
