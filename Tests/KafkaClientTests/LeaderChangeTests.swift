import KafkaProtocol
import WireCore
import XCTest
@testable import KafkaClient

/// A leader change between two fake brokers: the first answers Produce with
/// NOT_LEADER_OR_FOLLOWER and from then on metadata names the second, which takes the batch.
final class LeaderChangeTests: XCTestCase {
    actor Cluster {
        var ports: [Int32: Int] = [:]
        var leader: Int32 = 1
        var produceCalls: [Int32: Int] = [:]
        var metadataCalls = 0
        func setPort(_ id: Int32, _ port: Int) { ports[id] = port }
        /// A Produce or Fetch reached broker `id`: true if it leads (the first steps down on first use).
        func produced(on id: Int32) -> Bool {
            produceCalls[id, default: 0] += 1
            if id != leader { return false }
            if id == 1 { leader = 2; return false }   // the first broker steps down on first use
            return true
        }
        func metadata() -> MetadataResponse {
            metadataCalls += 1
            var response = MetadataResponse()
            response.brokers = ports.sorted { $0.key < $1.key }.map { .init(nodeId: $0.key, host: "127.0.0.1", port: Int32($0.value)) }
            var partition = MetadataResponse.MetadataResponsePartition()
            partition.leaderId = leader
            response.topics = [MetadataResponse.MetadataResponseTopic(name: "t", partitions: [partition])]
            return response
        }
    }

    /// Brokers 1 and 2, both answering Metadata from `state` (registered with their ports) and
    /// the rest with `answer(id, request, version, correlation id)`.
    private func startBrokers(_ state: Cluster,
                              answer: @escaping @Sendable (Int32, FakeBroker.Request, Int16, Int32) async -> [[UInt8]])
        async throws -> [FakeBroker] {
        var brokers: [FakeBroker] = []
        for id: Int32 in [1, 2] {
            let broker = try FakeBroker { request in
                let version = request.header.requestApiVersion
                let correlation = request.header.correlationId
                if request.header.requestApiKey == MetadataRequest.apiKey {
                    return [(try? MetadataRequest.frameResponse(await state.metadata(), version: version, correlationId: correlation)) ?? []]
                }
                return await answer(id, request, version, correlation)
            }
            await state.setPort(id, broker.address.port)
            brokers.append(broker)
        }
        return brokers
    }

    func testProducerFollowsTheNewLeader() async throws {
        let state = Cluster()
        let brokers = try await startBrokers(state) { id, request, version, correlation in
            guard request.header.requestApiKey == ProduceRequest.apiKey else { return [] }
            let accepted = await state.produced(on: id)
            var partition = ProduceResponse.PartitionProduceResponse()
            partition.errorCode = accepted ? 0 : KafkaErrorCode.notLeaderOrFollower.rawValue
            partition.baseOffset = accepted ? 7 : -1
            var response = ProduceResponse()
            response.responses = [.init(name: "t", partitionResponses: [partition])]
            return [(try? ProduceRequest.frameResponse(response, version: version, correlationId: correlation)) ?? []]
        }
        defer { brokers.forEach { $0.stop() } }

        let cluster = KafkaCluster(bootstrap: [brokers[0].address])
        var configuration = KafkaProducerConfiguration(acks: .all)
        configuration.retryBackoff = .milliseconds(10)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        let delivery = try await producer.send(topic: "t", value: Array("moved".utf8))
        XCTAssertEqual(delivery.offset, 7)
        let calls = await state.produceCalls
        XCTAssertEqual(calls, [1: 1, 2: 1], "one refused attempt on the old leader, one on the new")
        let metadataCalls = await state.metadataCalls
        XCTAssertGreaterThanOrEqual(metadataCalls, 2, "metadata was asked again after NOT_LEADER_OR_FOLLOWER")
        let leader = await cluster.cachedLeader(KafkaTopicPartition("t", 0))
        XCTAssertEqual(leader, 2)
        try await producer.close()
        await cluster.close()
    }

    /// The consumer side: the old leader answers Fetch with NOT_LEADER_OR_FOLLOWER, metadata then
    /// names the new one, which returns the records.
    func testConsumerFollowsTheNewLeader() async throws {
        let state = Cluster()
        let batch = try KafkaRecordBatch(producing: [KafkaProducerRecord(key: nil, value: Array("hello".utf8), timestamp: 1),
                                                     KafkaProducerRecord(key: nil, value: Array("world".utf8), timestamp: 2)]).encoded()
        let brokers = try await startBrokers(state) { id, request, version, correlation in
            switch request.header.requestApiKey {
            case ListOffsetsRequest.apiKey:
                var partition = ListOffsetsResponse.ListOffsetsPartitionResponse()
                partition.offset = 0
                var response = ListOffsetsResponse()
                response.topics = [.init(name: "t", partitions: [partition])]
                return [(try? ListOffsetsRequest.frameResponse(response, version: version, correlationId: correlation)) ?? []]
            case FetchRequest.apiKey:
                let accepted = await state.produced(on: id)
                var partition = FetchResponse.PartitionData()
                partition.errorCode = accepted ? 0 : KafkaErrorCode.notLeaderOrFollower.rawValue
                partition.highWatermark = accepted ? 2 : -1
                partition.records = accepted ? ByteView(batch) : []
                var response = FetchResponse()
                response.responses = [.init(topic: "t", partitions: [partition])]
                return [(try? FetchRequest.frameResponse(response, version: version, correlationId: correlation)) ?? []]
            default:
                return []
            }
        }
        defer { brokers.forEach { $0.stop() } }
        let cluster = KafkaCluster(bootstrap: [brokers[0].address])
        let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: ["t"]))
        try await consumer.assign([KafkaTopicPartition("t", 0)])
        let received = try await consume(consumer, count: 2, seconds: 10)
        XCTAssertEqual(received.map(\.value), [Array("hello".utf8), Array("world".utf8)])
        let calls = await state.produceCalls
        XCTAssertEqual(calls[1], 1, "one refused fetch on the old leader")
        let leader = await cluster.cachedLeader(KafkaTopicPartition("t", 0))
        XCTAssertEqual(leader, 2)
        await consumer.close()
        await cluster.close()
    }
}
