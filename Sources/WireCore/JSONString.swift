/// A string as a JSON string literal (RFC 8259 §7): quotes, backslash and control characters
/// escaped, everything else as is. For the small JSON documents written by hand (problem details,
/// the wire tools' output); the codecs with their own writers append into their buffers directly.
public enum JSONString {
    public static func quoted(_ text: String) -> String {
        // Most strings need no escape: one scan, one concatenation.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
