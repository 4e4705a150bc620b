import KafkaClient
import KafkaProtocol
import XCTest

/// The consumer sends its next fetch from the batch headers of the last answer, before decoding
/// it. Over many batches, every record must come once and in order, and a seek or a pause while
/// fetches are ahead must drop them: what follows starts exactly at the new position.
final class TansuFetchAheadTests: XCTestCase {
    func testManyBatchesArriveOnceInOrderAndASeekDropsTheFetchesAhead() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("ahead", partitions: 2, on: cluster)
        // 3000 records of 2 KiB per partition, 6 MB: more than one fetch answer holds (Tansu sends at
        // most 5 MiB), in batches of about 32.
        var configuration = KafkaProducerConfiguration(acks: .leader, linger: .milliseconds(1), batchBytes: 64 * 1024)
        configuration.bufferedRecords = 10_000
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        for i in 0..<3000 {
            for partition: Int32 in [0, 1] {
                try await producer.enqueue(topic: topic, value: Self.value(partition, i), partition: partition)
            }
        }
        try await producer.flush()
        let p0 = KafkaTopicPartition(topic, 0), p1 = KafkaTopicPartition(topic, 1)

        var consumerConfiguration = KafkaConsumerConfiguration(groupId: nil, topics: [topic])
        // Small answers, so that many fetches chain one after another.
        consumerConfiguration.fetchMaxBytes = 256 * 1024
        consumerConfiguration.partitionMaxBytes = 128 * 1024
        let consumer = KafkaConsumer(cluster: cluster, configuration: consumerConfiguration)
        try await consumer.assign([p0, p1])

        var offsets: [Int32: [Int64]] = [0: [], 1: []]
        while (offsets[0]?.count ?? 0) < 1500 {
            let batch = try await consumer.poll(timeout: .seconds(5))
            XCTAssertFalse(batch.isEmpty, "records stopped coming")
            if batch.isEmpty { break }
            for message in batch {
                offsets[message.partition, default: []].append(message.offset)
                XCTAssertEqual(message.value, Self.value(message.partition, Int(message.offset)))
            }
        }
        for partition: Int32 in [0, 1] {
            let seen = offsets[partition] ?? []
            XCTAssertEqual(seen, Array(0..<Int64(seen.count)), "partition \(partition) before the seek: once each, in order")
        }

        // Fetches are ahead now; a seek back on p0 and a pause of p1 must discard them.
        try await consumer.seek(p0, to: 100)
        await consumer.pause([p1])
        var afterSeek: [Int64] = []
        while afterSeek.count < 2900 {
            let batch = try await consumer.poll(timeout: .seconds(5))
            XCTAssertFalse(batch.isEmpty, "records stopped coming after the seek")
            if batch.isEmpty { break }
            XCTAssertTrue(batch.allSatisfy { $0.partition == 0 }, "p1 is paused")
            afterSeek += batch.map(\.offset)
        }
        XCTAssertEqual(afterSeek, Array(100..<3000), "p0 from the seek: once each, in order")

        // p1 goes on from where it was handed out.
        let handedOut = Int64(offsets[1]?.count ?? 0)
        await consumer.resume([p1])
        var rest: [Int64] = []
        while rest.count < 3000 - Int(handedOut) {
            let batch = try await consumer.poll(timeout: .seconds(5))
            XCTAssertFalse(batch.isEmpty, "records stopped coming after the resume")
            if batch.isEmpty { break }
            rest += batch.filter { $0.partition == 1 }.map(\.offset)
        }
        XCTAssertEqual(rest, Array(handedOut..<3000), "p1 after the resume: once each, in order")
        await consumer.close()
        try await producer.close()
        await cluster.close()
    }

    /// A 2 KiB value that names its partition and offset.
    private static func value(_ partition: Int32, _ index: Int) -> [UInt8] {
        let label = Array("p\(partition)-\(index)|".utf8)
        return label + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 2048 - label.count)
    }
}
