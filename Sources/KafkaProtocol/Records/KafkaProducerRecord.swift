/// A record as a producer hands it over: absolute timestamp, no offset yet.
public struct KafkaProducerRecord: Sendable, Equatable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaRecordHeader]
    /// Milliseconds since the epoch (CreateTime).
    public var timestamp: Int64

    public init(key: [UInt8]?, value: [UInt8]?, headers: [KafkaRecordHeader] = [], timestamp: Int64) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

extension KafkaRecordBatch {
    /// A batch for a Produce request: offsets count from 0 (the broker assigns real ones) and
    /// timestamps become deltas from the first record's. Idempotent producers pass their
    /// producer id, epoch and the sequence number of the first record.
    public init(producing records: [KafkaProducerRecord], compression: KafkaCompression = .none,
                producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
                isTransactional: Bool = false) {
        let base = records.first?.timestamp ?? 0
        let entries = records.enumerated().map { index, record in
            KafkaRecord(offsetDelta: Int32(truncatingIfNeeded: index), timestampDelta: record.timestamp - base,
                        key: record.key, value: record.value, headers: record.headers)
        }
        self.init(baseOffset: 0, baseTimestamp: base, records: entries, compression: compression,
                  producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
                  isTransactional: isTransactional)
    }
}
