/// Bounds on what record decoding may allocate, whatever the input claims.
public struct KafkaRecordLimits: Sendable {
    /// The most bytes one batch's records may decompress to.
    public var maxDecompressedBytes: Int
    /// The most records one batch may hold.
    public var maxRecordsPerBatch: Int

    public init(maxDecompressedBytes: Int = 64 * 1024 * 1024, maxRecordsPerBatch: Int = 1_000_000) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxRecordsPerBatch = maxRecordsPerBatch
    }
}
