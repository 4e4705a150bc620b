import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Cooperative rebalancing (the cooperative-sticky assignor, KIP-429) on Tansu, with records
/// produced all along: when a member joins, the first gives up only the partitions that move
/// and keeps reading the rest; when it leaves, the other takes them without giving up its own;
/// no record is lost. Then the same with a librdkafka member, each side leading once.
final class TansuCooperativeGroupTests: XCTestCase {
    func testCooperativeMembersGiveUpOnlyWhatMoves() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("coop", partitions: 4, on: cluster)
        let group = "coop-\(UInt32.random(in: 0...UInt32.max))"
        let feed = try ProducedFeed(cluster: cluster, topic: topic)
        try await feed.produce(200)

        let collector = Collector()
        let first = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .cooperativeSticky, name: "first", collector: collector)
        let second = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .cooperativeSticky, name: "second", collector: collector)
        let firstTask = pollForever(first, into: collector)
        try await waitUntil(seconds: 30, "the first consumer holds all four partitions") { await first.assignment.count == 4 }

        // Records keep arriving while the second joins and the group rebalances twice.
        let producing = Task { try await feed.produceSlowly(300, every: .milliseconds(20)) }
        let secondTask = pollForever(second, into: collector)
        try await waitUntil(seconds: 40, "two partitions each") {
            let a = await first.assignment, b = await second.assignment
            return a.count == 2 && b.count == 2 && Set(a).isDisjoint(with: b)
        }
        let kept = await first.assignment
        let moved = await second.assignment
        try await producing.value
        try await waitUntil(seconds: 20, "the first 500 records consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }

        // The first gave up exactly the two partitions that moved, and never the ones it kept.
        let firstEvents = await collector.events.filter { $0.0 == "first" }.map(\.1)
        let revokedByFirst = firstEvents.flatMap(revokedPartitions)
        XCTAssertEqual(Set(revokedByFirst), Set(moved), "events of the first: \(firstEvents)")
        XCTAssertTrue(Set(revokedByFirst).isDisjoint(with: kept), "events of the first: \(firstEvents)")

        // The second leaves: the first takes its partitions and gives up nothing.
        let eventsBefore = await collector.events.count
        secondTask.cancel()
        _ = await secondTask.value
        await second.close()
        try await waitUntil(seconds: 40, "the first holds all partitions again") { await first.assignment.count == 4 }
        try await feed.produce(100)
        try await waitUntil(seconds: 20, "every record consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }
        let later = await collector.events.dropFirst(eventsBefore).filter { $0.0 == "first" }.map(\.1)
        XCTAssertFalse(later.contains { if case .revoked = $0 { true } else { false } }, "the first revoked after the second left: \(later)")
        XCTAssertTrue(later.contains(.assigned(moved)), "the first got the second's partitions: \(later)")

        firstTask.cancel()
        _ = await firstTask.value
        await first.close()
        print("kafka cooperative group: \(await feed.positions.count) produced, \(await collector.count) delivered, first kept \(kept), moved \(moved)")
        try await feed.close()
        await cluster.close()
    }

    /// librdkafka joins first and leads: it reads our owned partitions from our subscription.
    func testLibrdkafkaLeadsACooperativeGroupWithOurConsumer() async throws {
        try await runMixedCooperativeGroup(oursFirst: false)
    }

    /// Ours joins first and leads: it reads librdkafka's owned partitions and generation.
    func testOurConsumerLeadsACooperativeGroupWithLibrdkafka() async throws {
        try await runMixedCooperativeGroup(oursFirst: true)
    }

    private func runMixedCooperativeGroup(oursFirst: Bool) async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("coop-mixed", partitions: 4, on: cluster)
        let group = "coop-mixed-\(UInt32.random(in: 0...UInt32.max))"
        let feed = try ProducedFeed(cluster: cluster, topic: topic)
        try await feed.produce(200)
        let librdkafkaArguments = ["group", tansu.bootstrap, topic, group, "25", "cooperative-sticky"]

        var running: Task<[Librdkafka.Message], Error>?
        if !oursFirst {
            running = Librdkafka.runDetached(tansu.env, librdkafkaArguments)
            try await Task.sleep(for: .seconds(5))
        }
        let collector = Collector()
        let ours = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .cooperativeSticky, name: "ours", collector: collector)
        let polling = pollForever(ours, into: collector)
        if oursFirst {
            try await waitUntil(seconds: 30, "ours holds all four partitions before librdkafka joins") { await ours.assignment.count == 4 }
            running = Librdkafka.runDetached(tansu.env, librdkafkaArguments)
        }
        try await waitUntil(seconds: 40, "two partitions each") { await ours.assignment.count == 2 }
        let oursHeld = await ours.assignment
        try await feed.produce(100)
        guard let running else { return XCTFail("librdkafka did not run") }
        let theirs = try await running.value
        try await waitUntil(seconds: 40, "ours holds all four partitions after librdkafka left") { await ours.assignment.count == 4 }
        try await feed.produce(100)
        let theirPositions = Set(theirs.compactMap { m in m.offset.map { "\(m.partition!)/\($0)" } })
        try await waitUntil(seconds: 30, "every record consumed by one of the two") {
            await collector.distinctPositions.union(theirPositions).isSuperset(of: await feed.positions)
        }
        polling.cancel()
        _ = await polling.value
        // Before closing, which revokes everything.
        let events = await collector.events.map(\.1)
        await ours.close()

        let revokedByOurs = events.flatMap(revokedPartitions)
        XCTAssertTrue(Set(revokedByOurs).isDisjoint(with: oursHeld), "ours gave up a partition it kept: \(events)")
        let theirAdded = Set(theirs.compactMap(\.assigned).flatMap { $0 })
        XCTAssertEqual(theirAdded.count, oursFirst ? 2 : 4, "librdkafka's increments: \(theirs.filter { $0.assigned != nil || $0.revoked != nil })")
        let heldNumbers = Set(oursHeld.map(\.partition))
        if oursFirst {
            // Ours led and gave librdkafka exactly the two partitions it revoked.
            XCTAssertEqual(Set(revokedByOurs.map(\.partition)), theirAdded, "ours: \(events)")
        } else {
            // librdkafka led: its first revocation is exactly what ours then got; it kept the rest.
            let firstRevoked = theirs.compactMap(\.revoked).first.map(Set.init) ?? []
            XCTAssertEqual(firstRevoked, heldNumbers, "librdkafka: \(theirs.filter { $0.assigned != nil || $0.revoked != nil })")
        }
        XCTAssertFalse(theirPositions.isEmpty, "librdkafka consumed records")
        let produced = await feed.positions.count
        print("kafka cooperative mixed group (\(oursFirst ? "ours leads" : "librdkafka leads")): librdkafka read \(theirPositions.count), ours \(await collector.distinctPositions.count) of \(produced)")
        try await feed.close()
        await cluster.close()
    }

    private func revokedPartitions(_ event: KafkaRebalanceEvent) -> [KafkaTopicPartition] {
        if case .revoked(let partitions) = event { return partitions }
        return []
    }

}
