import WireCore

/// The user data of Kafka's sticky assignors in a JoinGroup subscription (Java's
/// `StickyAssignor` schema, which the C client's sticky and cooperative-sticky assignors write too):
///
///     previous_assignment: [topic: STRING, partitions: [INT32]]
///     generation: INT32        (version 1; absent in version 0)
///
/// Java's `CooperativeStickyAssignor` writes only the generation (4 bytes). Newer subscriptions
/// carry both in their own fields (`ownedPartitions` from v1, `generationId` from v2); this is
/// for members that say them only here.
public struct StickyAssignorUserData: Sendable, Equatable {
    public var previousAssignment: [ConsumerProtocolSubscription.TopicPartition]
    /// -1 when the data does not say (version 0).
    public var generation: Int32

    public init(previousAssignment: [ConsumerProtocolSubscription.TopicPartition], generation: Int32) {
        self.previousAssignment = previousAssignment
        self.generation = generation
    }

    /// Version 1: the assignment, then the generation.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.writeInt32BE(Int32(previousAssignment.count))
        for topic in previousAssignment {
            writer.writeInt16PrefixedString(topic.topic)
            writer.writeInt32BE(Int32(topic.partitions.count))
            for partition in topic.partitions { writer.writeInt32BE(partition) }
        }
        writer.writeInt32BE(generation)
        return writer.bytes
    }

    /// Reads either form; nil when the bytes are neither (another assignor's data). Counts are
    /// checked against the bytes left, so a hostile count allocates nothing.
    public static func decode(_ bytes: [UInt8]) -> StickyAssignorUserData? {
        if bytes.count == 4 {
            var reader = ByteReader(bytes)
            return StickyAssignorUserData(previousAssignment: [], generation: reader.readInt32BE())
        }
        var reader = ByteReader(bytes)
        let topicCount = Int(reader.readInt32BE())
        // Each topic needs at least 6 bytes (a 2-byte length and a 4-byte count).
        guard !reader.failed, topicCount >= 0, topicCount <= reader.remaining / 6 else { return nil }
        var topics: [ConsumerProtocolSubscription.TopicPartition] = []
        for _ in 0..<topicCount {
            guard let name = reader.readInt16PrefixedString() else { return nil }
            let partitionCount = Int(reader.readInt32BE())
            guard !reader.failed, partitionCount >= 0, partitionCount <= reader.remaining / 4 else { return nil }
            var partitions: [Int32] = []
            partitions.reserveCapacity(partitionCount)
            for _ in 0..<partitionCount { partitions.append(reader.readInt32BE()) }
            topics.append(ConsumerProtocolSubscription.TopicPartition(topic: name, partitions: partitions))
        }
        var generation: Int32 = -1
        if reader.remaining == 4 { generation = reader.readInt32BE() }
        guard !reader.failed, reader.isAtEnd else { return nil }
        return StickyAssignorUserData(previousAssignment: topics, generation: generation)
    }
}
