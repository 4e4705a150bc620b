import KafkaProtocol
import TestRandom
import XCTest
@testable import KafkaClient

/// The cooperative-sticky assignor: balance, stickiness, ownership claims, and the two-round
/// hand-over of KIP-429, checked on fixed cases and on seeded random groups run round by round.
final class StickyAssignmentTests: XCTestCase {
    private let assignor = KafkaPartitionAssignor.cooperativeSticky
    private func tp(_ topic: String, _ partitions: Int32...) -> [KafkaTopicPartition] { partitions.map { KafkaTopicPartition(topic, $0) } }
    private func member(_ topics: [String], owns owned: [KafkaTopicPartition] = [], generation: Int32 = 1) -> KafkaGroupSubscription {
        KafkaGroupSubscription(topics: topics, ownedPartitions: owned, generation: generation)
    }

    func testAFreshGroupIsBalancedWithEveryPartitionOnce() {
        let result = assignor.assign(subscriptions: ["m1": ["t"], "m2": ["t"], "m3": ["t"]], partitionCounts: ["t": 7])
        XCTAssertEqual(result.values.map(\.count).sorted(), [2, 2, 3])
        XCTAssertEqual(result.values.flatMap { $0 }.sorted(), tp("t", 0, 1, 2, 3, 4, 5, 6))
    }

    func testOwnersKeepTheirPartitionsWhenTheGroupIsBalanced() {
        let result = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 3)), "m2": member(["t"], owns: tp("t", 1, 2))],
                                     partitionCounts: ["t": 4])
        XCTAssertEqual(result, ["m1": tp("t", 0, 3), "m2": tp("t", 1, 2)])
    }

    /// A member joins a group of one: the owner keeps half at once, and the other half reaches
    /// the newcomer only in the second round, after the owner gave it up.
    func testANewMemberGetsTheSurplusInTheSecondRound() {
        let first = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 1, 2, 3)), "m2": member(["t"], generation: -1)],
                                    partitionCounts: ["t": 4])
        XCTAssertEqual(first["m1"], tp("t", 0, 1), "the owner keeps its lowest partitions and gives up the rest")
        XCTAssertEqual(first["m2"], [], "nothing the owner still reads goes to the newcomer in the same round")
        let second = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 1), generation: 2), "m2": member(["t"], generation: -1)],
                                     partitionCounts: ["t": 4])
        XCTAssertEqual(second, ["m1": tp("t", 0, 1), "m2": tp("t", 2, 3)])
    }

    func testADepartedMembersPartitionsGoToTheOthersInOneRound() {
        // m2 owned 2 and 3 and is gone: they are unowned, so nothing waits for a second round.
        let result = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 1)), "m3": member(["t"], owns: tp("t", 4, 5))],
                                     partitionCounts: ["t": 6])
        XCTAssertEqual(result["m1"]?.count, 3)
        XCTAssertEqual(result["m3"]?.count, 3)
        XCTAssertTrue(Set(result["m1"] ?? []).isSuperset(of: tp("t", 0, 1)))
        XCTAssertTrue(Set(result["m3"] ?? []).isSuperset(of: tp("t", 4, 5)))
        XCTAssertEqual(result.values.flatMap { $0 }.sorted(), tp("t", 0, 1, 2, 3, 4, 5))
    }

    func testTheNewerGenerationsClaimWinsAndATieLeavesThePartitionUnowned() {
        let newer = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0), generation: 5),
                                              "m2": member(["t"], owns: tp("t", 0, 1), generation: 4)],
                                    partitionCounts: ["t": 2])
        XCTAssertEqual(newer, ["m1": tp("t", 0), "m2": tp("t", 1)])
        // Both claim partition 0 in generation 4: neither owns it, so it is handed out at once
        // (to the less loaded member) instead of being held back for a second round.
        let tie = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 1), generation: 4),
                                            "m2": member(["t"], owns: tp("t", 0), generation: 4)],
                                  partitionCounts: ["t": 2])
        XCTAssertEqual(tie, ["m1": tp("t", 1), "m2": tp("t", 0)])
    }

    func testClaimsOnTopicsNotReadOrPartitionsThatDoNotExistAreIgnored() {
        let result = assignor.assign(members: ["m1": member(["t"], owns: tp("t", 0, 9) + tp("gone", 0)), "m2": member(["t"])],
                                     partitionCounts: ["t": 2, "gone": 1])
        XCTAssertEqual(result, ["m1": tp("t", 0), "m2": tp("t", 1)])
    }

    func testUnequalSubscriptionsAreBalancedWithinWhatEachMemberReads() {
        let result = assignor.assign(subscriptions: ["m1": ["a"], "m2": ["a", "b"]], partitionCounts: ["a": 2, "b": 2])
        XCTAssertEqual(result, ["m1": tp("a", 0, 1), "m2": tp("b", 0, 1)])
    }

    /// Random groups on one topic, run the way members run the protocol: each round every
    /// member reports what it owns, gives up what the leader took away, and the group rejoins
    /// while anything was given up. Checked every round: no partition is handed to one member
    /// while another still owns it, and each member keeps at least min(owned, N / M). At the
    /// end: every partition has exactly one owner and loads differ by at most one, within two
    /// rounds of the change.
    func testRandomMembershipChangesConvergeWithinTwoRoundsAndNeverShareAPartition() {
        var random = SeededGenerator(seed: 0x5EED)
        for scenario in 0..<300 {
            let partitionCount = Int(random.next(upTo: 24)) + 1
            let memberCount = Int(random.next(upTo: 6)) + 1
            var owned: [String: [KafkaTopicPartition]] = [:]
            // A previous stable state among some members (some of whom left), then newcomers.
            var all = (0..<partitionCount).map { KafkaTopicPartition("t", Int32($0)) }
            all.shuffle(using: &random)
            let previousMembers = (0..<Int(random.next(upTo: 6)) + 1).map { "old-\($0)" }
            for (index, partition) in all.enumerated() where random.next(upTo: 4) != 0 {
                owned[previousMembers[index % previousMembers.count], default: []].append(partition)
            }
            let members = (0..<memberCount).map { index in
                index < previousMembers.count && random.next(upTo: 3) != 0 ? previousMembers[index] : "new-\(scenario)-\(index)"
            }
            var current: [String: [KafkaTopicPartition]] = [:]
            for name in Set(members) { current[name] = owned[name] ?? [] }
            var rounds = 0
            while true {
                rounds += 1
                let subscriptions = current.mapValues { member(["t"], owns: $0, generation: Int32(rounds)) }
                let result = assignor.assign(members: subscriptions, partitionCounts: ["t": partitionCount])
                let quota = partitionCount / current.count
                for (name, partitions) in result {
                    for partition in partitions {
                        let otherOwner = current.first { $0.key != name && $0.value.contains(partition) }
                        XCTAssertNil(otherOwner, "scenario \(scenario) round \(rounds): \(partition) to \(name) while \(otherOwner?.key ?? "") owns it")
                    }
                    let kept = Set(current[name] ?? []).intersection(partitions).count
                    XCTAssertGreaterThanOrEqual(kept, Swift.min(current[name]?.count ?? 0, quota), "scenario \(scenario): \(name) kept too little")
                }
                let revokedAny = current.contains { name, partitions in !Set(partitions).isSubset(of: result[name] ?? []) }
                current = result
                if !revokedAny { break }
                XCTAssertLessThan(rounds, 2, "scenario \(scenario): still moving after round \(rounds)")
                if rounds >= 2 { break }
            }
            let final = current.values.flatMap { $0 }
            XCTAssertEqual(final.sorted(), (0..<partitionCount).map { KafkaTopicPartition("t", Int32($0)) }, "scenario \(scenario)")
            let loads = current.values.map(\.count)
            XCTAssertLessThanOrEqual((loads.max() ?? 0) - (loads.min() ?? 0), 1, "scenario \(scenario): loads \(loads)")
        }
    }

    func testSubscriptionMetadataCarriesOwnershipBothWays() throws {
        let owned = tp("t", 2, 0) + tp("a", 1)
        let bytes = try KafkaGroupSubscriptionCodec.encode(topics: ["t", "a"], assignor: .cooperativeSticky, owned: owned, generation: 7)
        XCTAssertEqual(try KafkaConsumerProtocol.decodeSubscription(bytes).version, 3)
        XCTAssertEqual(KafkaGroupSubscriptionCodec.decode(bytes),
                       KafkaGroupSubscription(topics: ["t", "a"], ownedPartitions: tp("a", 1) + tp("t", 0, 2), generation: 7))
        // Eager assignors keep sending version 0 with topics only.
        let eager = try KafkaGroupSubscriptionCodec.encode(topics: ["t"], assignor: .range, owned: owned, generation: 7)
        XCTAssertEqual(try KafkaConsumerProtocol.decodeSubscription(eager).version, 0)
        XCTAssertEqual(KafkaGroupSubscriptionCodec.decode(eager), KafkaGroupSubscription(topics: ["t"]))
    }

    /// librdkafka writes a version 1 subscription with the generation only in its sticky user
    /// data; Java's CooperativeStickyAssignor puts a bare 4-byte generation there.
    func testOwnershipFromOtherClientsUserData() throws {
        var subscription = ConsumerProtocolSubscription()
        subscription.topics = ["t"]
        subscription.ownedPartitions = [.init(topic: "t", partitions: [3])]
        subscription.userData = StickyAssignorUserData(previousAssignment: [.init(topic: "t", partitions: [3])], generation: 9).encoded()
        let librdkafka = try KafkaConsumerProtocol.encode(subscription, version: 1)
        XCTAssertEqual(KafkaGroupSubscriptionCodec.decode(librdkafka), KafkaGroupSubscription(topics: ["t"], ownedPartitions: tp("t", 3), generation: 9))
        subscription.userData = [0, 0, 0, 4]
        let java = try KafkaConsumerProtocol.encode(subscription, version: 1)
        XCTAssertEqual(KafkaGroupSubscriptionCodec.decode(java)?.generation, 4)
        // A version 0 sticky member says what it owns only in the user data.
        var old = ConsumerProtocolSubscription()
        old.topics = ["t"]
        old.userData = StickyAssignorUserData(previousAssignment: [.init(topic: "t", partitions: [1, 2])], generation: 3).encoded()
        XCTAssertEqual(KafkaGroupSubscriptionCodec.decode(try KafkaConsumerProtocol.encode(old, version: 0)),
                       KafkaGroupSubscription(topics: ["t"], ownedPartitions: tp("t", 1, 2), generation: 3))
    }

    func testStickyUserDataRejectsWhatItCannotRead() {
        XCTAssertEqual(StickyAssignorUserData.decode(StickyAssignorUserData(previousAssignment: [], generation: 2).encoded())?.generation, 2)
        // Version 0: the assignment without a generation.
        XCTAssertEqual(StickyAssignorUserData.decode([0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 5]),
                       StickyAssignorUserData(previousAssignment: [.init(topic: "t", partitions: [5])], generation: -1))
        XCTAssertNil(StickyAssignorUserData.decode([0x7F, 0xFF, 0xFF, 0xFF, 0, 0]), "a topic count beyond the bytes")
        XCTAssertNil(StickyAssignorUserData.decode([0, 0, 0, 1, 0, 1, 0x74, 0x7F, 0xFF, 0xFF, 0xFF]), "a partition count beyond the bytes")
        XCTAssertNil(StickyAssignorUserData.decode([0, 0, 0, 0, 0, 0, 0, 1, 9]), "bytes left over")
        XCTAssertNil(StickyAssignorUserData.decode([1, 2]))
    }
}

