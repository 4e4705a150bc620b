/// What one member tells the group leader in JoinGroup: the topics it reads and, for the sticky
/// assignor, the partitions it owns now and the generation it got them in. The leader needs the
/// ownership to keep partitions where they are and, with cooperative rebalancing, to avoid
/// giving a partition to a new member while its owner still reads it.
public struct KafkaGroupSubscription: Sendable, Equatable, ExpressibleByArrayLiteral {
    public var topics: [String]
    public var ownedPartitions: [KafkaTopicPartition]
    /// The generation the member got `ownedPartitions` in; -1 when it did not say.
    public var generation: Int32

    public init(topics: [String], ownedPartitions: [KafkaTopicPartition] = [], generation: Int32 = -1) {
        self.topics = topics
        self.ownedPartitions = ownedPartitions
        self.generation = generation
    }

    /// A subscription with no owned partitions, written as its topics.
    public init(arrayLiteral topics: String...) {
        self.init(topics: topics)
    }
}

/// How a group moves partitions between members when it rebalances.
public enum KafkaRebalanceProtocol: Sendable, Equatable {
    /// Every member gives up all its partitions before the group rejoins (the classic protocol).
    case eager
    /// Members keep reading what they own while the group rejoins; only partitions that move
    /// are given up, and they reach their new owner in a second rebalance (KIP-429).
    case cooperative
}
