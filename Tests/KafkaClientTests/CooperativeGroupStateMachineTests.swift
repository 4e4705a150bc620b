import KafkaProtocol
import XCTest
@testable import KafkaClient

/// The group state machine with the cooperative-sticky assignor (KIP-429): a rebalance does
/// not take partitions away up front; only what the new assignment drops is revoked, and the
/// member then rejoins at once. No sockets, no sleeps, time as input.
final class CooperativeGroupStateMachineTests: XCTestCase {
    private let configuration = KafkaGroupStateMachine.Configuration(
        groupId: "g", topics: ["t"], assignor: .cooperativeSticky, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, retryBackoffMs: 100)
    private func tp(_ partitions: Int32...) -> [KafkaTopicPartition] { partitions.map { KafkaTopicPartition("t", $0) } }

    /// A leader alone in its group, holding all four partitions in generation 1.
    private func stableAlone() -> KafkaGroupStateMachine {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 1)
        let actions = machine.joinCompleted(.init(errorCode: 0, generation: 1, memberId: "m1", leaderId: "m1",
                                                  members: ["m1": ["t"]], partitionCounts: ["t": 4]), now: 2)
        XCTAssertEqual(actions, [.sync(generation: 1, memberId: "m1", assignments: ["m1": tp(0, 1, 2, 3)])])
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(0, 1, 2, 3), now: 3), [.assign(tp(0, 1, 2, 3))])
        XCTAssertEqual(machine.assignmentGeneration, 1)
        return machine
    }

    func testARebalanceKeepsThePartitionsWhileRejoining() {
        var machine = stableAlone()
        _ = machine.tick(now: 503)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, now: 510),
                       [.join(memberId: "m1")], "no revoke before rejoining")
        XCTAssertEqual(machine.assignment, tp(0, 1, 2, 3))
        XCTAssertEqual(machine.assignmentGeneration, 1, "the rejoin reports what it owns and since when")
    }

    /// A second member joined: as leader, this member assigns from what each owns, keeps two
    /// partitions, revokes only the other two, and rejoins so that they can be handed on.
    func testOnlyTheDroppedPartitionsAreRevokedThenTheMemberRejoins() {
        var machine = stableAlone()
        _ = machine.tick(now: 503)
        _ = machine.heartbeatCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, now: 510)
        let members: [String: KafkaGroupSubscription] = [
            "m1": KafkaGroupSubscription(topics: ["t"], ownedPartitions: tp(0, 1, 2, 3), generation: 1),
            "m2": ["t"],
        ]
        XCTAssertEqual(machine.joinCompleted(.init(errorCode: 0, generation: 2, memberId: "m1", leaderId: "m1",
                                                   members: members, partitionCounts: ["t": 4]), now: 520),
                       [.sync(generation: 2, memberId: "m1", assignments: ["m1": tp(0, 1), "m2": []])])
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(0, 1), now: 530),
                       [.revoke(tp(2, 3)), .assign([]), .join(memberId: "m1")])
        XCTAssertEqual(machine.assignment, tp(0, 1))
        XCTAssertEqual(machine.assignmentGeneration, 2)
        XCTAssertEqual(machine.state, .joining)
        // The second round gives m2 the two partitions; m1 keeps its own without any event but
        // an empty assignment notice.
        let second: [String: KafkaGroupSubscription] = [
            "m1": KafkaGroupSubscription(topics: ["t"], ownedPartitions: tp(0, 1), generation: 2),
            "m2": ["t"],
        ]
        XCTAssertEqual(machine.joinCompleted(.init(errorCode: 0, generation: 3, memberId: "m1", leaderId: "m1",
                                                   members: second, partitionCounts: ["t": 4]), now: 540),
                       [.sync(generation: 3, memberId: "m1", assignments: ["m1": tp(0, 1), "m2": tp(2, 3)])])
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(0, 1), now: 550), [.assign([])])
        XCTAssertEqual(machine.state, .stable)
    }

    func testPartitionsAddedByARebalanceAreAssignedWithoutARevoke() {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 1)
        _ = machine.joinCompleted(.init(errorCode: 0, generation: 4, memberId: "m2", leaderId: "m1"), now: 2)
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(2), now: 3), [.assign(tp(2))])
        _ = machine.tick(now: 503)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, now: 504), [.join(memberId: "m2")])
        _ = machine.joinCompleted(.init(errorCode: 0, generation: 5, memberId: "m2", leaderId: "m1"), now: 505)
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(3, 2), now: 506), [.assign(tp(3))])
        XCTAssertEqual(machine.assignment, tp(2, 3))
    }

    /// Fenced or forgotten: what it owned may be someone else's now, so all of it goes.
    func testAForgottenMemberGivesUpEverythingAndJoinsAnew() {
        var machine = stableAlone()
        _ = machine.tick(now: 503)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.unknownMemberId.rawValue, now: 510),
                       [.revoke(tp(0, 1, 2, 3)), .join(memberId: "")])
        XCTAssertEqual(machine.assignmentGeneration, -1)
        var fenced = stableAlone()
        _ = fenced.tick(now: 503)
        XCTAssertEqual(fenced.heartbeatCompleted(errorCode: KafkaErrorCode.illegalGeneration.rawValue, now: 510),
                       [.revoke(tp(0, 1, 2, 3)), .join(memberId: "m1")])
        // Told during a rejoin that the member id is unknown: the same.
        var rejoining = stableAlone()
        _ = rejoining.tick(now: 503)
        _ = rejoining.heartbeatCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, now: 510)
        XCTAssertEqual(rejoining.joinCompleted(.init(errorCode: KafkaErrorCode.unknownMemberId.rawValue), now: 520),
                       [.revoke(tp(0, 1, 2, 3)), .join(memberId: "")])
    }

    func testLeavingRevokesEverything() {
        var machine = stableAlone()
        XCTAssertEqual(machine.leave(now: 600), [.revoke(tp(0, 1, 2, 3)), .leave(memberId: "m1")])
    }
}
