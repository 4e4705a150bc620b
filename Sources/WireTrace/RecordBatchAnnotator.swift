import WireCore

/// Walks Kafka record batches (magic 2) byte by byte: the 61-byte batch header field by field and,
/// for uncompressed batches, each record's varint-framed fields and headers.
enum RecordBatchAnnotator {
    static func annotate(_ frame: [UInt8], range: Range<Int>, into fields: inout [AnnotatedField]) {
        var offset = range.lowerBound
        var index = 0
        while offset + 61 <= range.upperBound, index < 1000 {
            guard let end = batch(frame, at: offset, limit: range.upperBound, index: index, into: &fields) else { return }
            offset = end
            index += 1
        }
        if offset < range.upperBound {
            fields.append(AnnotatedField(offset..<range.upperBound, "partial batch", "\(range.upperBound - offset) bytes (fetch may cut the last batch)", depth: 1))
        }
    }

    private static func batch(_ frame: [UInt8], at start: Int, limit: Int, index: Int,
                              into fields: inout [AnnotatedField]) -> Int? {
        var reader = ByteReader(Array(frame[start..<limit]))
        let baseOffset = reader.readInt64BE()
        let batchLength = reader.readInt32BE()
        let end = start + 12 + Int(batchLength)
        guard batchLength >= 49, end <= limit else { return nil }
        let leaderEpoch = reader.readInt32BE()
        let magic = reader.readInt8()
        guard magic == 2 else {
            fields.append(AnnotatedField(start..<min(end, limit), "legacy message set", "magic \(magic)", depth: 1))
            return end
        }
        let crc = reader.readUInt32BE()
        let attributes = reader.readInt16BE()
        let lastOffsetDelta = reader.readInt32BE()
        let baseTimestamp = reader.readInt64BE()
        let maxTimestamp = reader.readInt64BE()
        let producerId = reader.readInt64BE()
        let producerEpoch = reader.readInt16BE()
        let baseSequence = reader.readInt32BE()
        let count = reader.readInt32BE()
        let codec = ["none", "gzip", "snappy", "lz4", "zstd"][Int(attributes & 7) < 5 ? Int(attributes & 7) : 0]
        var flags = ["compression \(codec)"]
        if attributes & 8 != 0 { flags.append("log-append time") }
        if attributes & 16 != 0 { flags.append("transactional") }
        if attributes & 32 != 0 { flags.append("control") }
        let header: [(Int, String, String)] = [
            (8, "baseOffset", String(baseOffset)), (4, "batchLength", String(batchLength)),
            (4, "partitionLeaderEpoch", String(leaderEpoch)), (1, "magic", String(magic)),
            (4, "crc (CRC-32C)", "0x" + String(crc, radix: 16)),
            (2, "attributes", "0x" + String(attributes, radix: 16) + " (" + flags.joined(separator: ", ") + ")"),
            (4, "lastOffsetDelta", String(lastOffsetDelta)), (8, "baseTimestamp", String(baseTimestamp)),
            (8, "maxTimestamp", String(maxTimestamp)), (8, "producerId", String(producerId)),
            (2, "producerEpoch", String(producerEpoch)), (4, "baseSequence", String(baseSequence)),
            (4, "records count", String(count)),
        ]
        fields.append(AnnotatedField(start..<start, "record batch \(index)", "", depth: 1))
        var cursor = start
        for (size, name, value) in header {
            fields.append(AnnotatedField(cursor..<(cursor + size), name, value, depth: 2))
            cursor += size
        }
        if attributes & 7 != 0 {
            fields.append(AnnotatedField(cursor..<end, "records (\(codec)-compressed)", "\(end - cursor) bytes", depth: 2))
            return end
        }
        for recordIndex in 0..<Int(max(0, min(count, 10_000))) {
            guard let next = record(frame, at: cursor, limit: end, index: recordIndex, into: &fields) else { break }
            cursor = next
        }
        return end
    }

    private static func record(_ frame: [UInt8], at start: Int, limit: Int, index: Int,
                               into fields: inout [AnnotatedField]) -> Int? {
        var reader = ByteReader(Array(frame[start..<limit]))
        var spans: [(Int, String, String)] = []
        func mark(_ name: String, _ value: String, from: Int) { spans.append((reader.offset - from, name, value)) }
        var at = reader.offset
        let length = reader.readVarInt32(); mark("length", String(length), from: at)
        at = reader.offset; let attributes = reader.readInt8(); mark("attributes", String(attributes), from: at)
        at = reader.offset; let timestampDelta = reader.readVarInt64(); mark("timestampDelta", String(timestampDelta), from: at)
        at = reader.offset; let offsetDelta = reader.readVarInt32(); mark("offsetDelta", String(offsetDelta), from: at)
        for part in ["key", "value"] {
            at = reader.offset
            let size = reader.readVarInt32()
            if size < 0 { mark(part, "null", from: at); continue }
            let bytes = reader.readBytes(Int(size))
            mark(part, TraceText.quoted(bytes), from: at)
        }
        at = reader.offset
        let headerCount = reader.readVarInt32(); mark("headers count", String(headerCount), from: at)
        for _ in 0..<Int(max(0, min(headerCount, 1000))) {
            at = reader.offset
            let keySize = reader.readVarInt32()
            let key = reader.readBytes(Int(max(0, keySize)))
            let valueSize = reader.readVarInt32()
            let value = valueSize < 0 ? [] : reader.readBytes(Int(valueSize))
            mark("header", TraceText.quoted(key) + " = " + (valueSize < 0 ? "null" : TraceText.quoted(value)), from: at)
        }
        guard !reader.failed else { return nil }
        fields.append(AnnotatedField(start..<start, "record \(index)", "", depth: 2))
        var cursor = start
        for (size, name, value) in spans {
            fields.append(AnnotatedField(cursor..<(cursor + size), name, value, depth: 3))
            cursor += size
        }
        return cursor
    }
}
