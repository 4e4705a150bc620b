import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Topic and group administration against Tansu.
final class TansuAdminTests: XCTestCase {
    func testCreateListDescribeDeleteTopicsAndDescribeGroups() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let admin = KafkaAdmin(cluster: cluster)
        let name = "admin-\(UInt32.random(in: 0...UInt32.max))"
        try await admin.createTopic(name, partitions: 3)
        do {
            try await admin.createTopic(name, partitions: 3)
            XCTFail("creating an existing topic succeeded")
        } catch {
            XCTAssertEqual(error.brokerError, .topicAlreadyExists)
        }
        try await admin.createTopic(name, partitions: 3, ifNotExists: true)
        let topics = try await admin.listTopics()
        XCTAssertTrue(topics.contains(name))
        let described = try await admin.describeTopics([name])
        XCTAssertEqual(described.first?.partitions.map(\.partition), [0, 1, 2])
        XCTAssertTrue(described.first?.partitions.allSatisfy { $0.leader >= 0 } ?? false)

        // A group with one member of ours.
        let group = "admin-group-\(UInt32.random(in: 0...UInt32.max))"
        let consumer = KafkaConsumer(cluster: try tansu.cluster(), configuration: KafkaConsumerConfiguration(
            groupId: group, topics: [name], assignor: .roundRobin, sessionTimeout: .seconds(6), heartbeatInterval: .milliseconds(300)))
        try await waitUntil(seconds: 30, "the consumer holds the partitions") {
            _ = try await consumer.poll(timeout: .milliseconds(100))
            return await consumer.assignment.count == 3
        }
        // Tansu lists a group once it has committed offsets.
        try await consumer.commit((0..<3).reduce(into: [:]) { $0[KafkaTopicPartition(name, $1)] = 0 })
        let groups = try await admin.listGroups()
        XCTAssertTrue(groups.contains { $0.groupId == group && $0.protocolType == "consumer" }, "\(groups)")
        let description = try await admin.describeGroups([group])
        XCTAssertEqual(description.count, 1)
        XCTAssertEqual(description.first?.groupId, group)
        XCTAssertEqual(description.first?.state, "Stable")
        XCTAssertEqual(description.first?.protocolType, "consumer")
        let memberId = await consumer.memberId
        XCTAssertEqual(description.first?.members.map(\.memberId), [memberId].compactMap { $0 })
        // Tansu 0.6 leaves the protocol name and the member metadata and assignment empty, so the
        // assignment decoding is checked on bytes of our own below.
        await consumer.close()

        try await admin.deleteTopics([name])
        let after = try await admin.listTopics()
        XCTAssertFalse(after.contains(name))
        await cluster.close()
    }

    func testMemberAssignmentDecoding() throws {
        var assignment = ConsumerProtocolAssignment()
        assignment.assignedPartitions = [.init(topic: "b", partitions: [2, 0]), .init(topic: "a", partitions: [1])]
        for version: Int16 in [0, 1, 3] {
            let bytes = try KafkaConsumerProtocol.encode(assignment, version: version)
            XCTAssertEqual(KafkaAdmin.partitions(ofAssignment: bytes),
                           [KafkaTopicPartition("a", 1), KafkaTopicPartition("b", 0), KafkaTopicPartition("b", 2)])
        }
        XCTAssertEqual(KafkaAdmin.partitions(ofAssignment: []), [])
        XCTAssertEqual(KafkaAdmin.partitions(ofAssignment: [0, 0, 0]), [])
    }
}
