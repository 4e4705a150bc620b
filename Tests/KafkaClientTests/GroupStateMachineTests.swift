import KafkaProtocol
import XCTest
@testable import KafkaClient

/// The group membership state machine, driven by hand: no sockets, no sleeps, time as input.
final class GroupStateMachineTests: XCTestCase {
    private let configuration = KafkaGroupStateMachine.Configuration(
        groupId: "g", topics: ["t"], assignor: .range, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, retryBackoffMs: 100)
    private func tp(_ partitions: Int32...) -> [KafkaTopicPartition] { partitions.map { KafkaTopicPartition("t", $0) } }

    private func stableLeader() -> KafkaGroupStateMachine {
        var machine = KafkaGroupStateMachine(configuration)
        XCTAssertEqual(machine.start(now: 0), [.findCoordinator])
        XCTAssertEqual(machine.coordinatorFound(now: 1), [.join(memberId: "")])
        XCTAssertEqual(machine.joinCompleted(.init(errorCode: KafkaErrorCode.memberIdRequired.rawValue, memberId: "m1"), now: 2),
                       [.join(memberId: "m1")])
        let actions = machine.joinCompleted(.init(errorCode: 0, generation: 1, memberId: "m1", leaderId: "m1",
                                                  members: ["m1": ["t"], "m2": ["t"]], partitionCounts: ["t": 4]), now: 3)
        XCTAssertEqual(actions, [.sync(generation: 1, memberId: "m1", assignments: ["m1": tp(0, 1), "m2": tp(2, 3)])])
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(1, 0), now: 4), [.assign(tp(0, 1))])
        XCTAssertEqual(machine.state, .stable)
        return machine
    }

    func testJoinsAsLeaderAssignsAndHeartbeatsOnTime() {
        var machine = stableLeader()
        XCTAssertEqual(machine.nextWakeup, 504)
        XCTAssertEqual(machine.tick(now: 503), [])
        XCTAssertEqual(machine.tick(now: 504), [.heartbeat(generation: 1, memberId: "m1")])
        XCTAssertEqual(machine.tick(now: 900), [], "one heartbeat in flight at a time")
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: 0, now: 910), [])
        XCTAssertEqual(machine.nextWakeup, 1410)
    }

    func testFollowerSendsNoAssignments() {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 0)
        let actions = machine.joinCompleted(.init(errorCode: 0, generation: 7, memberId: "m2", leaderId: "m1"), now: 1)
        XCTAssertEqual(actions, [.sync(generation: 7, memberId: "m2", assignments: [:])])
        XCTAssertEqual(machine.syncCompleted(errorCode: 0, assignment: tp(3), now: 2), [.assign(tp(3))])
    }

    func testRebalanceInProgressRevokesThenRejoinsWithTheSameMemberId() {
        var machine = stableLeader()
        _ = machine.tick(now: 600)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, now: 610),
                       [.revoke(tp(0, 1)), .join(memberId: "m1")])
        XCTAssertEqual(machine.state, .joining)
        XCTAssertEqual(machine.assignment, [])
    }

    func testUnknownMemberIdRejoinsAsANewMember() {
        var machine = stableLeader()
        _ = machine.tick(now: 600)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.unknownMemberId.rawValue, now: 610),
                       [.revoke(tp(0, 1)), .join(memberId: "")])
    }

    func testLostCoordinatorIsLookedUpAgainAndHeartbeatsResume() {
        var machine = stableLeader()
        _ = machine.tick(now: 600)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: KafkaErrorCode.notCoordinator.rawValue, now: 610), [])
        XCTAssertEqual(machine.tick(now: 709), [])
        XCTAssertEqual(machine.tick(now: 710), [.findCoordinator])
        XCTAssertEqual(machine.coordinatorFound(now: 720), [.heartbeat(generation: 1, memberId: "m1")])
        XCTAssertEqual(machine.assignment, tp(0, 1), "the partitions are kept")
    }

    func testFailedHeartbeatsPastTheSessionTimeoutGiveUpThePartitions() {
        var machine = stableLeader()
        _ = machine.tick(now: 600)
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: nil, now: 1_000), [])
        XCTAssertEqual(machine.tick(now: 1_100), [.findCoordinator])
        XCTAssertEqual(machine.coordinatorFound(now: 1_200), [.heartbeat(generation: 1, memberId: "m1")])
        XCTAssertEqual(machine.heartbeatCompleted(errorCode: nil, now: 6_004), [.revoke(tp(0, 1)), .join(memberId: "")])
    }

    func testJoinErrorsRetryOrFail() {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 0)
        XCTAssertEqual(machine.joinCompleted(.init(errorCode: KafkaErrorCode.coordinatorLoadInProgress.rawValue), now: 10), [])
        XCTAssertEqual(machine.tick(now: 109), [])
        XCTAssertEqual(machine.tick(now: 110), [.join(memberId: "")])
        XCTAssertEqual(machine.joinCompleted(.init(errorCode: KafkaErrorCode.notCoordinator.rawValue), now: 120), [.findCoordinator])
        _ = machine.coordinatorFound(now: 130)
        let actions = machine.joinCompleted(.init(errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue), now: 140)
        guard case .fail(let error)? = actions.last else { return XCTFail("expected fail, got \(actions)") }
        XCTAssertEqual(error.brokerError, .groupAuthorizationFailed)
    }

    func testRequestFailureDuringJoinFindsTheCoordinatorAgain() {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 0)
        XCTAssertEqual(machine.requestFailed(now: 50), [])
        XCTAssertEqual(machine.tick(now: 150), [.findCoordinator])
    }

    func testLeaveRevokesThenLeaves() {
        var machine = stableLeader()
        XCTAssertEqual(machine.leave(now: 700), [.revoke(tp(0, 1)), .leave(memberId: "m1")])
        XCTAssertEqual(machine.state, .left)
        XCTAssertEqual(machine.tick(now: 10_000), [])
    }

    func testSyncRebalanceRejoins() {
        var machine = KafkaGroupStateMachine(configuration)
        _ = machine.start(now: 0)
        _ = machine.coordinatorFound(now: 0)
        _ = machine.joinCompleted(.init(errorCode: 0, generation: 2, memberId: "m2", leaderId: "m1"), now: 1)
        XCTAssertEqual(machine.syncCompleted(errorCode: KafkaErrorCode.rebalanceInProgress.rawValue, assignment: [], now: 2),
                       [.join(memberId: "m2")])
    }
}
