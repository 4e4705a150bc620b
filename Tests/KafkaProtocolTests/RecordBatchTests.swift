import KafkaProtocol
import WireCore
import TestRandom
import XCTest

final class RecordBatchTests: XCTestCase {
    private func sampleRecords(_ count: Int, seed: UInt64) -> [KafkaRecord] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let key: [UInt8]? = rng.next() % 5 == 0 ? nil : Array("key-\(rng.next() % 10)".utf8)
            let size = Int(rng.next() % 400)
            // Half repetitive (compressible), half random.
            let value: [UInt8]? = rng.next() % 9 == 0 ? nil : (0..<size).map { j in
                i % 2 == 0 ? UInt8(truncatingIfNeeded: j % 7 + 97) : UInt8(truncatingIfNeeded: rng.next())
            }
            let headers = (0..<Int(rng.next() % 3)).map { h in
                KafkaRecordHeader(key: "h\(h)", value: h == 1 ? nil : [UInt8(h), UInt8(truncatingIfNeeded: i)])
            }
            return KafkaRecord(offsetDelta: Int32(i), timestampDelta: Int64(i * 3), key: key, value: value, headers: headers)
        }
    }

    func testEveryCodecRoundTrips() throws {
        for codec in [KafkaCompression.none, .gzip, .snappy, .lz4] {
            for count in [1, 2, 50, 600] {
                let batch = KafkaRecordBatch(
                    baseOffset: 1_000, baseTimestamp: 1_700_000_000_000, records: sampleRecords(count, seed: UInt64(count)),
                    compression: codec, producerId: 77, producerEpoch: 3, baseSequence: 12, isTransactional: true,
                    partitionLeaderEpoch: 9)
                let bytes = try batch.encoded()
                var reader = ByteReader(bytes)
                let decoded = try KafkaRecordBatch.decode(from: &reader)
                XCTAssertTrue(reader.isAtEnd)
                XCTAssertEqual(decoded, batch, "\(codec) × \(count)")
                XCTAssertEqual(decoded.lastOffset, 1_000 + Int64(count - 1))
                XCTAssertEqual(decoded.maxTimestamp, 1_700_000_000_000 + Int64((count - 1) * 3))
            }
        }
    }

    func testProducerBatchGivesBackItsRecords() throws {
        let sent = [
            KafkaProducerRecord(key: Array("a".utf8), value: Array("1".utf8), timestamp: 1_000),
            KafkaProducerRecord(key: nil, value: Array("2".utf8), headers: [KafkaRecordHeader(key: "h", value: nil)], timestamp: 990),
            KafkaProducerRecord(key: Array("c".utf8), value: nil, timestamp: 1_020),
        ]
        let batch = KafkaRecordBatch(producing: sent, compression: .lz4, producerId: 8, producerEpoch: 0, baseSequence: 41)
        XCTAssertEqual(batch.maxTimestamp, 1_020)
        XCTAssertEqual(batch.lastOffsetDelta, 2)
        let received = try KafkaRecordSet.decode(try batch.encoded()).records
        XCTAssertEqual(received.map(\.offset), [0, 1, 2])
        XCTAssertEqual(received.map(\.timestamp), sent.map(\.timestamp))
        XCTAssertEqual(received.map(\.key), sent.map(\.key))
        XCTAssertEqual(received.map(\.value), sent.map(\.value))
        XCTAssertEqual(received.map(\.headers), sent.map(\.headers))
        XCTAssertEqual(received.first?.producerId, 8)
    }

    func testConsumerViewAndControlBatches() throws {
        let data = KafkaRecordBatch(baseOffset: 10, baseTimestamp: 500, records: sampleRecords(3, seed: 1), isTransactional: true)
        // A commit marker: key = version 0, type 1.
        let marker = KafkaRecordBatch(baseOffset: 13, baseTimestamp: 600,
                                      records: [KafkaRecord(offsetDelta: 0, key: [0, 0, 0, 1], value: [0, 0, 0, 0, 0, 0])],
                                      isTransactional: true, isControl: true)
        let set = try KafkaRecordSet.decode(try data.encoded() + marker.encoded())
        XCTAssertEqual(set.entries.count, 2)
        XCTAssertEqual(set.records.map(\.offset), [10, 11, 12], "control records are not data")
        XCTAssertEqual(set.records.map(\.timestamp), [500, 503, 506])
        guard case .batch(let control) = set.entries[1] else { return XCTFail("no control batch") }
        XCTAssertTrue(control.isControl)
        XCTAssertEqual(KafkaControlRecordType(controlKey: control.records[0].key), .commit)
    }

    func testTruncatedTailIsReportedNotThrown() throws {
        let one = try KafkaRecordBatch(baseTimestamp: 1, records: sampleRecords(5, seed: 2)).encoded()
        let two = try KafkaRecordBatch(baseOffset: 5, baseTimestamp: 1, records: sampleRecords(5, seed: 3)).encoded()
        // Every cut inside the second batch leaves the first intact and reports the rest.
        for cut in 1..<two.count {
            let set = try KafkaRecordSet.decode(one + two[0..<cut])
            XCTAssertEqual(set.entries.count, 1)
            XCTAssertEqual(set.truncatedTailBytes, cut)
        }
        XCTAssertEqual(try KafkaRecordSet.decode(one + two).entries.count, 2)
    }

    func testCorruptionIsDetected() throws {
        let bytes = try KafkaRecordBatch(baseTimestamp: 1, records: sampleRecords(4, seed: 4), compression: .lz4).encoded()
        for index in [21, 30, 60, bytes.count - 1] {
            var corrupt = bytes
            corrupt[index] ^= 0x40
            XCTAssertThrowsError(try KafkaRecordSet.decode(corrupt), "flip at \(index)") {
                XCTAssertEqual(($0 as? KafkaProtocolError)?.code, .malformed)
            }
        }
    }

    func testZstdIsRefusedByName() throws {
        // Encode uncompressed, then mark the batch zstd and fix the CRC.
        var bytes = try KafkaRecordBatch(baseTimestamp: 1, records: sampleRecords(2, seed: 5)).encoded()
        bytes[22] = (bytes[22] & ~0x07) | 4
        let crc = CRC32C.checksum(bytes[21...])
        bytes[17] = UInt8(crc >> 24); bytes[18] = UInt8(truncatingIfNeeded: crc >> 16)
        bytes[19] = UInt8(truncatingIfNeeded: crc >> 8); bytes[20] = UInt8(truncatingIfNeeded: crc)
        XCTAssertThrowsError(try KafkaRecordSet.decode(bytes)) { error in
            let error = error as? KafkaProtocolError
            XCTAssertEqual(error?.code, .unsupportedCompression)
            XCTAssertTrue(error?.message.contains("zstd") ?? false)
        }
        XCTAssertThrowsError(try KafkaRecordBatch(baseTimestamp: 1, records: [], compression: .zstd).encoded())
    }

    func testDecompressionLimit() throws {
        let big = KafkaRecord(offsetDelta: 0, key: nil, value: [UInt8](repeating: 0x61, count: 200_000))
        for codec in [KafkaCompression.gzip, .snappy, .lz4] {
            let bytes = try KafkaRecordBatch(baseTimestamp: 1, records: [big], compression: codec).encoded()
            XCTAssertLessThan(bytes.count, 20_000, "\(codec) should shrink a run")
            XCTAssertThrowsError(try KafkaRecordSet.decode(bytes, limits: KafkaRecordLimits(maxDecompressedBytes: 100_000))) {
                XCTAssertEqual(($0 as? KafkaProtocolError)?.code, .limitExceeded, "\(codec)")
            }
            XCTAssertNoThrow(try KafkaRecordSet.decode(bytes, limits: KafkaRecordLimits(maxDecompressedBytes: 300_000)))
        }
    }

    /// A hand-assembled v2 batch (one record, key "k", value "v", no headers), from the
    /// record batch layout in the Kafka documentation; the CRC is computed here with CRC-32C.
    func testHandAssembledBatch() throws {
        let record: [UInt8] = [
            0x10,                   // length 8 (zigzag)
            0x00,                   // attributes
            0x00,                   // timestampDelta 0
            0x00,                   // offsetDelta 0
            0x02, 0x6B,             // key length 1, "k"
            0x02, 0x76,             // value length 1, "v"
            0x00,                   // no headers
        ]
        var afterCRC: [UInt8] = [0x00, 0x00]                      // attributes
        afterCRC += [0, 0, 0, 0]                                   // lastOffsetDelta
        afterCRC += [0, 0, 0, 0, 0, 0, 0x03, 0xE8]                 // baseTimestamp 1000
        afterCRC += [0, 0, 0, 0, 0, 0, 0x03, 0xE8]                 // maxTimestamp 1000
        afterCRC += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] // producerId -1
        afterCRC += [0xFF, 0xFF]                                   // producerEpoch -1
        afterCRC += [0xFF, 0xFF, 0xFF, 0xFF]                       // baseSequence -1
        afterCRC += [0, 0, 0, 1]                                   // one record
        afterCRC += record
        let crc = CRC32C.checksum(afterCRC)
        var batch: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 42]             // baseOffset 42
        let length = 4 + 1 + 4 + afterCRC.count
        batch += [0, 0, 0, UInt8(length)]
        batch += [0xFF, 0xFF, 0xFF, 0xFF]                          // partitionLeaderEpoch -1
        batch += [0x02]                                            // magic
        batch += [UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)]
        batch += afterCRC

        let ours = KafkaRecordBatch(baseOffset: 42, baseTimestamp: 1000,
                                    records: [KafkaRecord(offsetDelta: 0, key: Array("k".utf8), value: Array("v".utf8))])
        XCTAssertEqual(try ours.encoded(), batch)
        XCTAssertEqual(try KafkaRecordSet.decode(batch).records.first?.offset, 42)
    }
}

