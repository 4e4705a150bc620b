import KafkaProtocol

/// How many replicas must have a batch before the broker answers (Produce `acks`).
public enum KafkaAcks: Int16, Sendable {
    /// The broker does not answer at all; offsets are unknown (-1) and failures unseen.
    case none = 0
    /// The leader has written the batch.
    case leader = 1
    /// Every in-sync replica has it.
    case all = -1
}

public struct KafkaProducerConfiguration: Sendable {
    public var acks: KafkaAcks = .all
    public var compression: KafkaCompression = .none
    /// How long a partition's batch may wait for more records before it is sent. While the
    /// partition has a batch in flight, records keep collecting whatever the linger.
    public var linger: Duration = .milliseconds(5)
    /// A batch is sent as soon as its records reach this many bytes (before compression).
    public var batchBytes: Int = 1 << 20
    /// Records accepted but not yet acknowledged; `send` waits for room beyond this
    /// (backpressure) up to `deliveryTimeout`.
    public var bufferedRecords: Int = 100_000
    /// The idempotent producer (KIP-98): a producer id and per-partition sequence numbers let
    /// the broker drop duplicates of retried batches. Needs `acks = .all`.
    public var idempotent: Bool = false
    /// How long a record may take from `send` to acknowledgement, retries included.
    public var deliveryTimeout: Duration = .seconds(60)
    /// The broker's own timeout for replication (Produce `timeoutMs`).
    public var requestTimeout: Duration = .seconds(30)
    /// Batches of one partition in flight at once. More than 1 lets a slow broker work on several.
    /// Without idempotence a retried batch may then land after a later one (as in Kafka's
    /// clients). The idempotent producer keeps the order: a batch that fails goes out again
    /// before the ones behind it, with its own sequence number, and the broker refuses those
    /// behind it until it has it (OUT_OF_ORDER_SEQUENCE_NUMBER, which is then retried, not a
    /// reason to bump the epoch). As in Kafka, the idempotent producer allows at most 5.
    public var maxInFlightPerPartition: Int = 1
    /// The pause before a failed batch is retried.
    public var retryBackoff: Duration = .milliseconds(100)

    public init(acks: KafkaAcks = .all, compression: KafkaCompression = .none, linger: Duration = .milliseconds(5),
                batchBytes: Int = 1 << 20, idempotent: Bool = false) {
        self.acks = acks
        self.compression = compression
        self.linger = linger
        self.batchBytes = batchBytes
        self.idempotent = idempotent
    }
}

/// Where a record landed.
public struct KafkaDelivery: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// -1 when unknown (acks = none, or a duplicate the broker dropped).
    public var offset: Int64
}
