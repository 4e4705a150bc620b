/// Writes S3 request bodies: `<?xml ...?>` and one element tree, text and attribute values escaped.
public enum XMLWriter {
    public static func document(_ root: XMLElement) -> [UInt8] {
        var out: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)
        write(root, to: &out)
        return out
    }

    public static func write(_ element: XMLElement, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: element.name.utf8)
        for attribute in element.attributes {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: attribute.name.utf8)
            out.append(contentsOf: "=\"".utf8)
            escape(attribute.value, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if element.children.isEmpty && element.text.isEmpty {
            out.append(contentsOf: "/>".utf8)
            return
        }
        out.append(UInt8(ascii: ">"))
        escape(element.text, to: &out)
        for child in element.children { write(child, to: &out) }
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: element.name.utf8)
        out.append(UInt8(ascii: ">"))
    }

    /// Escapes the markup characters; `\r` too, which a reader would otherwise normalise to `\n`.
    static func escape(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&apos;".utf8)
            case 0x0D: out.append(contentsOf: "&#13;".utf8)
            default: out.append(b)
            }
        }
    }
}
