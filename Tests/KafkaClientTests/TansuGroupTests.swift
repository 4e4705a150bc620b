import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Two of our consumers in one group on Tansu: they split the partitions, and when one
/// leaves the other takes over its partitions from the committed offsets, losing nothing.
final class TansuGroupTests: XCTestCase {
    func testTwoConsumersSplitPartitionsAndRebalanceWhenOneLeaves() async throws {
        try await runTwoConsumers(killFirst: false)
    }

    /// The first stops without committing or leaving, as a killed process: the coordinator
    /// expires it after the session timeout, and the second re-reads from the last commit.
    func testTwoConsumersRebalanceWhenOneIsKilled() async throws {
        try await runTwoConsumers(killFirst: true)
    }

    private func runTwoConsumers(killFirst: Bool) async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("group", partitions: 4, on: cluster)
        let group = "group-\(UInt32.random(in: 0...UInt32.max))"
        let feed = try ProducedFeed(cluster: cluster, topic: topic)
        try await feed.produce(200)

        let collector = Collector()
        let first = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "first", collector: collector)
        let second = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "second", collector: collector)
        let firstTask = pollForever(first, into: collector)
        let secondTask = pollForever(second, into: collector)

        // Both members end up with two partitions each.
        try await waitUntil(seconds: 40, "both consumers hold two partitions") {
            let a = await first.assignment, b = await second.assignment
            return a.count == 2 && b.count == 2 && Set(a).isDisjoint(with: b)
        }
        try await feed.produce(100)
        try await waitUntil(seconds: 20, "the first 300 records consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }

        // The first leaves (commits, LeaveGroup); the second takes all four partitions.
        firstTask.cancel()
        _ = await firstTask.value
        if killFirst { await first.abandon() } else { await first.close() }
        try await waitUntil(seconds: 40, "the second consumer holds all partitions") { await second.assignment.count == 4 }
        try await feed.produce(100)
        try await waitUntil(seconds: 20, "every record consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }
        secondTask.cancel()
        _ = await secondTask.value
        await second.close()

        let events = await collector.events
        XCTAssertTrue(events.contains { $0.0 == "second" && $0.1 == .assigned([0, 1, 2, 3].map { KafkaTopicPartition(topic, $0) }) },
                      "rebalance notifications: \(events)")
        if !killFirst {
            XCTAssertTrue(events.contains { $0.0 == "first" && { if case .revoked = $0 { true } else { false } }($0.1) })
        }
        let total = await collector.count
        print("kafka group (\(killFirst ? "killed" : "left")): \(await feed.positions.count) produced, \(total) delivered (duplicates after a rebalance allowed), events \(events.count)")
        try await feed.close()
        await cluster.close()
    }
}

func waitUntil(seconds: Double, _ what: String, _ condition: () async throws -> Bool) async throws {
    let start = ContinuousClock.now
    while ContinuousClock.now - start < .seconds(seconds) {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    XCTFail("timed out after \(seconds) s waiting until \(what)")
    throw KafkaError(.timedOut, "waiting until \(what)")
}
