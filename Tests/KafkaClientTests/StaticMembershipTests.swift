import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Static membership (KIP-345, `groupInstanceId`): the state machine without sockets, then on
/// Tansu a member that restarts under its name within the session timeout, which the other
/// member must not notice.
final class StaticMembershipTests: XCTestCase {
    private func tp(_ partitions: Int32...) -> [KafkaTopicPartition] { partitions.map { KafkaTopicPartition("t", $0) } }

    private func stableStaticMember() -> KafkaGroupStateMachine {
        var machine = KafkaGroupStateMachine(.init(groupId: "g", topics: ["t"], assignor: .range, sessionTimeoutMs: 6_000,
                                                   heartbeatIntervalMs: 500, retryBackoffMs: 100, groupInstanceId: "worker-1"))
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 1)
        _ = machine.joinCompleted(.init(errorCode: 0, generation: 3, memberId: "m1", leaderId: "m0"), now: 2)
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(0, 1), now: 3), [.assign(tp(0, 1))])
        return machine
    }

    func testAStaticMemberClosesWithoutLeavingTheGroup() {
        var machine = stableStaticMember()
        XCTAssertEqual(machine.leave(now: 10), [.revoke(tp(0, 1))], "no LeaveGroup: the name keeps its place")
    }

    func testAFencedStaticMemberStopsInsteadOfRejoining() {
        var machine = stableStaticMember()
        _ = machine.tick(now: 503)
        let actions = machine.heartbeatCompleted(errorCode: KafkaErrorCode.fencedInstanceId.rawValue, now: 510)
        XCTAssertEqual(actions.first, .revoke(tp(0, 1)))
        guard case .fail(let error)? = actions.last, case .failed = machine.state else {
            return XCTFail("expected a failure, got \(actions)")
        }
        XCTAssertTrue("\(error)".contains("FENCED_INSTANCE_ID") || "\(error)".contains("82"), "\(error)")
        XCTAssertFalse(actions.contains { if case .join = $0 { true } else { false } })
    }

    /// JoinGroup before v5 has no field for the name: the request cannot be encoded, and the
    /// consumer stops with that error instead of trying again for ever. A lost connection is
    /// tried again.
    func testAJoinThatCannotCarryTheNameStopsTheConsumer() {
        var machine = KafkaGroupStateMachine(.init(groupId: "g", topics: ["t"], groupInstanceId: "worker-1"))
        _ = machine.start(now: 0)
        XCTAssertEqual(machine.coordinatorFound(now: 1), [.join(memberId: "")])
        XCTAssertEqual(machine.requestFailed(KafkaError(.connectionLost, "gone", retriable: true), now: 2), [])
        XCTAssertEqual(machine.state, .findingCoordinator)
        XCTAssertEqual(machine.tick(now: 2 + 200), [.findCoordinator])
        _ = machine.coordinatorFound(now: 203)
        let unsupported = KafkaError(.unsupportedVersion, "JoinGroupRequest v4 cannot carry GroupInstanceId")
        XCTAssertEqual(machine.requestFailed(unsupported, now: 204), [.fail(unsupported)])
        XCTAssertEqual(machine.state, .failed(unsupported))
    }

    /// Two static members split four partitions (eager range assignor, so any rebalance would
    /// revoke the other's partitions). One closes and a new consumer with its name takes its
    /// place: the other sees no event at all, and the newcomer gets the same partitions and
    /// carries on from the committed offsets, losing nothing.
    func testAStaticMemberRestartsWithoutDisturbingTheOther() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("static", partitions: 4, on: cluster)
        let group = "static-\(UInt32.random(in: 0...UInt32.max))"
        let feed = try ProducedFeed(cluster: cluster, topic: topic)
        try await feed.produce(200)
        let collector = Collector()
        let first = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "first", collector: collector,
                                          sessionTimeout: .seconds(10), instanceId: "\(group)-a")
        let other = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "other", collector: collector,
                                          sessionTimeout: .seconds(10), instanceId: "\(group)-b")
        let firstTask = pollForever(first, into: collector)
        let otherTask = pollForever(other, into: collector)
        try await waitUntil(seconds: 40, "two partitions each") {
            let a = await first.assignment, b = await other.assignment
            return a.count == 2 && b.count == 2 && Set(a).isDisjoint(with: b)
        }
        try await waitUntil(seconds: 20, "the first 200 records consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }
        let firstPartitions = await first.assignment
        let otherPartitions = await other.assignment
        let otherEventsBefore = await collector.events.filter { $0.0 == "other" }.count

        firstTask.cancel()
        _ = await firstTask.value
        await first.close()
        let restarted = try makeGroupConsumer(tansu, group: group, topic: topic, assignor: .range, name: "restarted", collector: collector,
                                              sessionTimeout: .seconds(10), instanceId: "\(group)-a")
        let restartedTask = pollForever(restarted, into: collector)
        try await waitUntil(seconds: 30, "the restarted member holds the first's partitions") { await restarted.assignment == firstPartitions }
        try await feed.produce(100)
        try await waitUntil(seconds: 20, "every record consumed") { await collector.distinctPositions.isSuperset(of: await feed.positions) }

        let otherEvents = await collector.events.filter { $0.0 == "other" }.map(\.1)
        XCTAssertEqual(otherEvents.count, otherEventsBefore, "the other member saw a rebalance: \(otherEvents)")
        let stillHeld = await other.assignment
        XCTAssertEqual(stillHeld, otherPartitions)
        restartedTask.cancel()
        otherTask.cancel()
        _ = await restartedTask.value
        _ = await otherTask.value
        await restarted.close()
        await other.close()
        print("kafka static membership: restarted member got \(firstPartitions) back; the other kept \(otherPartitions) with no event; \(await collector.count) delivered of \(await feed.positions.count)")
        try await feed.close()
        await cluster.close()
    }
}
