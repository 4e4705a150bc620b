/// The key hashing of the Java client's default partitioner, so records with the same key land
/// in the same partition whichever client produced them: `toPositive(murmur2(key)) % partitions`
/// (Kafka's `Utils.murmur2` and `BuiltInPartitioner.partitionForKey`).
///
/// Records without a key are not hashed; the producer picks a partition for them (the Java
/// client's "sticky" choice), which is client policy rather than codec.
public enum KafkaPartitioner {
    /// MurmurHash2, 32-bit, seed 0x9747b28c, reading 4-byte little-endian blocks, exactly as
    /// Kafka's `Utils.murmur2` (including its treatment of the tail bytes).
    public static func murmur2<C: Collection>(_ data: C) -> Int32 where C.Element == UInt8 {
        let bytes = Array(data)
        let length = bytes.count
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h = seed ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        for block in 0..<blocks {
            let i = block * 4
            var k = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length & ~3
        let extra = length % 4
        if extra >= 3 { h ^= UInt32(bytes[tail + 2]) << 16 }
        if extra >= 2 { h ^= UInt32(bytes[tail + 1]) << 8 }
        if extra >= 1 {
            h ^= UInt32(bytes[tail])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which fails for Int32.min).
    public static func toPositive(_ value: Int32) -> Int32 { value & 0x7fff_ffff }

    /// The partition for a keyed record among `partitionCount` partitions, or nil when there
    /// are none (metadata comes from the broker, so a count of 0 is possible input).
    public static func partition<C: Collection>(forKey key: C, partitionCount: Int) -> Int? where C.Element == UInt8 {
        guard partitionCount > 0 else { return nil }
        return Int(toPositive(murmur2(key))) % partitionCount
    }
}
