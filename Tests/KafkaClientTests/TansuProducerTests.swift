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

final class TansuProducerOptionsTests: XCTestCase {
    /// A buffer of three records: enqueue waits for room instead of failing or deadlocking.
    func testBackpressureWithATinyBufferDeliversEverything() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("backpressure", partitions: 2, on: cluster)
        var configuration = KafkaProducerConfiguration(linger: .milliseconds(1))
        configuration.bufferedRecords = 3
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        for i in 0..<200 { try await producer.enqueue(topic: topic, value: Array("r\(i)".utf8)) }
        try await producer.flush()
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
        try await consumer.assign([KafkaTopicPartition(topic, 0), KafkaTopicPartition(topic, 1)])
        let received = try await consume(consumer, count: 200)
        XCTAssertEqual(Set(received.compactMap(\.value)), Set((0..<200).map { Array("r\($0)".utf8) }))
        await consumer.close()
        try await producer.close()
        await cluster.close()
    }

    /// Several small batches of one partition in flight at once: all arrive, in order.
    func testSeveralBatchesInFlightPerPartition() async throws {
        try await produceFiveDeep(idempotent: false)
    }

    /// The same with the idempotent producer: in order, at consecutive offsets from 0.
    func testSeveralIdempotentBatchesInFlightPerPartition() async throws {
        try await produceFiveDeep(idempotent: true)
    }

    private func produceFiveDeep(idempotent: Bool) async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic(idempotent ? "inflight-idempotent" : "inflight", partitions: 1, on: cluster)
        var configuration = KafkaProducerConfiguration(linger: .milliseconds(1), batchBytes: 2_000, idempotent: idempotent)
        configuration.maxInFlightPerPartition = 5
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        for i in 0..<2_000 { try await producer.enqueue(topic: topic, value: Array("m\(i)".utf8)) }
        try await producer.flush()
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
        try await consumer.assign([KafkaTopicPartition(topic, 0)])
        let received = try await consume(consumer, count: 2_000)
        XCTAssertEqual(received.map(\.value), (0..<2_000).map { Array("m\($0)".utf8) })
        XCTAssertEqual(received.map(\.offset), (0..<2_000).map(Int64.init))
        await consumer.close()
        try await producer.close()
        await cluster.close()
    }

    /// A topic that does not exist fails the send once the retry budget is spent, and gives back
    /// the buffer room (a one-record buffer still takes the next record).
    func testSendToAMissingTopicFailsAsUnknown() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster(retryTimeout: .seconds(1))
        var configuration = KafkaProducerConfiguration()
        configuration.bufferedRecords = 1
        configuration.deliveryTimeout = .seconds(3)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        for _ in 0..<2 {
            do {
                _ = try await producer.send(topic: "missing-\(UInt32.random(in: 0...UInt32.max))", value: [1])
                XCTFail("a send to a missing topic succeeded")
            } catch {
                XCTAssertEqual(error.code, .unknownTopicOrPartition)
                XCTAssertEqual(error.brokerError, .unknownTopicOrPartition)
            }
        }
        let topic = try await tansu.createTopic("after-missing", partitions: 1, on: cluster)
        let delivery = try await producer.send(topic: topic, value: [2])
        XCTAssertEqual(delivery.offset, 0)
        try await producer.close()
        await cluster.close()
    }

    /// acks=0: no response is read, offsets are unknown, and the records still arrive.
    func testAcksNoneDeliversWithoutOffsets() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("acks0", partitions: 1, on: cluster)
        let producer = try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(acks: .none))
        for i in 0..<10 {
            let delivery = try await producer.send(topic: topic, value: Array("a\(i)".utf8))
            XCTAssertEqual(delivery.offset, -1)
        }
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
        try await consumer.assign([KafkaTopicPartition(topic, 0)])
        let received = try await consume(consumer, count: 10)
        XCTAssertEqual(received.map(\.offset), Array(0..<10))
        await consumer.close()
        try await producer.close()
        await cluster.close()
    }

    /// seek, pause and resume, `latest` reset, manual commit and the AsyncSequence of records.
    func testSeekPauseResumeLatestAndMessagesSequence() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("seek", partitions: 2, on: cluster)
        let producer = try KafkaProducer(cluster: cluster)
        for i in 0..<10 { _ = try await producer.send(topic: topic, value: Array("p0-\(i)".utf8), partition: 0) }
        for i in 0..<10 { _ = try await producer.send(topic: topic, value: Array("p1-\(i)".utf8), partition: 1) }
        let p0 = KafkaTopicPartition(topic, 0), p1 = KafkaTopicPartition(topic, 1)

        // latest: nothing old; a record sent afterwards arrives.
        let latest = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(
            groupId: nil, topics: [topic], autoOffsetReset: .latest))
        try await latest.assign([p0])
        let old = try await latest.poll(timeout: .milliseconds(300))
        XCTAssertEqual(old, [])
        _ = try await producer.send(topic: topic, value: Array("p0-new".utf8), partition: 0)
        let fresh = try await consume(latest, count: 1)
        XCTAssertEqual(fresh.map(\.value), [Array("p0-new".utf8)])
        await latest.close()

        let group = "seek-\(UInt32.random(in: 0...UInt32.max))"
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(
            groupId: group, topics: [topic], autoCommit: false, sessionTimeout: .seconds(6)))
        var iterator = consumer.messages.makeAsyncIterator()
        var seen: [KafkaConsumerMessage] = []
        while seen.count < 21, let message = try await iterator.next() { seen.append(message) }
        XCTAssertEqual(Set(seen.map(\.value)), Set(((0..<10).map { "p0-\($0)" } + ["p0-new"] + (0..<10).map { "p1-\($0)" })
            .map { Optional(Array($0.utf8)) }))

        await consumer.pause([p1])
        try await consumer.seek(p0, to: 3)
        try await consumer.seek(p1, to: 0)
        let afterSeek = try await consume(consumer, count: 8, seconds: 3)
        XCTAssertEqual(afterSeek.map(\.offset), Array(3..<11), "only p0 from 3: p1 is paused")
        XCTAssertTrue(afterSeek.allSatisfy { $0.partition == 0 })
        await consumer.resume([p1])
        let resumed = try await consume(consumer, count: 10)
        XCTAssertEqual(resumed.map(\.offset), Array(0..<10))
        XCTAssertTrue(resumed.allSatisfy { $0.partition == 1 })

        try await consumer.commit([p0: 5, p1: 7])
        let committed = try await consumer.fetchCommitted([p0, p1])
        XCTAssertEqual(committed, [p0: 5, p1: 7])
        await consumer.close()
        try await producer.close()
        await cluster.close()
    }
}
