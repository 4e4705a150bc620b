import KafkaProtocol
import WireCore
import XCTest

/// `KafkaRecordSet.nextOffset(scanning:from:)` reads the next position from batch headers alone;
/// a consumer sends its next fetch with it before decoding. It must agree with the position the
/// decode gives, or the fetch sent ahead would be thrown away.
final class RecordSetScanTests: XCTestCase {
    private func batch(_ base: Int64, count: Int, control: Bool = false, codec: KafkaCompression = .none) -> KafkaRecordBatch {
        KafkaRecordBatch(baseOffset: base, baseTimestamp: 1_000,
                         records: (0..<count).map { KafkaRecord(offsetDelta: Int32($0), key: nil, value: Array("v\($0)".utf8)) },
                         compression: codec, isTransactional: control, isControl: control)
    }

    func testScanAgreesWithDecodeForBatchesControlAndCodecs() throws {
        let sets: [[KafkaRecordBatch]] = [
            [batch(0, count: 3)],
            [batch(0, count: 3), batch(3, count: 5, codec: .lz4), batch(8, count: 1, control: true)],
            [batch(100, count: 10, codec: .gzip), batch(110, count: 2, codec: .snappy)],
        ]
        for batches in sets {
            let bytes = try batches.flatMap { try $0.encoded() }
            for from: Int64 in [0, 1, 5, 100, 105, 200] {
                let decoded = try KafkaRecordSet.decode(bytes)
                XCTAssertEqual(KafkaRecordSet.nextOffset(scanning: ByteView(bytes), from: from), decoded.nextOffset(from: from),
                               "batches at \(batches.map(\.baseOffset)) from \(from)")
            }
        }
        // Past every batch, control batches included.
        let bytes = try [batch(0, count: 3), batch(3, count: 1, control: true)].flatMap { try $0.encoded() }
        XCTAssertEqual(KafkaRecordSet.nextOffset(scanning: ByteView(bytes), from: 0), 4)
    }

    func testScanSkipsTheTruncatedTailAsDecodeDoes() throws {
        let one = try batch(0, count: 4).encoded()
        let two = try batch(4, count: 4).encoded()
        for cut in 0..<two.count {
            let bytes = one + two[0..<cut]
            XCTAssertEqual(KafkaRecordSet.nextOffset(scanning: ByteView(bytes), from: 0), 4, "cut at \(cut)")
            XCTAssertEqual(try KafkaRecordSet.decode(bytes).nextOffset(from: 0), 4, "cut at \(cut)")
        }
    }

    func testScanOfAViewInsideALargerArrayReadsOnlyTheView() throws {
        let records = try batch(7, count: 2).encoded()
        // The view sits in the middle of other bytes, as a fetch response's records do.
        let frame = Array(repeating: UInt8(0xFF), count: 33) + records + Array(repeating: 0xFF, count: 20)
        let view = ByteView(frame, range: 33..<(33 + records.count))
        XCTAssertEqual(KafkaRecordSet.nextOffset(scanning: view, from: 7), 9)
        XCTAssertEqual(try KafkaRecordSet.decode(view).nextOffset(from: 7), 9)
    }

    func testLegacyOrMalformedNeedsADecode() throws {
        // A v1 message (magic 1) at offset 0: the scan answers nil, the decode knows.
        var legacy = ByteWriter()
        legacy.writeInt64BE(0)
        legacy.writeInt32BE(22)
        legacy.writeBytes([UInt8](repeating: 0, count: 4))  // CRC
        legacy.writeInt8(1)                                  // magic
        legacy.writeBytes([UInt8](repeating: 0, count: 17))
        XCTAssertNil(KafkaRecordSet.nextOffset(scanning: ByteView(legacy.bytes), from: 0))
        // A v2 batch whose length is too short for its header.
        var bytes = try batch(0, count: 1).encoded()
        bytes[8...11] = [0, 0, 0, 20]
        XCTAssertNil(KafkaRecordSet.nextOffset(scanning: ByteView(bytes), from: 0))
        // Nothing at all: the position stays.
        XCTAssertEqual(KafkaRecordSet.nextOffset(scanning: [], from: 42), 42)
    }
}
