import WireCore

/// The contents of a `records` field (Fetch, Produce): v2 batches and, from old log segments,
/// legacy messages, in log order.
public struct KafkaRecordSet: Sendable, Equatable {
    public enum Entry: Sendable, Equatable {
        case batch(KafkaRecordBatch)
        case legacy(KafkaLegacyMessage)
    }

    public var entries: [Entry]
    /// Bytes at the end that hold only part of a batch. A broker may cut the last batch of a
    /// fetch at the size limit; the consumer fetches it again from its offset.
    public var truncatedTailBytes: Int

    public init(entries: [Entry] = [], truncatedTailBytes: Int = 0) {
        self.entries = entries
        self.truncatedTailBytes = truncatedTailBytes
    }

    /// Offset 8 + length 4 + leader epoch or CRC 4, then the magic byte.
    static let magicOffset = 16

    /// Decodes a `records` field. Corrupt batches (bad CRC, bad lengths, bad compression) throw;
    /// a partial batch at the very end is reported in `truncatedTailBytes`.
    public static func decode(_ bytes: [UInt8], limits: KafkaRecordLimits = KafkaRecordLimits()) throws(KafkaProtocolError) -> KafkaRecordSet {
        try decode(ByteView(bytes), limits: limits)
    }

    /// Decodes a `records` field where it sits, in the response frame.
    public static func decode(_ view: ByteView, limits: KafkaRecordLimits = KafkaRecordLimits()) throws(KafkaProtocolError) -> KafkaRecordSet {
        var set = KafkaRecordSet()
        var reader = ByteReader(view)
        while !reader.isAtEnd {
            // The size of the next entry is at offset 8 in both formats.
            guard reader.remaining > magicOffset else {
                set.truncatedTailBytes = reader.remaining
                break
            }
            var peek = ByteReader(reader.bytes, range: reader.offset + 8..<reader.offset + 12)
            let size = Int(peek.readInt32BE())
            guard size >= 0 else { throw KafkaProtocolError(.malformed, "record entry size \(size)") }
            if size > reader.remaining - 12 {
                set.truncatedTailBytes = reader.remaining
                break
            }
            let magic = reader.peekUInt8(ahead: magicOffset) ?? 0
            switch magic {
            case 2:
                set.entries.append(.batch(try KafkaRecordBatch.decode(from: &reader, limits: limits)))
            case 0, 1:
                for message in try KafkaLegacyMessage.decode(from: &reader, limits: limits) {
                    set.entries.append(.legacy(message))
                }
            default:
                throw KafkaProtocolError(.malformed, "unknown record format magic \(magic)")
            }
        }
        return set
    }

    /// Every data record with its absolute offset and timestamp. Control batches (transaction
    /// markers) are left out; aborted transactions are the consumer's to filter, with the
    /// fetch response's aborted-transaction list.
    public var records: [KafkaConsumerRecord] {
        var out: [KafkaConsumerRecord] = []
        for entry in entries {
            switch entry {
            case .batch(let batch):
                guard !batch.isControl else { continue }
                for record in batch.records {
                    let timestamp = batch.timestampType == .logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + record.timestampDelta
                    out.append(KafkaConsumerRecord(
                        offset: batch.baseOffset + Int64(record.offsetDelta), timestamp: timestamp,
                        timestampType: batch.timestampType, key: record.key, value: record.value,
                        headers: record.headers, producerId: batch.producerId, isTransactional: batch.isTransactional))
                }
            case .legacy(let message):
                out.append(KafkaConsumerRecord(
                    offset: message.offset, timestamp: message.timestamp, timestampType: message.timestampType,
                    key: message.key, value: message.value, headers: [], producerId: -1, isTransactional: false))
            }
        }
        return out
    }
}

/// A record as a consumer sees it: absolute offset and timestamp.
public struct KafkaConsumerRecord: Sendable, Equatable {
    public var offset: Int64
    public var timestamp: Int64
    public var timestampType: KafkaTimestampType
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaRecordHeader]
    public var producerId: Int64
    public var isTransactional: Bool
}

/// The key of a control record (transaction marker): version int16, type int16.
public enum KafkaControlRecordType: Int16, Sendable {
    case abort = 0
    case commit = 1

    /// The marker type of a control batch's record, or nil if the key is not a control key.
    public init?(controlKey key: [UInt8]?) {
        guard let key, key.count >= 4 else { return nil }
        self.init(rawValue: Int16(bitPattern: UInt16(key[2]) << 8 | UInt16(key[3])))
    }
}
