/// The consumer protocol lists partitions as `[topic, [partition]]` (a member's owned
/// partitions, an assignment, sticky user data); the client works with flat lists. One
/// conversion each way, for all of them.
extension Sequence where Element == KafkaTopicPartition {
    /// Topics in order, each with its partitions in order.
    func groupedByTopic() -> [(topic: String, partitions: [Int32])] {
        let byTopic = Dictionary(grouping: self, by: \.topic)
        return byTopic.keys.sorted().map { topic in (topic, (byTopic[topic] ?? []).map(\.partition).sorted()) }
    }
}

extension KafkaTopicPartition {
    /// The flat list of a `[topic, [partition]]` list.
    static func flattened<S: Sequence>(_ topics: S, topic: (S.Element) -> String,
                                       partitions: (S.Element) -> [Int32]) -> [KafkaTopicPartition] {
        topics.flatMap { entry in partitions(entry).map { KafkaTopicPartition(topic(entry), $0) } }
    }
}
