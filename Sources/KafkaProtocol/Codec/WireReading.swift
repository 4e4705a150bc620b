import WireCore

// Reading helpers for the Kafka field types, used by the generated messages.
// Each keeps ByteReader's sticky-error contract: on failure the reader is marked and a zero
// value comes back.

extension ByteReader {
    /// STRING / NULLABLE_STRING (Int16 length) or COMPACT_[NULLABLE_]STRING (uvarint length + 1).
    /// Returns nil for a null; a null where the version forbids one fails the reader.
    mutating func readKafkaString(compact: Bool, nullable: Bool, field: StaticString) -> String? {
        let value = compact ? readCompactString() : readInt16PrefixedString()
        if value == nil && !failed && !nullable {
            fail(.malformed, "\(field) is null but not nullable in this version")
        }
        return value
    }

    /// BYTES / NULLABLE_BYTES / RECORDS (Int32 length) or their compact forms.
    mutating func readKafkaBytes(compact: Bool, nullable: Bool, field: StaticString) -> [UInt8]? {
        let value = compact ? readCompactBytes() : readInt32PrefixedBytes()
        if value == nil && !failed && !nullable {
            fail(.malformed, "\(field) is null but not nullable in this version")
        }
        return value
    }

    /// RECORDS (Int32 length) or COMPACT_RECORDS, as a view of the frame: a fetch response's
    /// megabytes of record batches are not copied out of it.
    mutating func readKafkaRecords(compact: Bool, nullable: Bool, field: StaticString) -> ByteView? {
        let length: Int
        if compact {
            length = Int(readUVarInt32()) - 1
        } else {
            length = Int(readInt32BE())
        }
        if failed { return nil }
        if length == -1 {
            if !nullable { fail(.malformed, "\(field) is null but not nullable in this version") }
            return nil
        }
        if length < 0 { fail(.malformed, "\(field) has byte length \(length)"); return nil }
        let view = readView(length)
        return failed ? nil : view
    }

    /// ARRAY (Int32 count, -1 null) or COMPACT_ARRAY (uvarint count + 1, 0 null).
    /// Returns nil for a null array or a failure. A count that cannot fit in the bytes left
    /// (each element takes at least `minElementSize` bytes) fails before anything is allocated.
    mutating func readKafkaArrayCount(compact: Bool, nullable: Bool, minElementSize: Int, field: StaticString) -> Int? {
        let count: Int
        if compact {
            let countPlusOne = Int(readUVarInt32())
            count = countPlusOne - 1
        } else {
            count = Int(readInt32BE())
        }
        if failed { return nil }
        if count == -1 {
            if !nullable { fail(.malformed, "\(field) is a null array but not nullable in this version") }
            return nil
        }
        if count < 0 {
            fail(.malformed, "\(field) has array length \(count)")
            return nil
        }
        if minElementSize > 0 && count > remaining / minElementSize {
            fail(.needMoreData, "\(field) claims \(count) elements but only \(remaining) bytes remain")
            return nil
        }
        return count
    }

    mutating func readKafkaUUID() -> KafkaUUID {
        let high = readUInt64BE()
        let low = readUInt64BE()
        return KafkaUUID(high: high, low: low)
    }

    /// A nullable struct's marker byte: -1 for null, 1 for present.
    mutating func readKafkaStructPresence(field: StaticString) -> Bool {
        let marker = readInt8()
        if failed { return false }
        switch marker {
        case -1: return false
        case 1: return true
        default:
            fail(.malformed, "\(field) has presence marker \(marker)")
            return false
        }
    }

    /// Reads a tagged-field section. `known` decodes the tags the message defines from a reader
    /// that spans exactly the field's bytes and returns true; it returns false for tags it does
    /// not know, which are returned raw.
    mutating func readKafkaTaggedFields(_ known: (UInt32, inout ByteReader) -> Bool) -> [KafkaTaggedField] {
        let count = Int(readUVarInt32())
        // Every entry takes at least two bytes (tag and size).
        if count > remaining / 2 {
            fail(.needMoreData, "\(count) tagged fields cannot fit in \(remaining) bytes")
            return []
        }
        var unknown: [KafkaTaggedField] = []
        var previousTag: Int64 = -1
        for _ in 0..<count {
            let tag = readUVarInt32()
            let size = Int(readUVarInt32())
            if failed { return [] }
            guard Int64(tag) > previousTag else {
                fail(.malformed, "tagged field \(tag) out of order or repeated")
                return []
            }
            previousTag = Int64(tag)
            let range = readRange(size)
            if failed { return [] }
            var field = ByteReader(bytes, range: range)
            if known(tag, &field) {
                if let error = field.error {
                    fail(error.code, "tagged field \(tag): \(error.message)")
                    return []
                }
                if !field.isAtEnd {
                    fail(.malformed, "tagged field \(tag) has \(field.remaining) unread bytes")
                    return []
                }
            } else {
                unknown.append(KafkaTaggedField(tag: tag, data: Array(bytes[range])))
            }
        }
        return unknown
    }

    mutating func failUnknownVersion(_ message: String, _ version: Int16) {
        fail(.malformed, "\(message) has no version \(version)")
    }
}
