/// Names the parts of an HTTP/1.1 message: start line, each header line, the blank line, and the
/// body — with each chunk-size line, chunk and the trailer section of a chunked body.
///
/// It walks a message our HTTP codec already framed, so it is lenient: anything it cannot place is
/// left unannotated rather than rejected.
public enum HTTPAnnotator {
    public static func annotate(_ bytes: [UInt8], direction: AnnotatedFrame.Direction) -> AnnotatedFrame {
        var fields: [AnnotatedField] = []
        var lineStart = 0
        var summary = "HTTP message"
        var chunked = false
        var failure: String?
        var index = 0
        // Start line and headers, up to the empty line.
        while let lineEnd = endOfLine(bytes, from: lineStart) {
            let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            let range = lineStart..<(lineEnd + 2)
            if index == 0 {
                summary = line
                fields.append(AnnotatedField(range, line.hasPrefix("HTTP/") ? "status line" : "request line", TraceText.truncated(line)))
            } else if line.isEmpty {
                fields.append(AnnotatedField(range, "end of header section", ""))
                lineStart = lineEnd + 2
                break
            } else {
                let name = line.prefix { $0 != ":" }
                let value = line.dropFirst(name.count + 1).trimmingSpaces
                if name.lowercased() == "transfer-encoding", value.lowercased().hasSuffix("chunked") { chunked = true }
                fields.append(AnnotatedField(range, "header " + name, TraceText.truncated(value)))
            }
            lineStart = lineEnd + 2
            index += 1
        }
        if lineStart < bytes.count {
            if chunked {
                failure = chunks(bytes, from: lineStart, into: &fields)
            } else {
                fields.append(AnnotatedField(lineStart..<bytes.count, "body", TraceText.quoted(bytes[lineStart...])))
            }
        }
        return AnnotatedFrame(direction: direction, protocolName: "HTTP", summary: summary, bytes: bytes,
                              fields: fields, decodeFailure: failure)
    }

    private static func chunks(_ bytes: [UInt8], from start: Int, into fields: inout [AnnotatedField]) -> String? {
        var cursor = start
        while let lineEnd = endOfLine(bytes, from: cursor) {
            let line = String(decoding: bytes[cursor..<lineEnd], as: UTF8.self)
            let sizeText = line.prefix { $0 != ";" }.trimmingSpaces
            guard let size = Int(sizeText, radix: 16), size >= 0, size <= StreamFramer.maximumFrameSize else {
                return "bad chunk-size line \"\(line)\" at \(cursor)"
            }
            fields.append(AnnotatedField(cursor..<(lineEnd + 2), "chunk size", "\(size) (0x\(sizeText))" + (line.contains(";") ? " with extensions" : "")))
            cursor = lineEnd + 2
            if size == 0 {
                // Trailer fields, then the final empty line.
                while let trailerEnd = endOfLine(bytes, from: cursor) {
                    let trailer = String(decoding: bytes[cursor..<trailerEnd], as: UTF8.self)
                    fields.append(AnnotatedField(cursor..<(trailerEnd + 2), trailer.isEmpty ? "end of chunked body" : "trailer", TraceText.truncated(trailer)))
                    cursor = trailerEnd + 2
                    if trailer.isEmpty { return nil }
                }
                return "chunked body ends without its final empty line"
            }
            guard cursor + size + 2 <= bytes.count else { return "chunk of \(size) bytes at \(cursor) runs past the message" }
            fields.append(AnnotatedField(cursor..<(cursor + size + 2), "chunk data", TraceText.quoted(bytes[cursor..<(cursor + size)])))
            cursor += size + 2
        }
        return "chunked body cut short at \(cursor)"
    }

    private static func endOfLine(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
