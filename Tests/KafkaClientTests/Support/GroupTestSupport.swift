@testable import KafkaClient

/// A group member for the tests on Tansu: its own connections (as a separate process would
/// have), a short session (Tansu waits half of it before completing a join), commits every
/// 200 ms, and its rebalance events noted in `collector` under `name`.
func makeGroupConsumer(_ tansu: TansuFixture, group: String, topic: String, assignor: KafkaPartitionAssignor,
                       name: String, collector: Collector, sessionTimeout: Duration = .seconds(6),
                       instanceId: String? = nil) throws -> KafkaConsumer {
    var configuration = KafkaConsumerConfiguration(groupId: group, topics: [topic], assignor: assignor,
                                                   sessionTimeout: sessionTimeout, heartbeatInterval: .milliseconds(300))
    configuration.groupInstanceId = instanceId
    configuration.autoCommitInterval = .milliseconds(200)
    configuration.onRebalance = { event in await collector.note(name, event) }
    return KafkaConsumer(cluster: try tansu.cluster(), configuration: configuration)
}

/// Polls until cancelled, handing every record to `collector`.
func pollForever(_ consumer: KafkaConsumer, into collector: Collector) -> Task<Void, Never> {
    Task { while !Task.isCancelled { await collector.add((try? await consumer.poll(timeout: .milliseconds(200))) ?? []) } }
}

/// A producer that remembers where every record it sent landed ("partition/offset").
actor ProducedFeed {
    private let producer: KafkaProducer
    private let topic: String
    private var next = 0
    private(set) var positions: Set<String> = []

    init(cluster: KafkaCluster, topic: String) throws {
        producer = try KafkaProducer(cluster: cluster)
        self.topic = topic
    }

    func produce(_ count: Int) async throws {
        for _ in 0..<count { try await sendOne() }
    }

    func produceSlowly(_ count: Int, every interval: Duration) async throws {
        for _ in 0..<count {
            try await sendOne()
            try await Task.sleep(for: interval)
        }
    }

    private func sendOne() async throws {
        next += 1
        let delivery = try await producer.send(topic: topic, key: Array("key-\(next)".utf8), value: Array("value-\(next)".utf8))
        positions.insert("\(delivery.partition)/\(delivery.offset)")
    }

    func close() async throws { try await producer.close() }
}
