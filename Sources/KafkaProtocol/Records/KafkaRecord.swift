import WireCore

/// One header of a v2 record: a string key and nullable bytes.
public struct KafkaRecordHeader: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// How a batch's timestamps were set (attributes bit 3).
public enum KafkaTimestampType: Sendable, Equatable {
    case createTime
    case logAppendTime
}

/// One record of a v2 batch, as it sits inside the batch: offset and timestamp are deltas from
/// the batch's base values.
///
///     length: varint | attributes: int8 | timestampDelta: varlong | offsetDelta: varint |
///     keyLength: varint | key | valueLength: varint | value | headerCount: varint | headers
public struct KafkaRecord: Sendable, Equatable {
    /// Unused by Kafka so far; kept for round trips.
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaRecordHeader]

    public init(offsetDelta: Int32, timestampDelta: Int64 = 0, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaRecordHeader] = [], attributes: Int8 = 0) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// Appends the record: its length first, then the fields, written straight into `writer`
    /// (the length is computed up front rather than by encoding into a scratch buffer, which
    /// would copy every key and value once more).
    func encode(into writer: inout ByteWriter) {
        writer.writeVarInt32(Int32(truncatingIfNeeded: bodySize))
        writer.writeInt8(attributes)
        writer.writeVarInt64(timestampDelta)
        writer.writeVarInt32(offsetDelta)
        Self.writeVarBytes(key, into: &writer)
        Self.writeVarBytes(value, into: &writer)
        writer.writeVarInt32(Int32(truncatingIfNeeded: headers.count))
        for header in headers {
            writer.writeVarInt32(Int32(truncatingIfNeeded: header.key.utf8.count))
            writer.writeString(header.key)
            Self.writeVarBytes(header.value, into: &writer)
        }
    }

    /// The bytes after the length varint.
    var bodySize: Int {
        var size = 1 + ByteWriter.uvarIntSize(ZigZag.encode64(timestampDelta))
            + ByteWriter.uvarIntSize(UInt64(ZigZag.encode32(offsetDelta)))
            + Self.varBytesSize(key?.count) + Self.varBytesSize(value?.count)
            + ByteWriter.uvarIntSize(UInt64(ZigZag.encode32(Int32(truncatingIfNeeded: headers.count))))
        for header in headers {
            size += Self.varBytesSize(header.key.utf8.count) + Self.varBytesSize(header.value?.count)
        }
        return size
    }

    /// At least the bytes the record takes in a batch, counted without varint arithmetic: for
    /// sizing a buffer once (`bodySize` gives the exact figure, computed when the record is
    /// written).
    var encodedSizeBound: Int {
        // length 5, attributes 1, timestamp delta 10, offset delta 5, key and value lengths 5
        // each, header count 5; per header two lengths of 5.
        var size = 36 + (key?.count ?? 0) + (value?.count ?? 0)
        for header in headers { size += 10 + header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }

    private static func varBytesSize(_ count: Int?) -> Int {
        guard let count else { return 1 }
        return ByteWriter.uvarIntSize(UInt64(ZigZag.encode32(Int32(truncatingIfNeeded: count)))) + count
    }

    private static func writeVarBytes(_ bytes: [UInt8]?, into writer: inout ByteWriter) {
        guard let bytes else { writer.writeVarInt32(-1); return }
        writer.writeVarInt32(Int32(truncatingIfNeeded: bytes.count))
        writer.writeBytes(bytes)
    }

    /// Reads one record; failures are left in `reader`.
    static func decode(from reader: inout ByteReader) -> KafkaRecord {
        var record = KafkaRecord(offsetDelta: 0, key: nil, value: nil)
        let length = Int(reader.readVarInt32())
        if reader.failed { return record }
        guard length >= 0, length <= reader.remaining else {
            reader.fail(length < 0 ? .malformed : .needMoreData, "record length \(length) with \(reader.remaining) bytes left")
            return record
        }
        let end = reader.offset + length
        record.attributes = reader.readInt8()
        record.timestampDelta = reader.readVarInt64()
        record.offsetDelta = reader.readVarInt32()
        record.key = readVarBytes(&reader, end: end)
        record.value = readVarBytes(&reader, end: end)
        let headerCount = Int(reader.readVarInt32())
        if reader.failed { return record }
        // Each header takes at least two bytes (two varint lengths).
        guard headerCount >= 0, headerCount <= (end - reader.offset) / 2 else {
            reader.fail(.malformed, "record header count \(headerCount)")
            return record
        }
        for _ in 0..<headerCount {
            let keyBytes = readVarBytes(&reader, end: end)
            let value = readVarBytes(&reader, end: end)
            if reader.failed { return record }
            guard let keyBytes, let key = String(validating: keyBytes, as: UTF8.self) else {
                reader.fail(.malformed, "record header key is null or not UTF-8")
                return record
            }
            record.headers.append(KafkaRecordHeader(key: key, value: value))
        }
        if !reader.failed && reader.offset != end {
            reader.fail(.malformed, "record body is \(length) bytes but its fields take \(reader.offset - (end - length))")
        }
        return record
    }

    private static func readVarBytes(_ reader: inout ByteReader, end: Int) -> [UInt8]? {
        let length = Int(reader.readVarInt32())
        if reader.failed || length == -1 { return nil }
        guard length >= 0, length <= end - reader.offset else {
            reader.fail(.malformed, "field length \(length) runs past its record")
            return nil
        }
        return reader.readBytes(length)
    }
}
