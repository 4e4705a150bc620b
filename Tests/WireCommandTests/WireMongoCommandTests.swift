import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire mongo` against SecantusDB from the peers harness.
final class WireMongoCommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    func mongo(_ subcommand: String, _ arguments: [String], input: String? = nil) throws -> ProcessResult {
        let url = try PeerEnvironment.load().require("SWITCHYARD_MONGO_URL")
        return try ProcessRunner.run(switchyard, ["wire", "mongo", subcommand, "--url", url] + arguments,
                                     input: input.map { Data($0.utf8) })
    }

    func testInsertFindAggregateAndCommandRoundTripExtendedJSON() throws {
        let db = "wire\(UInt32.random(in: 0...UInt32.max))"
        let inserted = try mongo("insert", ["--db", db, "people", "{\"name\":\"ada\",\"n\":1}"],
                                 input: nil)
        XCTAssertEqual(inserted.status, 0, inserted.stderr)
        XCTAssertTrue(inserted.stdout.hasPrefix("inserted {\"$oid\":\""), inserted.stdout)
        let fromStdin = try mongo("insert", ["--db", db, "--json", "people"],
                                  input: "{\"_id\":7,\"name\":\"bob\",\"n\":2,\"when\":{\"$date\":\"2020-01-01T00:00:00Z\"}}\n")
        XCTAssertEqual(fromStdin.stdout, "{\"index\":0,\"insertedId\":7}\n", fromStdin.stderr)

        let found = try mongo("find", ["--db", db, "--sort", "{\"n\":-1}", "people"])
        let lines = found.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, found.stdout + found.stderr)
        XCTAssertEqual(lines.first, "{\"_id\":7,\"name\":\"bob\",\"n\":2,\"when\":{\"$date\":\"2020-01-01T00:00:00Z\"}}")
        let canonical = try mongo("find", ["--db", db, "--canonical", "people", "{\"_id\":7}"])
        XCTAssertEqual(canonical.stdout, "{\"_id\":{\"$numberInt\":\"7\"},\"name\":\"bob\",\"n\":{\"$numberInt\":\"2\"},\"when\":{\"$date\":{\"$numberLong\":\"1577836800000\"}}}\n")

        let total = try mongo("aggregate", ["--db", db, "people", "[{\"$group\":{\"_id\":null,\"total\":{\"$sum\":\"$n\"}}}]"])
        XCTAssertEqual(total.stdout, "{\"_id\":null,\"total\":3}\n", total.stderr)
        let count = try mongo("command", ["--db", db, "{\"count\":\"people\"}"])
        XCTAssertTrue(count.stdout.hasPrefix("{\"n\":2,\"ok\":1.0"), count.stdout + count.stderr)

        let bad = try mongo("find", ["--db", db, "people", "{\"n\":"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not Extended JSON"), bad.stderr)
    }

    func testHelloReportsTheServerLimits() throws {
        let hello = try mongo("hello", [])
        XCTAssertEqual(hello.status, 0, hello.stderr)
        for field in ["\"isWritablePrimary\":true", "\"maxBsonObjectSize\":16777216", "\"maxMessageSizeBytes\":", "\"maxWireVersion\":"] {
            XCTAssertTrue(hello.stdout.contains(field), "hello lacks \(field): \(hello.stdout)")
        }
    }

    func testTraceShowsTheOPMSGHeaderAndEveryElement() throws {
        let traced = try mongo("ping", ["--trace"])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        for expected in ["OP_MSG request", ": hello", "opCode                       2013 (OP_MSG)", "section kind                 0 (body)",
                         "\"driver\"             embedded document", "\"name\"           string \"switchyard\"", ": ping",
                         "\"ping\"                   int32 1", "\"$db\"                    string \"test\"", "OP_MSG reply to"] {
            XCTAssertTrue(traced.stderr.contains(expected), "trace lacks \(expected)")
        }
        XCTAssertFalse(traced.stderr.contains("decode failure"), traced.stderr)
    }
}
