import WireCore

/// A message of the pre-0.11 formats (magic 0 and 1), which a broker may still return from
/// old log segments. Each sits in a message set as:
///
///     offset: int64 | messageSize: int32 | crc: uint32 (CRC-32 of the rest) | magic: int8 |
///     attributes: int8 | timestamp: int64 (magic 1 only) | key: bytes | value: bytes
///
/// A compressed message is a wrapper whose value is a compressed message set; decoding
/// expands it into its inner messages with absolute offsets.
public struct KafkaLegacyMessage: Sendable, Equatable {
    public var offset: Int64
    public var magic: Int8
    /// The compression of the wrapper this message came in, or `.none`.
    public var compression: KafkaCompression
    public var timestampType: KafkaTimestampType
    /// -1 for magic 0, which has no timestamps.
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?

    public init(offset: Int64, magic: Int8, timestamp: Int64 = -1, key: [UInt8]?, value: [UInt8]?,
                compression: KafkaCompression = .none, timestampType: KafkaTimestampType = .createTime) {
        self.offset = offset
        self.magic = magic
        self.compression = compression
        self.timestampType = timestampType
        self.timestamp = timestamp
        self.key = key
        self.value = value
    }

    /// Offset (8) + size (4) + crc (4) + magic (1) + attributes (1) + key length (4) + value length (4).
    static let minimumSize = 26

    /// Decodes the message at the reader's position (which must hold all of it) and expands a
    /// compressed wrapper into its inner messages.
    static func decode(from reader: inout ByteReader, limits: KafkaRecordLimits, depth: Int = 0) throws(KafkaProtocolError) -> [KafkaLegacyMessage] {
        let offset = reader.readInt64BE()
        let size = Int(reader.readInt32BE())
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard size >= minimumSize - 12 else { throw KafkaProtocolError(.malformed, "legacy message size \(size)") }
        guard size <= reader.remaining else {
            throw KafkaProtocolError(.needMoreData, "legacy message of \(size) bytes, \(reader.remaining) available")
        }
        let start = reader.offset
        let end = start + size
        var body = ByteReader(reader.bytes, range: start..<end)
        reader.skip(size)
        let storedCRC = body.readUInt32BE()
        let computedCRC = CRC32.checksum(body.bytes[(start + 4)..<end])
        guard storedCRC == computedCRC else {
            throw KafkaProtocolError(.malformed, "legacy message CRC-32 \(storedCRC) does not match computed \(computedCRC)")
        }
        let magic = body.readInt8()
        guard magic == 0 || magic == 1 else { throw KafkaProtocolError(.malformed, "legacy message magic \(magic)") }
        let attributes = body.readInt8()
        let timestamp = magic == 1 ? body.readInt64BE() : -1
        let key = body.readInt32PrefixedBytes()
        let value = body.readInt32PrefixedBytes()
        if let error = body.error { throw KafkaProtocolError(error) }
        guard body.isAtEnd else { throw KafkaProtocolError(.malformed, "legacy message has \(body.remaining) trailing bytes") }
        guard let compression = KafkaCompression(rawValue: attributes & 0x07) else {
            throw KafkaProtocolError(.unsupportedCompression, "unknown compression codec \(attributes & 0x07)")
        }
        let timestampType: KafkaTimestampType = magic == 1 && attributes & 0x08 != 0 ? .logAppendTime : .createTime
        guard compression != .none else {
            return [KafkaLegacyMessage(offset: offset, magic: magic, timestamp: timestamp, key: key, value: value,
                                       timestampType: timestampType)]
        }
        // A wrapper: its value is a compressed message set. Wrappers do not nest.
        guard depth == 0 else { throw KafkaProtocolError(.malformed, "compressed legacy message inside another") }
        guard let value else { throw KafkaProtocolError(.malformed, "compressed legacy wrapper without a value") }
        let inner: [UInt8]
        if compression == .lz4 {
            inner = try LZ4Frame.decompress(value, limit: limits.maxDecompressedBytes, legacyHeaderChecksum: magic == 0)
        } else {
            inner = try compression.decompress(value, limit: limits.maxDecompressedBytes)
        }
        var innerReader = ByteReader(inner)
        var messages: [KafkaLegacyMessage] = []
        while !innerReader.isAtEnd {
            messages += try decode(from: &innerReader, limits: limits, depth: 1)
            guard messages.count <= limits.maxRecordsPerBatch else {
                throw KafkaProtocolError(.limitExceeded, "compressed legacy message holds over \(limits.maxRecordsPerBatch) messages")
            }
        }
        // Magic 1 wrappers carry the offset of the last inner message, and inner offsets count
        // from 0; magic 0 inner messages carry absolute offsets already.
        let lastRelative = messages.last?.offset ?? 0
        for index in messages.indices {
            if magic == 1 { messages[index].offset = offset - lastRelative + messages[index].offset }
            messages[index].compression = compression
            if magic == 1 && timestampType == .logAppendTime {
                messages[index].timestamp = timestamp
                messages[index].timestampType = .logAppendTime
            }
        }
        return messages
    }

    /// Encodes one uncompressed message (for tests and tools; producers send v2 batches).
    func encode(into writer: inout ByteWriter, attributes: Int8 = 0) {
        writer.writeInt64BE(offset)
        let sizeAt = writer.reserve(4)
        let crcAt = writer.reserve(4)
        writer.writeInt8(magic)
        writer.writeInt8(attributes)
        if magic == 1 { writer.writeInt64BE(timestamp) }
        writer.writeInt32PrefixedBytes(key)
        writer.writeInt32PrefixedBytes(value)
        writer.patchInt32BE(Int32(truncatingIfNeeded: writer.count - sizeAt - 4), at: sizeAt)
        writer.patchUInt32BE(CRC32.checksum(writer.bytes[(crcAt + 4)...]), at: crcAt)
    }
}
