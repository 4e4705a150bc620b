import KafkaProtocol
import XCTest
@testable import KafkaClient

final class AssignorAndPartitionerTests: XCTestCase {
    private func tp(_ topic: String, _ partitions: Int32...) -> [KafkaTopicPartition] { partitions.map { KafkaTopicPartition(topic, $0) } }

    /// Kafka's RangeAssignor javadoc example: two consumers, two topics of three partitions.
    func testRangeMatchesKafkasExample() {
        let result = KafkaPartitionAssignor.range.assign(
            subscriptions: ["C0": ["t0", "t1"], "C1": ["t0", "t1"]], partitionCounts: ["t0": 3, "t1": 3])
        XCTAssertEqual(result["C0"], tp("t0", 0, 1) + tp("t1", 0, 1))
        XCTAssertEqual(result["C1"], tp("t0", 2) + tp("t1", 2))
    }

    /// Kafka's RoundRobinAssignor javadoc example, same input.
    func testRoundRobinMatchesKafkasExample() {
        let result = KafkaPartitionAssignor.roundRobin.assign(
            subscriptions: ["C0": ["t0", "t1"], "C1": ["t0", "t1"]], partitionCounts: ["t0": 3, "t1": 3])
        XCTAssertEqual(result["C0"], tp("t0", 0, 2) + tp("t1", 1))
        XCTAssertEqual(result["C1"], tp("t0", 1) + tp("t1", 0, 2))
    }

    /// The javadoc's second round-robin example: unequal subscriptions.
    func testRoundRobinWithUnequalSubscriptions() {
        let result = KafkaPartitionAssignor.roundRobin.assign(
            subscriptions: ["C0": ["t0"], "C1": ["t0", "t1"], "C2": ["t0", "t1", "t2"]],
            partitionCounts: ["t0": 1, "t1": 2, "t2": 3])
        XCTAssertEqual(result["C0"], tp("t0", 0))
        XCTAssertEqual(result["C1"], tp("t1", 0))
        XCTAssertEqual(result["C2"], tp("t1", 1) + tp("t2", 0, 1, 2))
    }

    func testEveryPartitionAssignedExactlyOnce() {
        for assignor in KafkaPartitionAssignor.allCases {
            for members in 1...5 {
                var subscriptions: [String: [String]] = [:]
                for m in 0..<members { subscriptions["member-\(m)"] = ["a", "b"] }
                let result = assignor.assign(subscriptions: subscriptions, partitionCounts: ["a": 7, "b": 4])
                let all = result.values.flatMap { $0 }
                XCTAssertEqual(all.count, 11, "\(assignor) with \(members)")
                XCTAssertEqual(Set(all).count, 11, "\(assignor) with \(members)")
                let sizes = result.values.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, assignor == .roundRobin ? 1 : 2)
            }
        }
    }

    func testStickyPartitionForNullKeysChangesWhenItsBatchCloses() {
        let sequence = LockedSequence([2, 0, 1, 3])
        var chooser = KafkaPartitionChooser(random: { bound in sequence.next() % bound })
        XCTAssertEqual(chooser.partition(topic: "t", key: nil, partitionCount: 4), 2)
        XCTAssertEqual(chooser.partition(topic: "t", key: nil, partitionCount: 4), 2, "sticky until the batch closes")
        chooser.batchClosed(topic: "t", partition: 1, partitionCount: 4)
        XCTAssertEqual(chooser.partition(topic: "t", key: nil, partitionCount: 4), 2, "another partition's batch does not move it")
        chooser.batchClosed(topic: "t", partition: 2, partitionCount: 4)
        // random(3) gave 0: partitions other than 2 are [0, 1, 3], so 0.
        XCTAssertEqual(chooser.partition(topic: "t", key: nil, partitionCount: 4), 0)
        chooser.batchClosed(topic: "t", partition: 0, partitionCount: 4)
        // random(3) gave 1 -> skipping 0 gives 2.
        XCTAssertEqual(chooser.partition(topic: "t", key: nil, partitionCount: 4), 2)
        // Keyed records follow murmur2 whatever the sticky choice.
        XCTAssertEqual(chooser.partition(topic: "t", key: Array("hello".utf8), partitionCount: 4),
                       Int32(KafkaPartitioner.partition(forKey: Array("hello".utf8), partitionCount: 4)!))
    }
}

/// A fixed sequence of "random" numbers for the sticky partitioner.
final class LockedSequence: @unchecked Sendable {
    private var values: [Int]
    private var index = 0
    init(_ values: [Int]) { self.values = values }
    func next() -> Int {
        defer { index += 1 }
        return values[index % values.count]
    }
}
