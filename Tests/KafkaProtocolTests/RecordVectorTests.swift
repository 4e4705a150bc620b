import Foundation
import KafkaProtocol
import WireCore
import XCTest

/// Decodes record batches and compressed blocks made by independent libraries
/// (Reference/record-vectors.json, written by Reference/record_vectors.py with kafka-python,
/// python-snappy, lz4 and cramjam), then re-encodes them with our codecs and decodes again.
final class RecordVectorTests: XCTestCase {
    private var vectors: [String: Any] = [:]

    override func setUpWithError() throws {
        let url = TestSupport.referenceScript.deletingLastPathComponent().appendingPathComponent("record-vectors.json")
        vectors = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    private func bytes(_ value: Any?) -> [UInt8]? {
        guard let hex = value as? String else { return nil }
        return ValueTree.bytes(hex: hex)
    }

    func testV2BatchesFromKafkaPython() throws {
        let cases = try XCTUnwrap(vectors["batches"] as? [[String: Any]])
        var codecs: Set<String> = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let data = try XCTUnwrap(bytes(c["hex"]))
            let set = try KafkaRecordSet.decode(data)
            XCTAssertEqual(set.entries.count, 1, name)
            XCTAssertEqual(set.truncatedTailBytes, 0, name)
            guard case .batch(let batch) = set.entries.first else { XCTFail(name); continue }
            let codec = try XCTUnwrap(c["codec"] as? String)
            codecs.insert(codec)
            XCTAssertEqual(batch.compression.description, codec, name)
            XCTAssertEqual(batch.isTransactional, c["transactional"] as? Bool, name)
            XCTAssertEqual(batch.producerId, Int64(c["producerId"] as? Int ?? 0), name)
            XCTAssertEqual(batch.producerEpoch, Int16(c["producerEpoch"] as? Int ?? 0), name)
            XCTAssertEqual(batch.baseSequence, Int32(c["baseSequence"] as? Int ?? 0), name)
            let expected = try XCTUnwrap(c["records"] as? [[String: Any]])
            let records = set.records
            XCTAssertEqual(records.count, expected.count, name)
            for (ours, theirs) in zip(records, expected) {
                XCTAssertEqual(ours.offset, Int64(theirs["offset"] as? Int ?? -99), name)
                XCTAssertEqual(ours.timestamp, Int64(theirs["timestamp"] as? Int ?? -99), name)
                XCTAssertEqual(ours.key, bytes(theirs["key"]), name)
                XCTAssertEqual(ours.value, bytes(theirs["value"]), name)
                let headers = (theirs["headers"] as? [[String: Any]] ?? []).map {
                    KafkaRecordHeader(key: $0["key"] as? String ?? "", value: bytes($0["value"]))
                }
                XCTAssertEqual(ours.headers, headers, name)
            }
            // Re-encode with our compressor; the result must decode to the same batch.
            let again = try KafkaRecordSet.decode(try batch.encoded())
            XCTAssertEqual(again.entries, set.entries, name)
            // Without compression the bytes are the same as kafka-python's.
            if codec == "none" { XCTAssertEqual(try batch.encoded(), data, name) }
        }
        XCTAssertEqual(codecs, ["none", "gzip", "snappy", "lz4"])
        print("kafka record vectors: \(cases.count) v2 batches decoded")
    }

    func testLegacyMessageSetsFromKafkaPython() throws {
        let cases = try XCTUnwrap(vectors["legacy"] as? [[String: Any]])
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let data = try XCTUnwrap(bytes(c["hex"]))
            let set = try KafkaRecordSet.decode(data)
            let expected = try XCTUnwrap(c["records"] as? [[String: Any]])
            let records = set.records
            XCTAssertEqual(records.count, expected.count, name)
            for (ours, theirs) in zip(records, expected) {
                XCTAssertEqual(ours.offset, Int64(theirs["offset"] as? Int ?? -99), name)
                XCTAssertEqual(ours.timestamp, Int64(theirs["timestamp"] as? Int ?? -99), name)
                XCTAssertEqual(ours.key, bytes(theirs["key"]), name)
                XCTAssertEqual(ours.value, bytes(theirs["value"]), name)
            }
            // A flipped byte in the last message breaks its CRC-32.
            var corrupt = data
            corrupt[corrupt.count - 1] ^= 0x01
            XCTAssertThrowsError(try KafkaRecordSet.decode(corrupt), name)
        }
        print("kafka record vectors: \(cases.count) legacy message sets decoded")
    }

    func testBlocksFromSnappyAndLZ4Libraries() throws {
        let cases = try XCTUnwrap(vectors["blocks"] as? [[String: Any]])
        let payloads = try XCTUnwrap(vectors["payloads"] as? [String: String])
        for c in cases {
            let name = "\(c["kind"] ?? "?") \(c["name"] ?? "?")"
            let plain = try XCTUnwrap(ValueTree.bytes(hex: try XCTUnwrap(payloads[c["plain"] as? String ?? ""])))
            let compressed = try XCTUnwrap(bytes(c["compressed"]))
            let codec: KafkaCompression = c["kind"] as? String == "snappy-raw" ? .snappy : .lz4
            XCTAssertEqual(try codec.decompress(compressed, limit: 1 << 20), plain, name)
            // Our compressor's output must come back too, and a tight limit must hold.
            XCTAssertEqual(try codec.decompress(try codec.compress(plain), limit: 1 << 20), plain, name)
            if plain.count > 10 {
                XCTAssertThrowsError(try codec.decompress(compressed, limit: plain.count - 1), name) {
                    XCTAssertEqual(($0 as? KafkaProtocolError)?.code, .limitExceeded, name)
                }
            }
        }
        print("kafka record vectors: \(cases.count) snappy/lz4 blocks decoded")
    }
}
