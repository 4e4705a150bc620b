import KafkaClient

/// Records seen by consumers running in other tasks.
actor Collector {
    private(set) var messages: [KafkaConsumerMessage] = []
    private(set) var events: [(String, KafkaRebalanceEvent)] = []

    func add(_ batch: [KafkaConsumerMessage]) { messages += batch }
    func note(_ who: String, _ event: KafkaRebalanceEvent) { events.append((who, event)) }
    var count: Int { messages.count }
    var distinctPositions: Set<String> { Set(messages.map { "\($0.partition)/\($0.offset)" }) }
}

/// Polls until `count` records arrived or `seconds` passed.
func consume(_ consumer: KafkaConsumer, count: Int, seconds: Double = 30) async throws -> [KafkaConsumerMessage] {
    var out: [KafkaConsumerMessage] = []
    let start = ContinuousClock.now
    while out.count < count && ContinuousClock.now - start < .seconds(seconds) {
        out += try await consumer.poll(timeout: .milliseconds(500))
    }
    return out
}
