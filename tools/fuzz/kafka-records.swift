// fuzz-modules: WireCore KafkaProtocol
// Decodes arbitrary bytes as a Kafka `records` field (v2 batches, legacy message sets) and,
// by the first byte, through one decompressor alone. Nothing may trap or pass the limits; a
// v2 batch that decodes must re-encode (with its own codec) and decode to the same batch, and
// the header scan a consumer fetches ahead with must agree with the decode's next position.
import KafkaProtocol
import WireCore

// Small limits keep each run fast; the limit checks themselves are what matters here.
let limits = KafkaRecordLimits(maxDecompressedBytes: 1 << 17, maxRecordsPerBatch: 10_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let set = try? KafkaRecordSet.decode(bytes, limits: limits) {
        for case .batch(let batch) in set.entries {
            guard let encoded = try? batch.encoded() else { fatalError("a decoded batch does not encode") }
            var reader = ByteReader(encoded)
            guard let again = try? KafkaRecordBatch.decode(from: &reader, limits: limits), again == batch else {
                fatalError("a batch changed in a round trip")
            }
        }
        _ = set.records
        for from: Int64 in [0, 5] {
            if let scanned = KafkaRecordSet.nextOffset(scanning: ByteView(bytes), from: from), scanned != set.nextOffset(from: from) {
                fatalError("the header scan says \(scanned), the decode \(set.nextOffset(from: from))")
            }
        }
    }
    guard let first = bytes.first else { return 0 }
    let codecs: [KafkaCompression] = [.gzip, .snappy, .lz4]
    let codec = codecs[Int(first) % codecs.count]
    if let plain = try? codec.decompress(Array(bytes.dropFirst()), limit: 1 << 17) {
        if plain.count > 1 << 17 { fatalError("\(codec) passed its limit") }
        guard let back = try? codec.decompress(try codec.compress(plain), limit: 1 << 18), back == plain else {
            fatalError("\(codec) round trip failed")
        }
    }
    return 0
}
