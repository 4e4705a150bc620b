import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire kafka` against Tansu from the peers harness.
final class WireKafkaCommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    func kafka(_ subcommand: String, _ arguments: [String], input: String? = nil) throws -> ProcessResult {
        let bootstrap = try PeerEnvironment.load().require("SWITCHYARD_KAFKA_BOOTSTRAP")
        let result = try ProcessRunner.run(switchyard, ["wire", "kafka", subcommand, "--bootstrap", bootstrap] + arguments,
                                           input: input.map { Data($0.utf8) })
        return result
    }

    func testCreateProduceConsumeOffsetsAndGroups() throws {
        let topic = "wire-kafka-\(UInt32.random(in: 0...UInt32.max))"
        let group = topic + "-group"
        let created = try kafka("create-topic", ["--partitions", "2", topic])
        XCTAssertEqual(created.stdout, "created topic \(topic) with 2 partitions\n", created.stderr)

        let metadata = try kafka("metadata", [topic])
        XCTAssertTrue(metadata.stdout.contains("topic \(topic): 2 partitions"), metadata.stdout + metadata.stderr)

        let produced = try kafka("produce", ["--key", "k1", "--header", "type=resize", "--compression", "gzip", "--json", topic],
                                 input: "first\nsecond\n")
        XCTAssertEqual(produced.status, 0, produced.stderr)
        XCTAssertEqual(produced.stdout.split(separator: "\n").count, 2)
        let keyed = try kafka("produce", ["--json-input", topic], input: "{\"key\":\"k2\",\"value\":\"{\\\"n\\\":3}\",\"headers\":{\"a\":\"b\"}}\n")
        XCTAssertEqual(keyed.status, 0, keyed.stderr)

        let consumed = try kafka("consume", ["--group", group, "--from-beginning", "--max", "3", "--idle", "20", "--json", topic])
        XCTAssertEqual(consumed.status, 0, consumed.stderr)
        let records = consumed.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        XCTAssertEqual(records.count, 3, consumed.stdout)
        XCTAssertEqual(Set(records.compactMap { $0["value"] as? String }), ["first", "second", "{\"n\":3}"])
        let first = try XCTUnwrap(records.first { $0["value"] as? String == "first" })
        XCTAssertEqual(first["key"] as? String, "k1")
        XCTAssertEqual(first["headers"] as? [String: String], ["type": "resize"])
        // Same key, same partition, in order.
        let second = try XCTUnwrap(records.first { $0["value"] as? String == "second" })
        XCTAssertEqual(first["partition"] as? Int, second["partition"] as? Int)
        XCTAssertEqual((second["offset"] as? Int ?? 0) - (first["offset"] as? Int ?? 0), 1)

        let offsets = try kafka("offsets", ["--group", group, "--json", topic])
        let rows = offsets.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        XCTAssertEqual(rows.count, 2, offsets.stdout + offsets.stderr)
        XCTAssertEqual(rows.map { $0["latest"] as? Int ?? -1 }.reduce(0, +), 3)
        XCTAssertEqual(rows.map { $0["committed"] as? Int ?? -1 }.reduce(0, +), 3, "the group committed what it read")

        let groups = try kafka("groups", [])
        XCTAssertTrue(groups.stdout.contains(group), groups.stdout + groups.stderr)
    }

    func testAPIVersionsAndTraceShowTheProtocol() throws {
        let versions = try kafka("api-versions", [])
        XCTAssertEqual(versions.status, 0, versions.stderr)
        XCTAssertTrue(versions.stdout.contains("   0 Produce"), versions.stdout)
        XCTAssertTrue(versions.stdout.contains("  18 ApiVersions"), versions.stdout)

        let topic = "wire-trace-\(UInt32.random(in: 0...UInt32.max))"
        _ = try kafka("create-topic", [topic])
        let traced = try kafka("produce", ["--trace", "--key", "k1", "--value", "hello", topic])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        for expected in ["request_api_key              0 (Produce)", "correlation_id", "record batch 0", "magic                    2",
                         "key                    \"k1\"", "value                  \"hello\"", "ApiVersions v", "Metadata v"] {
            XCTAssertTrue(traced.stderr.contains(expected), "trace lacks \(expected)")
        }
        XCTAssertFalse(traced.stderr.contains("decode failure"), traced.stderr)

        // Pinned versions are what the client sends, from the first ApiVersions on.
        let pinned = try kafka("produce", ["--trace", "--max-api-version", "0=8", "--max-api-version", "18=3", "--value", "old", topic])
        XCTAssertEqual(pinned.status, 0, pinned.stderr)
        XCTAssertTrue(pinned.stderr.contains("Produce v8 request"), pinned.stderr)
        XCTAssertTrue(pinned.stderr.contains("ApiVersions v3 request"), pinned.stderr)
        XCTAssertFalse(pinned.stderr.contains("Produce v11"), pinned.stderr)
        let table = try kafka("api-versions", ["--max-api-version", "0=8"])
        XCTAssertTrue(table.stdout.contains("   0 Produce                      broker 0-11   ours 0-11   use 8"), table.stdout)
    }
}
