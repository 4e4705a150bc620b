/// A partition of a topic.
public struct KafkaTopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.topic != rhs.topic ? lhs.topic < rhs.topic : lhs.partition < rhs.partition
    }

    public var description: String { "\(topic)-\(partition)" }
}

/// What metadata says about one partition.
public struct KafkaPartitionMetadata: Sendable, Equatable {
    public var partition: Int32
    /// -1 while the partition has no leader.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var inSyncReplicas: [Int32]
    public var errorCode: Int16
}

/// What metadata says about one topic.
public struct KafkaTopicMetadata: Sendable, Equatable {
    public var name: String
    public var isInternal: Bool
    /// Sorted by partition.
    public var partitions: [KafkaPartitionMetadata]
    public var errorCode: Int16

    public var partitionCount: Int { partitions.count }
}

/// One broker as metadata lists it.
public struct KafkaBrokerMetadata: Sendable, Equatable {
    public var nodeId: Int32
    public var address: KafkaBrokerAddress
    public var rack: String?
}
