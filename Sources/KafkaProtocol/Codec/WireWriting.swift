import WireCore

// Writing helpers for the Kafka field types, used by the generated messages.

extension ByteWriter {
    mutating func writeKafkaString(_ value: String?, compact: Bool, nullable: Bool, field: StaticString) throws(KafkaProtocolError) {
        guard let value else {
            guard nullable else { throw KafkaProtocolError(.invalidValue, "\(field) is nil but not nullable in this version") }
            if compact { writeUVarInt(0) } else { writeInt16BE(-1) }
            return
        }
        if compact {
            writeCompactString(value)
        } else {
            guard value.utf8.count <= Int(Int16.max) else {
                throw KafkaProtocolError(.invalidValue, "\(field) is \(value.utf8.count) bytes, over the 32767 of a STRING")
            }
            writeInt16PrefixedString(value)
        }
    }

    mutating func writeKafkaBytes(_ value: [UInt8]?, compact: Bool, nullable: Bool, field: StaticString) throws(KafkaProtocolError) {
        guard try writeKafkaBytesLength(value?.count, compact: compact, nullable: nullable, field: field), let value else { return }
        writeBytes(value)
    }

    /// RECORDS or COMPACT_RECORDS from a view (written without an intermediate copy).
    mutating func writeKafkaRecords(_ value: ByteView?, compact: Bool, nullable: Bool, field: StaticString) throws(KafkaProtocolError) {
        guard try writeKafkaBytesLength(value?.count, compact: compact, nullable: nullable, field: field), let value else { return }
        writeBytes(value)
    }

    /// The length of BYTES/RECORDS (Int32, -1 null) or their compact forms (uvarint + 1, 0 null);
    /// true when the bytes follow, false after a null.
    private mutating func writeKafkaBytesLength(_ count: Int?, compact: Bool, nullable: Bool, field: StaticString) throws(KafkaProtocolError) -> Bool {
        guard let count else {
            guard nullable else { throw KafkaProtocolError(.invalidValue, "\(field) is nil but not nullable in this version") }
            if compact { writeUVarInt(0) } else { writeInt32BE(-1) }
            return false
        }
        guard count < Int(Int32.max) else {
            throw KafkaProtocolError(.invalidValue, "\(field) is \(count) bytes, too long for the wire")
        }
        if compact { writeUVarInt(UInt64(count + 1)) } else { writeInt32BE(Int32(count)) }
        return true
    }

    /// The length prefix of an array; nil writes a null array.
    mutating func writeKafkaArrayCount(_ count: Int?, compact: Bool, nullable: Bool, field: StaticString) throws(KafkaProtocolError) {
        guard let count else {
            guard nullable else { throw KafkaProtocolError(.invalidValue, "\(field) is nil but not nullable in this version") }
            if compact { writeUVarInt(0) } else { writeInt32BE(-1) }
            return
        }
        guard count < Int(Int32.max) else {
            throw KafkaProtocolError(.invalidValue, "\(field) has \(count) elements, too many for the wire")
        }
        if compact { writeUVarInt(UInt64(count + 1)) } else { writeInt32BE(Int32(count)) }
    }

    mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeUInt64BE(value.high)
        writeUInt64BE(value.low)
    }

    /// Writes a tagged-field section: the known fields and the preserved unknown ones, in
    /// ascending tag order as KIP-482 requires.
    mutating func writeKafkaTaggedFields(_ known: [KafkaTaggedField], unknown: [KafkaTaggedField]) throws(KafkaProtocolError) {
        var all = known
        all.append(contentsOf: unknown)
        if all.count > 1 {
            all.sort { $0.tag < $1.tag }
            for index in 1..<all.count where all[index].tag == all[index - 1].tag {
                throw KafkaProtocolError(.invalidValue, "tagged field \(all[index].tag) appears twice")
            }
        }
        writeUVarInt(UInt64(all.count))
        for field in all {
            writeUVarInt(UInt64(field.tag))
            writeUVarInt(UInt64(field.data.count))
            writeBytes(field.data)
        }
    }
}

extension KafkaProtocolError {
    /// A field the version cannot carry holds a value the receiver would not see.
    static func fieldNotInVersion(_ field: StaticString, _ version: Int16) -> KafkaProtocolError {
        KafkaProtocolError(.unsupportedVersion, "\(field) is set but version \(version) cannot carry it")
    }

    static func unknownVersion(_ message: String, _ version: Int16) -> KafkaProtocolError {
        KafkaProtocolError(.unsupportedVersion, "\(message) has no version \(version)")
    }
}
