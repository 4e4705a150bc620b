import WireCore

/// Names every element of a BSON document (bsonspec.org 1.1): its type, key and value, with offsets.
///
/// A scalar element is one field (`"count"  int32 7`); a document or array element is a header
/// field, its elements one level deeper, and the terminating zero byte.
public enum BSONAnnotator {
    /// Annotates the document at `offset`; returns where it ends.
    static func document(in bytes: [UInt8], at offset: Int, name: String, depth: Int,
                         into fields: inout [AnnotatedField]) throws(AnnotationError) -> Int
    {
        guard depth < 100 else { throw AnnotationError("BSON nesting deeper than 100 at \(offset)") }
        let length = try LittleEndian.int32(bytes, offset)
        guard length >= 5, offset + Int(length) <= bytes.count else {
            throw AnnotationError("document length \(length) at \(offset) does not fit the \(bytes.count - offset) bytes left")
        }
        let end = offset + Int(length)
        fields.append(AnnotatedField(offset..<(offset + 4), name, "document, \(length) bytes", depth: depth))
        var cursor = offset + 4
        while cursor < end - 1 {
            cursor = try element(in: bytes, at: cursor, documentEnd: end - 1, depth: depth + 1, into: &fields)
        }
        guard cursor == end - 1, bytes[cursor] == 0 else { throw AnnotationError("document at \(offset) lacks its final 0x00") }
        fields.append(AnnotatedField(cursor..<end, "end of document", "", depth: depth))
        return end
    }

    private static func element(in bytes: [UInt8], at offset: Int, documentEnd: Int, depth: Int,
                                into fields: inout [AnnotatedField]) throws(AnnotationError) -> Int
    {
        let type = bytes[offset]
        let keyEnd = try cStringEnd(bytes, from: offset + 1, limit: documentEnd)
        let key = TraceText.quoted(bytes[(offset + 1)..<keyEnd])
        let valueStart = keyEnd + 1
        func scalar(_ size: Int, _ typeName: String, _ render: (Int) -> String) throws(AnnotationError) -> Int {
            guard valueStart + size <= documentEnd else { throw AnnotationError("\(typeName) \(key) runs past its document") }
            fields.append(AnnotatedField(offset..<(valueStart + size), key, typeName + " " + render(valueStart), depth: depth))
            return valueStart + size
        }
        switch type {
        case 0x01:
            return try scalar(8, "double") { Double(bitPattern: LittleEndian.uint64InBounds(bytes, $0)).description }
        case 0x02, 0x0D, 0x0E:
            let typeName = type == 0x02 ? "string" : type == 0x0D ? "javascript" : "symbol"
            let size = try stringSize(bytes, at: valueStart, limit: documentEnd)
            return try scalar(size, typeName) { TraceText.quoted(bytes[($0 + 4)..<($0 + size - 1)]) }
        case 0x03, 0x04:
            fields.append(AnnotatedField(offset..<valueStart, key, type == 0x03 ? "embedded document" : "array", depth: depth))
            return try document(in: bytes, at: valueStart, name: "length", depth: depth + 1, into: &fields)
        case 0x05:
            let length = Int(try LittleEndian.int32(bytes, valueStart))
            guard length >= 0 else { throw AnnotationError("negative binary length at \(valueStart)") }
            return try scalar(5 + length, "binary") {
                "subtype 0x\(Hex.encode(CollectionOfOne(bytes[$0 + 4]))), \(length) bytes " + TraceText.quoted(bytes[($0 + 5)..<($0 + 5 + length)].prefix(32))
            }
        case 0x06: return try scalar(0, "undefined") { _ in "" }
        case 0x07: return try scalar(12, "ObjectId") { Hex.encode(bytes[$0..<($0 + 12)]) }
        case 0x08: return try scalar(1, "boolean") { bytes[$0] == 0 ? "false" : "true" }
        case 0x09: return try scalar(8, "UTC datetime") { "\(Int64(bitPattern: LittleEndian.uint64InBounds(bytes, $0))) ms" }
        case 0x0A: return try scalar(0, "null") { _ in "" }
        case 0x0B:
            let patternEnd = try cStringEnd(bytes, from: valueStart, limit: documentEnd)
            let optionsEnd = try cStringEnd(bytes, from: patternEnd + 1, limit: documentEnd)
            return try scalar(optionsEnd + 1 - valueStart, "regex") {
                "/" + String(decoding: bytes[$0..<patternEnd], as: UTF8.self) + "/"
                    + String(decoding: bytes[(patternEnd + 1)..<optionsEnd], as: UTF8.self)
            }
        case 0x0C:
            let size = try stringSize(bytes, at: valueStart, limit: documentEnd)
            return try scalar(size + 12, "DBPointer") { TraceText.quoted(bytes[($0 + 4)..<($0 + size - 1)]) }
        case 0x0F:
            let total = Int(try LittleEndian.int32(bytes, valueStart))
            guard total >= 14 else { throw AnnotationError("code with scope of \(total) bytes at \(valueStart)") }
            return try scalar(total, "code with scope") { _ in "\(total) bytes" }
        case 0x10: return try scalar(4, "int32") { String(Int32(bitPattern: LittleEndian.uint32InBounds(bytes, $0))) }
        case 0x11:
            return try scalar(8, "timestamp") {
                "t=\(LittleEndian.uint32InBounds(bytes, $0 + 4)) i=\(LittleEndian.uint32InBounds(bytes, $0))"
            }
        case 0x12: return try scalar(8, "int64") { String(Int64(bitPattern: LittleEndian.uint64InBounds(bytes, $0))) }
        case 0x13: return try scalar(16, "decimal128") { Hex.encode(bytes[$0..<($0 + 16)]) }
        case 0xFF: return try scalar(0, "min key") { _ in "" }
        case 0x7F: return try scalar(0, "max key") { _ in "" }
        default: throw AnnotationError("unknown BSON type 0x\(Hex.encode(CollectionOfOne(type))) at \(offset)")
        }
    }

    private static func cStringEnd(_ bytes: [UInt8], from start: Int, limit: Int) throws(AnnotationError) -> Int {
        var index = start
        while index < limit {
            if bytes[index] == 0 { return index }
            index += 1
        }
        throw AnnotationError("unterminated C string at \(start)")
    }

    /// The size of a BSON string value: int32 length (which counts the trailing NUL) + bytes.
    private static func stringSize(_ bytes: [UInt8], at offset: Int, limit: Int) throws(AnnotationError) -> Int {
        let length = Int(try LittleEndian.int32(bytes, offset))
        guard length >= 1, offset + 4 + length <= limit, bytes[offset + 4 + length - 1] == 0 else {
            throw AnnotationError("bad string length \(length) at \(offset)")
        }
        return 4 + length
    }
}

/// Why a frame could not be annotated (the trace still shows its bytes).
public struct AnnotationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

enum LittleEndian {
    static func int32(_ bytes: [UInt8], _ offset: Int) throws(AnnotationError) -> Int32 {
        guard offset >= 0, offset + 4 <= bytes.count else { throw AnnotationError("need 4 bytes at \(offset)") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return Int32(bitPattern: value)
    }

    /// For offsets the caller has already bounds-checked.
    static func uint32InBounds(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return value
    }

    static func uint64InBounds(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }

    static func uint64(_ bytes: [UInt8], _ offset: Int) throws(AnnotationError) -> UInt64 {
        guard offset >= 0, offset + 8 <= bytes.count else { throw AnnotationError("need 8 bytes at \(offset)") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }
}
