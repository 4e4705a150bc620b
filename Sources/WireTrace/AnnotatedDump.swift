import WireCore

/// The textbook view of a frame: offset, raw bytes and meaning, one field per line.
///
///     >>> sent RESP, 22 bytes: array (2)
///     0000  2a 32 0d 0a                    array header            count = 2
///     0004  24 33 0d 0a                    bulk string length      3
///     0008  47 45 54 0d 0a                 bulk string             "GET"
///
/// A field longer than `bytesPerLine` continues on the next lines with its own offsets. Bytes no
/// field claims are shown as `(unannotated)`, so nothing that crossed the wire is hidden.
public enum AnnotatedDump {
    public static let bytesPerLine = 12

    public static func render(_ frame: AnnotatedFrame) -> String {
        var out = frame.direction == .sent ? ">>> sent " : "<<< received "
        out += "\(frame.protocolName), \(frame.bytes.count) bytes: \(frame.summary)\n"
        var cursor = 0
        // By offset; fields at the same offset keep the order the annotator gave (outer before inner).
        let fields = frame.fields.enumerated()
            .sorted { ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset) }
            .map(\.element)
        for field in fields {
            if field.range.lowerBound > cursor {
                appendLines(&out, frame.bytes, cursor..<field.range.lowerBound, "(unannotated)", "", 0)
            }
            appendLines(&out, frame.bytes, field.range, field.name, field.value, field.depth)
            cursor = max(cursor, field.range.upperBound)
        }
        if cursor < frame.bytes.count {
            appendLines(&out, frame.bytes, cursor..<frame.bytes.count, "(unannotated)", "", 0)
        }
        if let failure = frame.decodeFailure { out += "!!! decode failure: \(failure)\n" }
        return out
    }

    private static func appendLines(_ out: inout String, _ bytes: [UInt8], _ range: Range<Int>,
                                    _ name: String, _ value: String, _ depth: Int) {
        let clamped = range.clamped(to: 0..<bytes.count)
        var start = clamped.lowerBound
        var first = true
        repeat {
            let end = min(start + bytesPerLine, clamped.upperBound)
            let hex = bytes[start..<end].map { Hex.encode(CollectionOfOne($0)) }.joined(separator: " ")
            out += String(start, radix: 16).leftPadded(to: 4) + "  " + hex.rightPadded(to: bytesPerLine * 3)
            if first {
                let label = String(repeating: "  ", count: depth) + name
                out += " " + label.rightPadded(to: 28) + (value.isEmpty ? "" : " " + value)
            }
            out += "\n"
            first = false
            start = end
        } while start < clamped.upperBound
    }
}

/// A plain 16-bytes-per-line hex dump with ASCII, for frames no annotator understands.
public enum HexDump {
    public static func render<C: Collection>(_ bytes: C, baseOffset: Int = 0) -> String where C.Element == UInt8 {
        let array = Array(bytes)
        var out = ""
        var start = 0
        while start < array.count {
            let line = array[start..<min(start + 16, array.count)]
            var hex = line.map { Hex.encode(CollectionOfOne($0)) }.joined(separator: " ")
            hex = hex.rightPadded(to: 16 * 3)
            let ascii = String(line.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
            out += String(baseOffset + start, radix: 16).leftPadded(to: 8) + "  " + hex + " |" + ascii + "|\n"
            start += 16
        }
        return out
    }
}
