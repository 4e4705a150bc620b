import KafkaProtocol
import XCTest
@testable import KafkaClient

final class TansuProducerTests: XCTestCase {
    func testSendReturnsPartitionAndConsecutiveOffsets() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("produce", partitions: 3, on: cluster)
        let producer = try KafkaProducer(cluster: cluster)
        var deliveries: [KafkaDelivery] = []
        for i in 0..<20 {
            deliveries.append(try await producer.send(topic: topic, key: Array("k\(i % 4)".utf8), value: Array("v\(i)".utf8)))
        }
        for i in 0..<20 {
            let expected = KafkaPartitioner.partition(forKey: Array("k\(i % 4)".utf8), partitionCount: 3)!
            XCTAssertEqual(deliveries[i].partition, Int32(expected))
        }
        var perPartition: [Int32: [Int64]] = [:]
        for d in deliveries { perPartition[d.partition, default: []].append(d.offset) }
        for (_, offsets) in perPartition {
            XCTAssertEqual(offsets, Array(offsets.first!..<offsets.first! + Int64(offsets.count)))
        }
        // Concurrent sends batch together.
        try await withThrowingTaskGroup(of: KafkaDelivery.self) { group in
            for i in 0..<500 { group.addTask { try await producer.send(topic: topic, value: Array("c\(i)".utf8)) } }
            var count = 0
            for try await _ in group { count += 1 }
            XCTAssertEqual(count, 500)
        }
        try await producer.close()
        await cluster.close()
    }
}
