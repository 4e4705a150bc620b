// fuzz-modules: WireCore KafkaProtocol
// Decodes arbitrary bytes as Kafka messages: byte 0 picks a generated message type, bytes 1-2
// the version, the rest is the body. Decoding must never trap; a body that decodes must
// re-encode, and decode again to the same value. The same bytes also go through the frame
// decoder, whole and one byte at a time.
import KafkaProtocol
import WireCore

func roundTrip<M: KafkaMessage>(_ type: M.Type, _ body: [UInt8], version: Int16) {
    var reader = ByteReader(body)
    let value = M.decode(from: &reader, version: version)
    guard !reader.failed else { return }
    let encoded: [UInt8]
    do {
        encoded = try value.encoded(version: version)
    } catch {
        // Values read from the wire are sendable back at the same version.
        fatalError("\(M.messageName) v\(version) decoded but does not encode: \(error)")
    }
    var again = ByteReader(encoded)
    let second = M.decode(from: &again, version: version)
    if again.failed || !again.isAtEnd || second != value {
        fatalError("\(M.messageName) v\(version) changed in a round trip")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 3 else { return 0 }
    let types = KafkaGeneratedMessages.all
    let type = types[Int(bytes[0]) % types.count]
    let span = Int(type.validVersions.upperBound - type.validVersions.lowerBound) + 1
    let version = type.validVersions.lowerBound + Int16((Int(bytes[1]) << 8 | Int(bytes[2])) % span)
    roundTrip(type, Array(bytes[3...]), version: version)

    var whole = KafkaFrameDecoder(maxFrameSize: 1 << 16)
    whole.append(bytes)
    var frames: [[UInt8]] = []
    while let frame = try? whole.nextFrame() { frames.append(frame) }
    var drip = KafkaFrameDecoder(maxFrameSize: 1 << 16)
    var dripped: [[UInt8]] = []
    for byte in bytes {
        drip.append(CollectionOfOne(byte))
        while let frame = try? drip.nextFrame() { dripped.append(frame) }
    }
    if frames != dripped { fatalError("frame decoder differs fed whole and byte by byte") }
    for frame in frames {
        _ = try? MetadataRequest.decodeResponse(frame, version: 12)
        _ = try? KafkaEnvelope.decodeRequestHeader(frame)
    }
    return 0
}
