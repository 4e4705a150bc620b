import Foundation
import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Our consumer and a librdkafka consumer in one group (range assignor): they split the
/// partitions, and when librdkafka leaves ours takes them all, with nothing lost.
final class LibrdkafkaGroupTests: XCTestCase {
    /// librdkafka joins first (and leads the group: it assigns, decoding our subscription).
    func testOurConsumerAndLibrdkafkaShareAGroup() async throws {
        try await runMixedGroup(oursFirst: false)
    }

    /// Ours joins first and leads: it assigns, decoding librdkafka's subscription.
    func testOurConsumerLeadsAGroupWithLibrdkafka() async throws {
        try await runMixedGroup(oursFirst: true)
    }

    private func runMixedGroup(oursFirst: Bool) async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("mixed-group", partitions: 4, on: cluster)
        let group = "mixed-\(UInt32.random(in: 0...UInt32.max))"
        let producer = try KafkaProducer(cluster: cluster)
        var produced: Set<String> = []
        for i in 0..<200 {
            let d = try await producer.send(topic: topic, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8))
            produced.insert("\(d.partition)/\(d.offset)")
        }
        var librdkafka: Task<[Librdkafka.Message], Error>?
        if !oursFirst { librdkafka = Librdkafka.runDetached(tansu.env, ["group", tansu.bootstrap, topic, group, "20"]) }

        let collector = Collector()
        let ours = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "ours", collector: collector)
        let polling = pollForever(ours, into: collector)
        let theirs: [Librdkafka.Message]
        if oursFirst {
            try await waitUntil(seconds: 30, "ours holds all four partitions before librdkafka joins") { await ours.assignment.count == 4 }
            let running = Librdkafka.runDetached(tansu.env, ["group", tansu.bootstrap, topic, group, "20"])
            // Once ours is down to two partitions librdkafka holds the others: new records go to both.
            try await waitUntil(seconds: 30, "the group rebalanced to two each") { await ours.assignment.count == 2 }
            for i in 200..<300 {
                let d = try await producer.send(topic: topic, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8))
                produced.insert("\(d.partition)/\(d.offset)")
            }
            theirs = try await running.value
        } else {
            guard let running = librdkafka else { return XCTFail("librdkafka did not run") }
            theirs = try await running.value
            for i in 200..<300 {
                let d = try await producer.send(topic: topic, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8))
                produced.insert("\(d.partition)/\(d.offset)")
            }
        }
        try await waitUntil(seconds: 40, "ours holds all four partitions") { await ours.assignment.count == 4 }
        let theirPositions = Set(theirs.compactMap { m in m.offset.map { "\(m.partition!)/\($0)" } })
        try await waitUntil(seconds: 30, "every record consumed by one of the two") {
            await collector.distinctPositions.union(theirPositions).isSuperset(of: produced)
        }
        polling.cancel()
        _ = await polling.value
        await ours.close()

        let theirAssignments = theirs.compactMap(\.assigned).filter { !$0.isEmpty }
        XCTAssertTrue(theirAssignments.contains { $0.count == 2 }, "librdkafka got two partitions: \(theirAssignments)")
        let events = await collector.events.map(\.1)
        XCTAssertTrue(events.contains { if case .assigned(let p) = $0 { p.count == 2 } else { false } }, "ours got two: \(events)")
        XCTAssertFalse(theirPositions.isEmpty, "librdkafka consumed records")
        print("kafka mixed group (\(oursFirst ? "ours first" : "librdkafka first")): librdkafka read \(theirPositions.count), ours \(await collector.distinctPositions.count) of \(produced.count)")
        try await producer.close()
        await cluster.close()
    }
}
