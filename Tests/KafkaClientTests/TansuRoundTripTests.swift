import KafkaProtocol
import XCTest
@testable import KafkaClient

/// Produce and consume through Tansu with every codec, keys and headers.
final class TansuRoundTripTests: XCTestCase {
    func testEveryCodecRoundTripsKeysValuesAndHeaders() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        for codec: KafkaCompression in [.none, .gzip, .snappy, .lz4] {
            let topic = try await tansu.createTopic("codec-\(codec)", partitions: 2, on: cluster)
            let producer = try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(compression: codec))
            var sent: [String: ([UInt8]?, [KafkaRecordHeader])] = [:]
            for i in 0..<300 {
                let key: [UInt8]? = i % 7 == 0 ? nil : Array("key-\(i % 13)".utf8)
                let value = Array("value \(i) ".utf8) + Array(repeating: UInt8(i % 251), count: i % 50)
                let headers = i % 3 == 0 ? [] : [KafkaRecordHeader(key: "h1", value: Array("\(i)".utf8)),
                                                 KafkaRecordHeader(key: "null-header", value: nil)]
                try await producer.enqueue(topic: topic, key: key, value: value, headers: headers)
                sent[String(decoding: value, as: UTF8.self)] = (key, headers)
            }
            try await producer.flush()
            let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
            try await consumer.assign([KafkaTopicPartition(topic, 0), KafkaTopicPartition(topic, 1)])
            let received = try await consume(consumer, count: 300)
            XCTAssertEqual(received.count, 300, "codec \(codec)")
            for message in received {
                let value = String(decoding: message.value ?? [], as: UTF8.self)
                guard let (key, headers) = sent[value] else { XCTFail("unexpected value \(value)"); continue }
                XCTAssertEqual(message.key, key, "codec \(codec)")
                XCTAssertEqual(message.headers, headers, "codec \(codec)")
                if let key { XCTAssertEqual(Int(message.partition), KafkaPartitioner.partition(forKey: key, partitionCount: 2)) }
            }
            for partition in [Int32(0), 1] {
                let offsets = received.filter { $0.partition == partition }.map(\.offset)
                XCTAssertEqual(offsets, offsets.sorted(), "offsets in order, codec \(codec)")
                XCTAssertEqual(Set(offsets).count, offsets.count, "no duplicates, codec \(codec)")
            }
            // At the end of the log polls stay empty (no reset to the start: the high watermark
            // Tansu reports after batched produces is checked here too).
            for _ in 0..<3 {
                let extra = try await consumer.poll(timeout: .milliseconds(200))
                XCTAssertEqual(extra.count, 0, "codec \(codec): records again at the end of the log")
            }
            await consumer.close()
            try await producer.close()
            print("kafka codec \(codec): 300 records round-tripped")
        }
        await cluster.close()
    }

    func testZstdIsRefusedNamingTheCodec() throws {
        let cluster = try KafkaCluster(bootstrapServers: "127.0.0.1:1")
        XCTAssertThrowsError(try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(compression: .zstd))) { error in
            let kafkaError = error as? KafkaError
            XCTAssertEqual(kafkaError?.code, .unsupportedCompression)
            XCTAssertTrue(kafkaError?.message.contains("zstd") ?? false)
        }
    }

    func testIdempotentProducerSendsSequencedBatches() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("idempotent", partitions: 1, on: cluster)
        var configuration = KafkaProducerConfiguration(acks: .all, idempotent: true)
        configuration.linger = .milliseconds(2)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        var offsets: [Int64] = []
        for round in 0..<5 {
            try await withThrowingTaskGroup(of: KafkaDelivery.self) { group in
                for i in 0..<50 { group.addTask { try await producer.send(topic: topic, value: Array("r\(round)-\(i)".utf8)) } }
                for try await delivery in group { offsets.append(delivery.offset) }
            }
        }
        let identity = await producer.producerIdentity
        XCTAssertGreaterThanOrEqual(identity.id, 0)
        XCTAssertGreaterThanOrEqual(identity.epoch, 0)
        XCTAssertEqual(Set(offsets).count, 250)
        // The batches in the log carry the producer id and consecutive sequence numbers.
        let leader = try await cluster.leader(for: KafkaTopicPartition(topic, 0))
        var fetch = FetchRequest()
        fetch.replicaId = -1
        fetch.maxWaitMs = 100
        fetch.minBytes = 1
        fetch.maxBytes = 10 << 20
        var partition = FetchRequest.FetchPartition()
        partition.partition = 0
        partition.fetchOffset = 0
        partition.partitionMaxBytes = 10 << 20
        fetch.topics = [FetchRequest.FetchTopic(topic: topic, partitions: [partition])]
        let response = try await cluster.send(fetch, to: leader, purpose: .fetch)
        let records = try KafkaRecordSet.decode(response.responses[0].partitions[0].records ?? [])
        var expectedSequence: Int32 = 0
        var total = 0
        for case .batch(let batch) in records.entries {
            XCTAssertEqual(batch.producerId, identity.id)
            XCTAssertEqual(batch.producerEpoch, identity.epoch)
            XCTAssertEqual(batch.baseSequence, expectedSequence)
            expectedSequence += Int32(batch.records.count)
            total += batch.records.count
        }
        XCTAssertEqual(total, 250)
        try await producer.close()
        await cluster.close()
    }
}
