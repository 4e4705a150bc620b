import KafkaProtocol
import WireCore
import XCTest
@testable import KafkaClient

/// What goes into one Produce request when a partition has several batches ready at once (here
/// the batches of a failed round going out again): at most one batch per partition per request,
/// since a Kafka broker keeps one batch per partition of a request and would drop the others.
/// The fake broker fails the first Produce requests, records which partitions each request
/// carries, and stores every batch it accepts.
final class ProduceRequestShapeTests: XCTestCase {
    actor Log {
        var port = 0
        var requests: [[Int32]] = []
        var stored: [Int32: [[UInt8]]] = [:]
        func setPort(_ p: Int) { port = p }
        /// Notes the request's partitions; fails the first four requests, else stores the
        /// batches and gives the base offset each gets (one per partition, as Kafka keeps).
        func store(_ batches: [(Int32, [[UInt8]])]) -> [Int32: Int64]? {
            requests.append(batches.map(\.0))
            guard requests.count > 4 else { return nil }
            var bases: [Int32: Int64] = [:]
            for (partition, values) in batches {
                bases[partition] = Int64(stored[partition, default: []].count)
                stored[partition, default: []] += values
            }
            return bases
        }
    }

    func testARequestCarriesAtMostOneBatchPerPartition() async throws {
        let log = Log()
        let broker = try FakeBroker { request in
            switch request.header.requestApiKey {
            case MetadataRequest.apiKey:
                return [FakeBroker.metadataReply(request, topic: "t", partitions: 2, port: await log.port)]
            case ProduceRequest.apiKey:
                let batches = FakeBroker.producedBatches(request).map { ($0.partition, $0.batch.records.map { $0.value ?? [] }) }
                let bases = await log.store(batches)
                let code = bases == nil ? KafkaErrorCode.notLeaderOrFollower.rawValue : 0
                return [FakeBroker.produceReply(request, topic: "t", Set(batches.map(\.0)).sorted().map { ($0, code, bases?[$0] ?? -1) })]
            default:
                return []
            }
        }
        defer { broker.stop() }
        await log.setPort(broker.address.port)
        let cluster = KafkaCluster(bootstrap: [broker.address], retry: KafkaRetryPolicy(timeout: .seconds(10)))
        var configuration = KafkaProducerConfiguration(acks: .leader, linger: .milliseconds(1), batchBytes: 200)
        configuration.maxInFlightPerPartition = 5
        configuration.retryBackoff = .milliseconds(50)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        let values = (0..<60).map { Array("record-\($0)".utf8) + [UInt8](repeating: 0x2E, count: 40) }
        for (i, value) in values.enumerated() { try await producer.enqueue(topic: "t", value: value, partition: Int32(i % 2)) }
        try await producer.flush()
        try await producer.close()
        await cluster.close()

        let requests = await log.requests
        XCTAssertTrue(requests.dropFirst(4).contains { $0.count == 2 }, "the retried batches of both partitions share requests: \(requests)")
        for partitions in requests {
            XCTAssertEqual(partitions.count, Set(partitions).count, "a partition twice in one request: \(requests)")
        }
        // Every record stored once (a retried batch may land after a later one without idempotence).
        let stored = await log.stored
        for partition: Int32 in [0, 1] {
            let sent = values.enumerated().filter { Int32($0.offset % 2) == partition }.map(\.element)
            XCTAssertEqual(stored[partition]?.sorted { $0.lexicographicallyPrecedes($1) }, sent.sorted { $0.lexicographicallyPrecedes($1) },
                           "partition \(partition)")
        }
    }

    /// Records sent at once to a topic the producer does not know yet share one metadata lookup.
    func testConcurrentFirstSendsShareOneMetadataLookup() async throws {
        actor Count {
            var port = 0
            var metadata = 0
            func setPort(_ p: Int) { port = p }
            func asked() { metadata += 1 }
        }
        let count = Count()
        let broker = try FakeBroker { request in
            switch request.header.requestApiKey {
            case MetadataRequest.apiKey:
                await count.asked()
                try? await Task.sleep(for: .milliseconds(100))
                return [FakeBroker.metadataReply(request, topic: "t", port: await count.port)]
            case ProduceRequest.apiKey:
                let partitions = Set(FakeBroker.producedBatches(request).map(\.partition))
                return [FakeBroker.produceReply(request, topic: "t", partitions.sorted().map { ($0, 0, 0) })]
            default:
                return []
            }
        }
        defer { broker.stop() }
        await count.setPort(broker.address.port)
        let cluster = KafkaCluster(bootstrap: [broker.address], retry: KafkaRetryPolicy(timeout: .seconds(10)))
        let producer = try KafkaProducer(cluster: cluster, configuration: KafkaProducerConfiguration(acks: .leader))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: KafkaDelivery.self) { group in
            for i in 0..<40 { group.addTask { try await producer.send(topic: "t", value: Array("v\(i)".utf8)) } }
            for try await _ in group {}
        }
        let elapsed = ContinuousClock.now - start
        try await producer.close()
        await cluster.close()
        let lookups = await count.metadata
        XCTAssertEqual(lookups, 1, "metadata requests for 40 concurrent first sends")
        print("40 concurrent first sends: \(lookups) metadata request(s), \(elapsed)")
    }
}
