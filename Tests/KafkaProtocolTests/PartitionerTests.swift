import Foundation
import KafkaProtocol
import XCTest

final class PartitionerTests: XCTestCase {
    /// The values of Kafka's own UtilsTest.testMurmur2.
    func testPublishedMurmur2Values() {
        let cases: [(String, Int32)] = [
            ("21", -973_932_308),
            ("foobar", -790_332_482),
            ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            ("abc", 479_470_107),
        ]
        for (key, expected) in cases {
            XCTAssertEqual(KafkaPartitioner.murmur2(Array(key.utf8)), expected, key)
        }
    }

    /// Random keys of every tail length against the Python reference in Reference/.
    func testAgainstReferenceImplementation() throws {
        let script = TestSupport.referenceScript.deletingLastPathComponent().appendingPathComponent("murmur2_reference.py")
        let output = String(decoding: try TestSupport.runPython([script.path, "7"]), as: UTF8.self)
        var checked = 0
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            let key = try XCTUnwrap(ValueTree.bytes(hex: String(parts[0])))
            XCTAssertEqual(KafkaPartitioner.murmur2(key), Int32(parts[1]), "key \(parts[0])")
            XCTAssertEqual(KafkaPartitioner.partition(forKey: key, partitionCount: 100), Int(parts[2]))
            checked += 1
        }
        XCTAssertEqual(checked, 63)
    }

    func testToPositiveIsNotAbs() {
        XCTAssertEqual(KafkaPartitioner.toPositive(Int32.min), 0)
        XCTAssertEqual(KafkaPartitioner.toPositive(-1), Int32.max)
        XCTAssertNil(KafkaPartitioner.partition(forKey: [1], partitionCount: 0))
    }
}

final class ErrorCodeTests: XCTestCase {
    func testCodesNamesAndRetriableFlags() {
        XCTAssertEqual(KafkaErrorCode(code: 6), .notLeaderOrFollower)
        XCTAssertEqual(KafkaErrorCode.notLeaderOrFollower.name, "NOT_LEADER_OR_FOLLOWER")
        XCTAssertTrue(KafkaErrorCode.notLeaderOrFollower.isRetriable)
        XCTAssertTrue(KafkaErrorCode.unknownTopicOrPartition.isRetriable)
        XCTAssertTrue(KafkaErrorCode.coordinatorLoadInProgress.isRetriable)
        XCTAssertFalse(KafkaErrorCode.topicAuthorizationFailed.isRetriable)
        XCTAssertFalse(KafkaErrorCode.producerFenced.isRetriable)
        XCTAssertFalse(KafkaErrorCode.noError.isError)
        XCTAssertNil(KafkaErrorCode(code: 9999))
        // Codes are unique and contiguous from -1 (Kafka never skipped a number).
        let codes = KafkaErrorCode.allCases.map(\.rawValue)
        XCTAssertEqual(codes, Array(-1...Int16(codes.count - 2)))
        XCTAssertEqual(Set(KafkaErrorCode.allCases.map(\.name)).count, KafkaErrorCode.allCases.count)
    }
}
