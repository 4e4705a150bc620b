import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire conformance` against the three real servers: the matrix names what each claims
/// and what our client made of it, with no decode failure.
final class WireConformanceCommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    func conformance(_ kind: String, urlKey: String) throws -> ProcessResult {
        let url = try PeerEnvironment.load().require(urlKey)
        return try ProcessRunner.run(switchyard, ["wire", "conformance", kind, "--url", url])
    }

    func testKafkaMatrixCoversEveryAPITansuClaims() throws {
        let result = try conformance("kafka", urlKey: "SWITCHYARD_KAFKA_BOOTSTRAP")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("| API | key | server | ours | exercised | result |"))
        for row in ["| Produce | 0 | 0-11 | 0-11 | v0-11 | v0-11 ok |", "| Fetch | 1 |", "| ApiVersions | 18 |",
                    "| DeleteRecords | 21 |", "| DescribeAcls | 29 |"] {
            XCTAssertTrue(result.stdout.contains(row), "matrix lacks \(row)")
        }
        XCTAssertTrue(result.stdout.contains("Decode failures: 0."))
        XCTAssertFalse(result.stdout.contains("DECODE FAILURE"))
    }

    func testRedisMatrixReadsEveryProbedReplyInBothProtocols() throws {
        let result = try conformance("redis", urlKey: "SWITCHYARD_REDIS_URL")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        for row in ["| HGETALL | 2 | yes | ok: array[4] | ok: map[2] |", "| EVALSHA | -3 | yes | error NOSCRIPT | error NOSCRIPT |",
                    "| DEBUG | -2 | yes | ok: bulk string | ok: attribute + bulk string |"] {
            XCTAssertTrue(result.stdout.contains(row), "matrix lacks \(row)")
        }
        XCTAssertTrue(result.stdout.contains("Decode failures: 0."))
    }

    func testMongoMatrixRecordsEachCommandOurClientSent() throws {
        let result = try conformance("mongo", urlKey: "SWITCHYARD_MONGO_URL")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        for command in ["insert", "find", "getMore", "killCursors", "update", "findAndModify", "delete", "aggregate",
                        "createIndexes", "listIndexes", "hello"] {
            XCTAssertTrue(result.stdout.contains("| \(command) | "), "matrix lacks \(command)")
        }
        XCTAssertTrue(result.stdout.contains("| getMore | no | yes | ok |"))
        XCTAssertTrue(result.stdout.contains("Decode failures: 0."))
    }
}
