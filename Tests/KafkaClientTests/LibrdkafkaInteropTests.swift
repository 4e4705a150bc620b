import Foundation
import KafkaProtocol
import XCTest
@testable import KafkaClient

/// What our producer writes librdkafka (confluent-kafka) reads exactly, and the reverse:
/// compressed batches, keys, null keys, headers (with null values).
final class LibrdkafkaInteropTests: XCTestCase {
    private func sampleRecords(_ count: Int) -> [(key: [UInt8]?, value: [UInt8], headers: [KafkaRecordHeader])] {
        (0..<count).map { i in
            let key: [UInt8]? = i % 5 == 0 ? nil : Array("key-\(i % 17)".utf8)
            let value = Array("value-\(i)-".utf8) + (0..<(i % 40)).map { UInt8(($0 * 7 + i) % 256) }
            let headers = i % 4 == 0 ? [] : [KafkaRecordHeader(key: "trace", value: Array("t\(i)".utf8)),
                                             KafkaRecordHeader(key: "empty", value: nil),
                                             KafkaRecordHeader(key: "trace", value: [0, 1, 2])]
            return (key, value, headers)
        }
    }

    func testLibrdkafkaReadsWhatWeProduce() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        for codec: KafkaCompression in [.none, .gzip, .snappy, .lz4] {
            let topic = try await tansu.createTopic("to-librdkafka-\(codec)", partitions: 3, on: cluster)
            let producer = try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(compression: codec))
            var expected: [String: Librdkafka.Message] = [:]
            for record in sampleRecords(120) {
                let delivery = try await producer.send(topic: topic, key: record.key, value: record.value, headers: record.headers)
                expected["\(delivery.partition)/\(delivery.offset)"] = Librdkafka.Message(
                    partition: delivery.partition, offset: delivery.offset, key: Librdkafka.hex(record.key),
                    value: Librdkafka.hex(record.value), headers: record.headers.map { [$0.key, Librdkafka.hex($0.value)] })
            }
            try await producer.close()
            let stored = try await storedCodecs(cluster, topic, partitions: 3)
            XCTAssertEqual(stored, [codec], "the broker keeps our batches as we compressed them")
            let read = try Librdkafka.run(tansu.env, ["consume", tansu.bootstrap, topic, "120"])
            XCTAssertEqual(read.filter { $0.error != nil }.map(\.error), [], "codec \(codec)")
            XCTAssertEqual(read.count, 120, "codec \(codec)")
            for message in read {
                XCTAssertEqual(message, expected["\(message.partition ?? -1)/\(message.offset ?? -1)"], "codec \(codec)")
            }
            print("kafka interop: librdkafka read \(read.count) records we produced with \(codec)")
        }
        await cluster.close()
    }

    func testWeReadWhatLibrdkafkaProduces() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        for codec in ["none", "gzip", "snappy", "lz4"] {
            let topic = try await tansu.createTopic("from-librdkafka-\(codec)", partitions: 3, on: cluster)
            let records = sampleRecords(120)
            let payload = records.map { record -> [String: Any] in
                ["key": Librdkafka.hex(record.key) as Any, "value": Librdkafka.hex(record.value)!,
                 "headers": record.headers.map { [$0.key, Librdkafka.hex($0.value) as Any] }]
            }
            let result = try Librdkafka.run(tansu.env, ["produce", tansu.bootstrap, topic, codec],
                                            stdin: try JSONSerialization.data(withJSONObject: payload))
            XCTAssertEqual(result.first?.errors, [], "codec \(codec)")
            let stored = try await storedCodecs(cluster, topic, partitions: 3)
            XCTAssertTrue(stored.contains(KafkaCompression.allCases.first { "\($0)" == codec }!), "stored batches: \(stored)")
            let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
            try await consumer.assign((0..<3).map { KafkaTopicPartition(topic, $0) })
            let received = try await consume(consumer, count: 120)
            await consumer.close()
            XCTAssertEqual(received.count, 120, "codec \(codec)")
            // librdkafka keeps per-partition order; compare per key stream and as a whole.
            let got = received.map { Librdkafka.Message(key: Librdkafka.hex($0.key), value: Librdkafka.hex($0.value),
                                                        headers: $0.headers.map { [$0.key, Librdkafka.hex($0.value)] }) }
            let want = records.map { Librdkafka.Message(key: Librdkafka.hex($0.key), value: Librdkafka.hex($0.value),
                                                        headers: $0.headers.map { [$0.key, Librdkafka.hex($0.value)] }) }
            XCTAssertEqual(Set(got.map(\.value)), Set(want.map(\.value)), "codec \(codec)")
            for message in got {
                XCTAssertEqual(message, want.first { $0.value == message.value }, "codec \(codec)")
            }
            for record in received where record.key != nil {
                XCTAssertEqual(Int(record.partition), KafkaPartitioner.partition(forKey: record.key!, partitionCount: 3),
                               "librdkafka's murmur2_random (the Java partitioner) and ours agree on keyed records")
            }
            print("kafka interop: we read \(received.count) records librdkafka produced with \(codec)")
        }
        await cluster.close()
    }

    /// librdkafka compresses only when that saves space, so the record is large and repetitive.
    func testZstdFromLibrdkafkaFailsNamingTheCodec() async throws {
        let tansu = try TansuFixture.load()
        let cluster = try tansu.cluster()
        let topic = try await tansu.createTopic("zstd", partitions: 1, on: cluster)
        let value = Array(String(repeating: "zstd please ", count: 200).utf8)
        let payload: [[String: Any]] = [["key": NSNull(), "value": Librdkafka.hex(value)!, "headers": []]]
        let result = try Librdkafka.run(tansu.env, ["produce", tansu.bootstrap, topic, "zstd"],
                                        stdin: try JSONSerialization.data(withJSONObject: payload))
        XCTAssertEqual(result.first?.errors, [])
        let codecs = try await storedCodecs(cluster, topic, partitions: 1)
        XCTAssertEqual(codecs, [.zstd], "the broker keeps librdkafka's zstd batch")
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
        try await consumer.assign([KafkaTopicPartition(topic, 0)])
        do {
            let got = try await consume(consumer, count: 1, seconds: 10)
            XCTFail("a zstd batch was read: \(got.count) records")
        } catch let error as KafkaError {
            XCTAssertEqual(error.code, .unsupportedCompression)
            XCTAssertTrue(error.message.contains("zstd"), error.message)
        }
        await consumer.close()
        await cluster.close()
    }
}

/// The compression of each batch stored in a topic's partitions, read with a raw Fetch.
func storedCodecs(_ cluster: KafkaCluster, _ topic: String, partitions: Int32) async throws -> Set<KafkaCompression> {
    var codecs: Set<KafkaCompression> = []
    for index in 0..<partitions {
        var fetch = FetchRequest()
        fetch.replicaId = -1
        fetch.maxWaitMs = 100
        fetch.minBytes = 1
        fetch.maxBytes = 8 << 20
        var partition = FetchRequest.FetchPartition()
        partition.partition = index
        partition.partitionMaxBytes = 8 << 20
        fetch.topics = [FetchRequest.FetchTopic(topic: topic, partitions: [partition])]
        let leader = try await cluster.leader(for: KafkaTopicPartition(topic, index))
        let response = try await cluster.send(fetch, to: leader, purpose: .fetch)
        let raw = response.responses.first?.partitions.first?.records ?? []
        // Read the attributes without decompressing (zstd could not be).
        var offset = 0
        while offset + 23 <= raw.count {
            let length = Int(raw[offset + 8]) << 24 | Int(raw[offset + 9]) << 16 | Int(raw[offset + 10]) << 8 | Int(raw[offset + 11])
            if let codec = KafkaCompression(rawValue: Int8(raw[offset + 22] & 0x07)) { codecs.insert(codec) }
            offset += 12 + length
        }
    }
    return codecs
}
