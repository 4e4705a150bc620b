import KafkaProtocol

/// Where a partition without a committed offset starts.
public enum KafkaOffsetReset: Sendable {
    case earliest
    case latest

    /// The ListOffsets timestamp that asks for it.
    var timestamp: Int64 { self == .earliest ? -2 : -1 }
}

/// What the group told the application.
public enum KafkaRebalanceEvent: Sendable, Equatable {
    case assigned([KafkaTopicPartition])
    /// Called before the partitions go (offsets are committed right after).
    case revoked([KafkaTopicPartition])
}

public struct KafkaConsumerConfiguration: Sendable {
    /// The consumer group; nil for a consumer that is assigned partitions by hand (`assign`).
    public var groupId: String?
    /// A static member's name in its group (KIP-345, `group.instance.id`): the same name coming
    /// back within the session timeout gets its partitions again without a rebalance, and
    /// closing does not leave the group. Two live consumers with one name: the older is fenced
    /// (FENCED_INSTANCE_ID, which stops it). Nil for a dynamic member.
    public var groupInstanceId: String?
    public var topics: [String]
    public var assignor: KafkaPartitionAssignor = .range
    public var sessionTimeout: Duration = .seconds(10)
    public var rebalanceTimeout: Duration = .seconds(30)
    public var heartbeatInterval: Duration = .seconds(1)
    public var autoCommit = true
    public var autoCommitInterval: Duration = .seconds(5)
    public var autoOffsetReset: KafkaOffsetReset = .earliest
    /// How long the broker may hold a Fetch waiting for `fetchMinBytes`.
    public var fetchMaxWait: Duration = .milliseconds(500)
    public var fetchMinBytes: Int32 = 1
    public var fetchMaxBytes: Int32 = 50 * 1024 * 1024
    public var partitionMaxBytes: Int32 = 8 * 1024 * 1024
    /// Called on the consumer's group task at each assignment and revocation.
    public var onRebalance: (@Sendable (KafkaRebalanceEvent) async -> Void)?
    /// Bounds on what decoding one fetched batch may allocate.
    public var recordLimits = KafkaRecordLimits()

    public init(groupId: String?, topics: [String], assignor: KafkaPartitionAssignor = .range,
                autoOffsetReset: KafkaOffsetReset = .earliest, autoCommit: Bool = true,
                sessionTimeout: Duration = .seconds(10), heartbeatInterval: Duration = .seconds(1),
                onRebalance: (@Sendable (KafkaRebalanceEvent) async -> Void)? = nil) {
        self.groupId = groupId
        self.topics = topics
        self.assignor = assignor
        self.autoOffsetReset = autoOffsetReset
        self.autoCommit = autoCommit
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.onRebalance = onRebalance
    }
}

/// One record as the consumer hands it out.
public struct KafkaConsumerMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaRecordHeader]

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic, partition) }
}
