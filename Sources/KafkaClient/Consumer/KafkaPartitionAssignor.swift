/// A consumer group assignor (the "consumer" protocol's client-side assignment, run by the
/// group leader): given each member's subscription and each topic's partition count, which
/// member reads which partitions. Pure functions, so every member computes the same result.
public enum KafkaPartitionAssignor: String, Sendable, CaseIterable {
    /// Per topic, consecutive ranges of partitions to the members subscribed to it, in member
    /// id order; the first `count % members` members get one extra (Kafka's RangeAssignor).
    case range = "range"
    /// All subscribed partitions, sorted, dealt out one at a time to the members in id order,
    /// skipping members not subscribed to a partition's topic (Kafka's RoundRobinAssignor).
    case roundRobin = "roundrobin"
    /// Balanced, keeping partitions with their owners, rebalanced cooperatively: members keep
    /// reading what stays theirs (Kafka's CooperativeStickyAssignor; `KafkaStickyAssignment`).
    case cooperativeSticky = "cooperative-sticky"

    /// The protocol name used in JoinGroup.
    public var protocolName: String { rawValue }

    public var rebalanceProtocol: KafkaRebalanceProtocol { self == .cooperativeSticky ? .cooperative : .eager }

    /// The assignment for members that own nothing yet.
    public func assign(subscriptions: [String: [String]], partitionCounts: [String: Int]) -> [String: [KafkaTopicPartition]] {
        assign(members: subscriptions.mapValues { KafkaGroupSubscription(topics: $0) }, partitionCounts: partitionCounts)
    }

    /// The assignment, given what each member subscribes to and owns (only the sticky assignor
    /// looks at ownership).
    public func assign(members: [String: KafkaGroupSubscription], partitionCounts: [String: Int]) -> [String: [KafkaTopicPartition]] {
        if self == .cooperativeSticky {
            return KafkaStickyAssignment.assign(members: members, partitionCounts: partitionCounts, cooperative: true)
        }
        let subscriptions = members.mapValues(\.topics)
        var result: [String: [KafkaTopicPartition]] = [:]
        for member in subscriptions.keys { result[member] = [] }
        switch self {
        case .range:
            let topics = Set(subscriptions.values.flatMap { $0 }).sorted()
            for topic in topics {
                let members = subscriptions.filter { $0.value.contains(topic) }.keys.sorted()
                let count = partitionCounts[topic] ?? 0
                guard !members.isEmpty, count > 0 else { continue }
                let share = count / members.count
                let extra = count % members.count
                var next = 0
                for (index, member) in members.enumerated() {
                    let take = share + (index < extra ? 1 : 0)
                    for partition in next..<next + take { result[member]!.append(KafkaTopicPartition(topic, Int32(partition))) }
                    next += take
                }
            }
        case .roundRobin:
            let members = subscriptions.keys.sorted()
            guard !members.isEmpty else { return result }
            let partitions = Set(subscriptions.values.flatMap { $0 }).sorted().flatMap { topic in
                (0..<(partitionCounts[topic] ?? 0)).map { KafkaTopicPartition(topic, Int32($0)) }
            }
            var cursor = 0
            for partition in partitions {
                for step in 0..<members.count {
                    let member = members[(cursor + step) % members.count]
                    if subscriptions[member]!.contains(partition.topic) {
                        result[member]!.append(partition)
                        cursor = (cursor + step + 1) % members.count
                        break
                    }
                }
            }
        case .cooperativeSticky:
            break
        }
        return result
    }
}
