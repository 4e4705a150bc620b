import WireCore

/// A v2 record batch (magic 2, KIP-98), the unit Kafka stores and sends since 0.11:
///
///     baseOffset: int64 | batchLength: int32 | partitionLeaderEpoch: int32 | magic: int8 (2) |
///     crc: uint32 (CRC-32C of everything after it) | attributes: int16 | lastOffsetDelta: int32 |
///     baseTimestamp: int64 | maxTimestamp: int64 | producerId: int64 | producerEpoch: int16 |
///     baseSequence: int32 | recordCount: int32 | records (compressed as a whole if a codec is set)
///
/// Attributes: bits 0-2 compression, bit 3 timestamp type, bit 4 transactional, bit 5 control,
/// bit 6 delete horizon set (the base timestamp is then the delete horizon).
public struct KafkaRecordBatch: Sendable, Equatable {
    public static let magic: Int8 = 2
    /// Bytes before the records: 61.
    public static let headerSize = 61
    /// Bytes counted by batchLength start after the first 12 (baseOffset and batchLength).
    static let lengthFieldEnd = 12
    /// The CRC covers everything from attributes (offset 21) on.
    static let crcCoverageStart = 21

    public var baseOffset: Int64
    public var partitionLeaderEpoch: Int32
    public var compression: KafkaCompression
    public var timestampType: KafkaTimestampType
    public var isTransactional: Bool
    public var isControl: Bool
    public var hasDeleteHorizon: Bool
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var records: [KafkaRecord]

    /// A batch of `records`; `lastOffsetDelta` and `maxTimestamp` follow from the records.
    /// The defaults are those of a non-idempotent producer (no producer id, epoch or sequence).
    public init(baseOffset: Int64 = 0, baseTimestamp: Int64, records: [KafkaRecord],
                compression: KafkaCompression = .none, timestampType: KafkaTimestampType = .createTime,
                producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
                isTransactional: Bool = false, isControl: Bool = false, partitionLeaderEpoch: Int32 = -1) {
        self.baseOffset = baseOffset
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.compression = compression
        self.timestampType = timestampType
        self.isTransactional = isTransactional
        self.isControl = isControl
        self.hasDeleteHorizon = false
        self.lastOffsetDelta = records.map(\.offsetDelta).max() ?? 0
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = baseTimestamp + (records.map(\.timestampDelta).max() ?? 0)
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.records = records
    }

    var attributes: Int16 {
        var bits = Int16(compression.rawValue)
        if timestampType == .logAppendTime { bits |= 1 << 3 }
        if isTransactional { bits |= 1 << 4 }
        if isControl { bits |= 1 << 5 }
        if hasDeleteHorizon { bits |= 1 << 6 }
        return bits
    }

    /// The offset of the last record the batch covers (records may be missing after compaction).
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }

    // MARK: encoding

    /// Appends the batch. Uncompressed records are written straight after the header; only a
    /// codec needs them in a buffer of their own first.
    public func encode(into writer: inout ByteWriter) throws(KafkaProtocolError) {
        var compressed: [UInt8]?
        if compression != .none {
            var recordBytes = ByteWriter(capacity: recordsSizeBound)
            for record in records { record.encode(into: &recordBytes) }
            compressed = try compression.compress(recordBytes.bytes)
        }
        writer.reserveCapacity(writer.count + Self.headerSize + (compressed?.count ?? recordsSizeBound))

        let start = writer.count
        writer.writeInt64BE(baseOffset)
        let lengthAt = writer.reserve(4)
        writer.writeInt32BE(partitionLeaderEpoch)
        writer.writeInt8(Self.magic)
        let crcAt = writer.reserve(4)
        writer.writeInt16BE(attributes)
        writer.writeInt32BE(lastOffsetDelta)
        writer.writeInt64BE(baseTimestamp)
        writer.writeInt64BE(maxTimestamp)
        writer.writeInt64BE(producerId)
        writer.writeInt16BE(producerEpoch)
        writer.writeInt32BE(baseSequence)
        writer.writeInt32BE(Int32(truncatingIfNeeded: records.count))
        if let compressed {
            writer.writeBytes(compressed)
        } else {
            for record in records { record.encode(into: &writer) }
        }
        let length = writer.count - start - Self.lengthFieldEnd
        guard length <= Int(Int32.max) else { throw KafkaProtocolError(.invalidValue, "record batch of \(length) bytes") }
        writer.patchInt32BE(Int32(length), at: lengthAt)
        let crc = writer.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(crcAt + 4)...]))
        }
        writer.patchUInt32BE(crc, at: crcAt)
    }

    /// At least the bytes the records take uncompressed, for sizing a buffer once.
    var recordsSizeBound: Int { records.reduce(0) { $0 + $1.encodedSizeBound } }

    public func encoded() throws(KafkaProtocolError) -> [UInt8] {
        var writer = ByteWriter()
        try encode(into: &writer)
        return writer.bytes
    }

    // MARK: decoding

    /// Decodes one whole batch at the reader's position (which must hold all of it), checking
    /// the magic, the length and the CRC, and decompressing the records.
    public static func decode(from reader: inout ByteReader, limits: KafkaRecordLimits = KafkaRecordLimits()) throws(KafkaProtocolError) -> KafkaRecordBatch {
        let start = reader.offset
        let baseOffset = reader.readInt64BE()
        let length = Int(reader.readInt32BE())
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard length >= headerSize - lengthFieldEnd else {
            throw KafkaProtocolError(.malformed, "record batch length \(length) is shorter than a batch header")
        }
        guard length <= reader.remaining else {
            throw KafkaProtocolError(.needMoreData, "record batch of \(length) bytes, \(reader.remaining) available")
        }
        let end = reader.offset + length
        let partitionLeaderEpoch = reader.readInt32BE()
        let magic = reader.readInt8()
        guard magic == Self.magic else { throw KafkaProtocolError(.malformed, "record batch magic \(magic), expected 2") }
        let storedCRC = reader.readUInt32BE()
        let computedCRC = reader.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + crcCoverageStart)..<end]))
        }
        guard storedCRC == computedCRC else {
            throw KafkaProtocolError(.malformed, "record batch CRC-32C \(storedCRC) does not match computed \(computedCRC)")
        }
        let attributes = reader.readInt16BE()
        guard let compression = KafkaCompression(rawValue: Int8(attributes & 0x07)) else {
            throw KafkaProtocolError(.unsupportedCompression, "unknown compression codec \(attributes & 0x07)")
        }
        var batch = KafkaRecordBatch(baseOffset: baseOffset, baseTimestamp: 0, records: [])
        batch.partitionLeaderEpoch = partitionLeaderEpoch
        batch.compression = compression
        batch.timestampType = attributes & (1 << 3) != 0 ? .logAppendTime : .createTime
        batch.isTransactional = attributes & (1 << 4) != 0
        batch.isControl = attributes & (1 << 5) != 0
        batch.hasDeleteHorizon = attributes & (1 << 6) != 0
        batch.lastOffsetDelta = reader.readInt32BE()
        batch.baseTimestamp = reader.readInt64BE()
        batch.maxTimestamp = reader.readInt64BE()
        batch.producerId = reader.readInt64BE()
        batch.producerEpoch = reader.readInt16BE()
        batch.baseSequence = reader.readInt32BE()
        let count = Int(reader.readInt32BE())
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard count >= 0, count <= limits.maxRecordsPerBatch else {
            throw KafkaProtocolError(count < 0 ? .malformed : .limitExceeded, "record batch claims \(count) records")
        }
        let payloadRange = reader.offset..<end
        reader.skip(end - reader.offset)

        var records = ByteReader(reader.bytes, range: payloadRange)
        if compression != .none {
            let compressed = Array(reader.bytes[payloadRange])
            records = ByteReader(try compression.decompress(compressed, limit: limits.maxDecompressedBytes))
        }
        // Every record takes at least 7 bytes; refuse counts the bytes cannot hold before allocating.
        guard count <= records.remaining / 7 + 1 else {
            throw KafkaProtocolError(.malformed, "record batch claims \(count) records in \(records.remaining) bytes")
        }
        batch.records.reserveCapacity(count)
        for _ in 0..<count {
            batch.records.append(KafkaRecord.decode(from: &records))
            if let error = records.error { throw KafkaProtocolError(.malformed, "record \(batch.records.count - 1): \(error.description)") }
        }
        guard records.isAtEnd else {
            throw KafkaProtocolError(.malformed, "record batch has \(records.remaining) bytes after its \(count) records")
        }
        return batch
    }
}
