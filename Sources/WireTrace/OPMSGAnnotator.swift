/// Names the parts of a MongoDB wire message: the 16-byte header, and for OP_MSG (opCode 2013)
/// the flag bits, each section (kind 0 body, kind 1 document sequence) with its BSON documents
/// element by element, and the optional CRC-32C checksum.
public enum OPMSGAnnotator {
    public static func annotate(_ bytes: [UInt8], direction: AnnotatedFrame.Direction) -> AnnotatedFrame {
        var fields: [AnnotatedField] = []
        var summary = "MongoDB message"
        var failure: String?
        do {
            summary = try walk(bytes, into: &fields)
        } catch {
            failure = error.message
        }
        return AnnotatedFrame(direction: direction, protocolName: "MongoDB", summary: summary, bytes: bytes,
                              fields: fields, decodeFailure: failure)
    }

    static func walk(_ bytes: [UInt8], into fields: inout [AnnotatedField]) throws(AnnotationError) -> String {
        let length = try LittleEndian.int32(bytes, 0)
        let requestId = try LittleEndian.int32(bytes, 4)
        let responseTo = try LittleEndian.int32(bytes, 8)
        let opCode = try LittleEndian.int32(bytes, 12)
        fields.append(AnnotatedField(0..<4, "messageLength", String(length)))
        fields.append(AnnotatedField(4..<8, "requestID", String(requestId)))
        fields.append(AnnotatedField(8..<12, "responseTo", String(responseTo)))
        fields.append(AnnotatedField(12..<16, "opCode", opCode == 2013 ? "2013 (OP_MSG)" : opCode == 2012 ? "2012 (OP_COMPRESSED)" : String(opCode)))
        guard Int(length) == bytes.count else { throw AnnotationError("messageLength \(length) but the frame has \(bytes.count) bytes") }
        guard opCode == 2013 else { return "opCode \(opCode), request \(requestId)" }
        let flags = UInt32(bitPattern: try LittleEndian.int32(bytes, 16))
        var flagNames: [String] = []
        if flags & 1 != 0 { flagNames.append("checksumPresent") }
        if flags & 2 != 0 { flagNames.append("moreToCome") }
        if flags & (1 << 16) != 0 { flagNames.append("exhaustAllowed") }
        fields.append(AnnotatedField(16..<20, "flagBits", "0x" + String(flags, radix: 16) + (flagNames.isEmpty ? "" : " (" + flagNames.joined(separator: ", ") + ")")))
        let sectionsEnd = bytes.count - (flags & 1 != 0 ? 4 : 0)
        var cursor = 20
        var command = ""
        while cursor < sectionsEnd {
            let kind = bytes[cursor]
            fields.append(AnnotatedField(cursor..<(cursor + 1), "section kind", kind == 0 ? "0 (body)" : kind == 1 ? "1 (document sequence)" : String(kind)))
            cursor += 1
            switch kind {
            case 0:
                if command.isEmpty { command = firstKey(bytes, at: cursor) }
                cursor = try BSONAnnotator.document(in: bytes, at: cursor, name: "body", depth: 1, into: &fields)
            case 1:
                let size = Int(try LittleEndian.int32(bytes, cursor))
                guard size >= 5, cursor + size <= sectionsEnd else { throw AnnotationError("section size \(size) at \(cursor) overruns the message") }
                let sequenceEnd = cursor + size
                fields.append(AnnotatedField(cursor..<(cursor + 4), "size", String(size), depth: 1))
                var identifierEnd = cursor + 4
                while identifierEnd < sequenceEnd, bytes[identifierEnd] != 0 { identifierEnd += 1 }
                guard identifierEnd < sequenceEnd else { throw AnnotationError("unterminated identifier at \(cursor + 4)") }
                fields.append(AnnotatedField((cursor + 4)..<(identifierEnd + 1), "identifier", TraceText.quoted(bytes[(cursor + 4)..<identifierEnd]), depth: 1))
                cursor = identifierEnd + 1
                var index = 0
                while cursor < sequenceEnd {
                    cursor = try BSONAnnotator.document(in: bytes, at: cursor, name: "document \(index)", depth: 1, into: &fields)
                    index += 1
                }
                guard cursor == sequenceEnd else { throw AnnotationError("document sequence overruns its size") }
            default:
                throw AnnotationError("unknown section kind \(kind) at \(cursor - 1)")
            }
        }
        if flags & 1 != 0 {
            let checksum = UInt32(bitPattern: try LittleEndian.int32(bytes, sectionsEnd))
            fields.append(AnnotatedField(sectionsEnd..<bytes.count, "checksum (CRC-32C)", "0x" + String(checksum, radix: 16)))
        }
        let role = responseTo == 0 ? "request \(requestId)" : "reply to \(responseTo)"
        return "OP_MSG \(role)" + (command.isEmpty ? "" : ": " + command)
    }

    /// The first key of the body names the command (`find`, `insert`) or, in a reply, is usually `ok`
    /// or `cursor`.
    private static func firstKey(_ bytes: [UInt8], at documentStart: Int) -> String {
        let keyStart = documentStart + 5
        guard keyStart < bytes.count else { return "" }
        var end = keyStart
        while end < bytes.count, bytes[end] != 0, end - keyStart < 64 { end += 1 }
        return String(decoding: bytes[keyStart..<end], as: UTF8.self)
    }
}
