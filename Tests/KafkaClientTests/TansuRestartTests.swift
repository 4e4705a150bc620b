import PeerTestSupport
import Foundation
import KafkaProtocol
import XCTest
@testable import KafkaClient

/// A broker restart (`tools/peers restart kafka`) survived: the producer and consumer
/// reconnect and go on. Tansu keeps its data in memory, so the topic is created again and
/// the consumer, whose position is now past the end of the new log, resets to the earliest.
final class TansuRestartTests: XCTestCase {
    func testProducerAndConsumerSurviveABrokerRestart() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster(retryTimeout: .seconds(60))
        let admin = KafkaAdmin(cluster: cluster)
        let topic = try await tansu.createTopic("restart", partitions: 2, on: cluster)
        let producer = try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(acks: .all, idempotent: true))
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
        try await consumer.assign([KafkaTopicPartition(topic, 0), KafkaTopicPartition(topic, 1)])
        let group = "restart-\(UInt32.random(in: 0...UInt32.max))"
        let member = KafkaConsumer(cluster: try tansu.cluster(retryTimeout: .seconds(60)), configuration: KafkaConsumerConfiguration(
            groupId: group, topics: [topic], sessionTimeout: .seconds(6), heartbeatInterval: .milliseconds(300)))
        for i in 0..<50 { _ = try await producer.send(topic: topic, key: Array("k\(i)".utf8), value: Array("before-\(i)".utf8)) }
        let before = try await consume(consumer, count: 50)
        XCTAssertEqual(before.count, 50)
        let memberBefore = try await consume(member, count: 50)
        XCTAssertEqual(memberBefore.count, 50)

        try restartKafka(tansu.env)
        try await admin.createTopic(topic, partitions: 2)

        var deliveries: [KafkaDelivery] = []
        for i in 0..<20 {
            deliveries.append(try await producer.send(topic: topic, key: Array("k\(i)".utf8), value: Array("after-\(i)".utf8)))
        }
        XCTAssertEqual(deliveries.count, 20)
        let after = try await consume(consumer, count: 20)
        XCTAssertEqual(Set(after.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }),
                       Set((0..<20).map { "after-\($0)" }))
        // The group member rejoins a coordinator that has forgotten the group, and reads the new log.
        let memberAfter = try await consume(member, count: 20, seconds: 60)
        XCTAssertEqual(Set(memberAfter.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }),
                       Set((0..<20).map { "after-\($0)" }))
        await member.close()
        try await producer.close()
        await consumer.close()
        await cluster.close()
    }
}

/// Restarts the harness's Kafka peer on the same port.
func restartKafka(_ env: PeerEnvironment) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try env.require("SWITCHYARD_PEERS_TOOL"))
    process.arguments = ["restart", "kafka"]
    var environment = ProcessInfo.processInfo.environment
    environment["SWITCHYARD_PEERS_STATE"] = try env.require("SWITCHYARD_PEERS_STATE")
    process.environment = environment
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "tools/peers restart kafka failed")
}
