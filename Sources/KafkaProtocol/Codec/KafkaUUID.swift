/// Kafka's `uuid` field type: 16 bytes, sent most significant first. The all-zero value is
/// Kafka's "no id" (`Uuid.ZERO_UUID`).
public struct KafkaUUID: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public static let zero = KafkaUUID(high: 0, low: 0)

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public var description: String {
        let hex = String(high, radix: 16) + "/" + String(low, radix: 16)
        return "KafkaUUID(\(hex))"
    }
}
