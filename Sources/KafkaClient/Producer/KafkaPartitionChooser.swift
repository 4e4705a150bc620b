import KafkaProtocol

/// Which partition a record goes to: the Java client's murmur2 hash of the key, or for records
/// without a key one "sticky" partition per topic that changes each time its batch is closed
/// (KIP-480), so keyless records fill batches instead of spreading thin over all partitions.
struct KafkaPartitionChooser: Sendable {
    private var sticky: [String: Int32] = [:]
    private var random: @Sendable (Int) -> Int

    init(random: @escaping @Sendable (Int) -> Int = { Int.random(in: 0..<$0) }) {
        self.random = random
    }

    mutating func partition(topic: String, key: [UInt8]?, partitionCount: Int) -> Int32 {
        if let key { return Int32(KafkaPartitioner.partition(forKey: key, partitionCount: partitionCount) ?? 0) }
        if let current = sticky[topic], Int(current) < partitionCount { return current }
        let chosen = Int32(random(partitionCount))
        sticky[topic] = chosen
        return chosen
    }

    /// The sticky partition's batch closed: pick another one (a different one when possible).
    mutating func batchClosed(topic: String, partition: Int32, partitionCount: Int) {
        guard sticky[topic] == partition else { return }
        guard partitionCount > 1 else { return }
        var next = Int32(random(partitionCount - 1))
        if next >= partition { next += 1 }
        sticky[topic] = next
    }
}
