import RESP
import WireCore

/// Names every token of a RESP2/RESP3 frame: type byte, length or count line, payload.
///
/// The walk is separate from `RESPDecoder` because the decoder throws offsets away once a value
/// is built; here they are the point. It runs only on frames the decoder already accepted (see
/// `RESPFramer`), so it needs no limits beyond a depth guard.
public enum RESPAnnotator {
    public static func annotate(_ bytes: [UInt8], direction: AnnotatedFrame.Direction) -> AnnotatedFrame {
        var fields: [AnnotatedField] = []
        var failure: String?
        var summary = "RESP"
        do {
            var walker = Walker(bytes: bytes)
            summary = try walker.value(at: 0, depth: 0, into: &fields).summary
        } catch {
            failure = error.message
        }
        return AnnotatedFrame(direction: direction, protocolName: "RESP", summary: summary, bytes: bytes,
                              fields: fields, decodeFailure: failure)
    }

    struct WalkError: Error { var message: String }

    struct Walker {
        let bytes: [UInt8]
        static let maximumDepth = 64

        /// Annotates the value at `offset`; returns where it ends and a one-line summary.
        mutating func value(at offset: Int, depth: Int, into fields: inout [AnnotatedField]) throws(WalkError)
            -> (end: Int, summary: String)
        {
            guard depth < Self.maximumDepth else { throw WalkError(message: "nesting deeper than \(Self.maximumDepth)") }
            guard offset < bytes.count else { throw WalkError(message: "frame ends at \(offset), a value was expected") }
            let type = bytes[offset]
            let lineEnd = try endOfLine(from: offset + 1)
            let line = bytes[(offset + 1)..<lineEnd]
            let header = offset..<(lineEnd + 2)
            let text = String(decoding: line, as: UTF8.self)
            switch type {
            case UInt8(ascii: "+"):
                fields.append(AnnotatedField(header, "simple string", TraceText.quoted(line), depth: depth))
                return (header.upperBound, "simple string " + TraceText.quoted(line))
            case UInt8(ascii: "-"):
                fields.append(AnnotatedField(header, "simple error", TraceText.quoted(line), depth: depth))
                return (header.upperBound, "error " + TraceText.quoted(line))
            case UInt8(ascii: ":"):
                fields.append(AnnotatedField(header, "integer", text, depth: depth))
                return (header.upperBound, "integer \(text)")
            case UInt8(ascii: "_"):
                fields.append(AnnotatedField(header, "null", "", depth: depth))
                return (header.upperBound, "null")
            case UInt8(ascii: "#"):
                fields.append(AnnotatedField(header, "boolean", text == "t" ? "true" : "false", depth: depth))
                return (header.upperBound, "boolean")
            case UInt8(ascii: ","):
                fields.append(AnnotatedField(header, "double", text, depth: depth))
                return (header.upperBound, "double \(text)")
            case UInt8(ascii: "("):
                fields.append(AnnotatedField(header, "big number", text, depth: depth))
                return (header.upperBound, "big number")
            case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                let kind = type == UInt8(ascii: "$") ? "bulk string" : type == UInt8(ascii: "!") ? "bulk error" : "verbatim string"
                guard let length = Int(text), length >= -1 else { throw WalkError(message: "bad \(kind) length \"\(text)\" at \(offset)") }
                if length == -1 {
                    fields.append(AnnotatedField(header, kind, "null (RESP2)", depth: depth))
                    return (header.upperBound, "null \(kind)")
                }
                fields.append(AnnotatedField(header, kind + " length", String(length), depth: depth))
                let payloadEnd = header.upperBound + length
                guard payloadEnd + 2 <= bytes.count else { throw WalkError(message: "\(kind) of \(length) bytes runs past the frame") }
                let payload = bytes[header.upperBound..<payloadEnd]
                fields.append(AnnotatedField(header.upperBound..<(payloadEnd + 2), kind, TraceText.quoted(payload), depth: depth))
                return (payloadEnd + 2, "\(kind) " + TraceText.quoted(payload))
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
                let kind = [UInt8(ascii: "*"): "array", UInt8(ascii: "~"): "set", UInt8(ascii: ">"): "push",
                            UInt8(ascii: "%"): "map", UInt8(ascii: "|"): "attribute"][type] ?? "aggregate"
                guard let count = Int(text), count >= -1 else { throw WalkError(message: "bad \(kind) count \"\(text)\" at \(offset)") }
                if count == -1 {
                    fields.append(AnnotatedField(header, kind, "null (RESP2)", depth: depth))
                    return (header.upperBound, "null \(kind)")
                }
                let isPairs = kind == "map" || kind == "attribute"
                fields.append(AnnotatedField(header, kind + " header", isPairs ? "\(count) pairs" : "\(count) elements", depth: depth))
                var cursor = header.upperBound
                var firstWords: [String] = []
                for _ in 0..<(isPairs ? count * 2 : count) {
                    let child = try value(at: cursor, depth: depth + 1, into: &fields)
                    // A command is an array of bulk strings: show its first words in the summary.
                    if firstWords.count < 4, child.summary.hasPrefix("bulk string ") {
                        firstWords.append(String(child.summary.dropFirst("bulk string ".count)))
                    }
                    cursor = child.end
                }
                if kind == "attribute" {
                    // The attribute decorates the value that follows it.
                    let decorated = try value(at: cursor, depth: depth, into: &fields)
                    return (decorated.end, "attribute + " + decorated.summary)
                }
                let words = firstWords.isEmpty ? "" : ": " + firstWords.joined(separator: " ")
                return (cursor, "\(kind) (\(count))" + words)
            default:
                throw WalkError(message: "unknown type byte 0x\(Hex.encode(CollectionOfOne(type))) at \(offset)")
            }
        }

        func endOfLine(from start: Int) throws(WalkError) -> Int {
            var index = start
            while index + 1 < bytes.count {
                if bytes[index] == 0x0D && bytes[index + 1] == 0x0A { return index }
                index += 1
            }
            throw WalkError(message: "no CRLF after offset \(start)")
        }
    }
}

/// Splits a byte stream into whole RESP frames (one top-level value each), with the decoder's
/// limits, so a trace can annotate each as it completes.
public struct RESPFramer: Sendable {
    private var decoder = RESPDecoder()
    /// Bytes of the frame in progress (and any after it).
    private var pending: [UInt8] = []
    /// Bytes appended so far minus those already returned as frames.
    private var appendedSinceLastFrame = 0

    public init() {}

    /// Adds received bytes; returns the frames completed by them.
    public mutating func append(_ bytes: [UInt8]) throws(RESPError) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        decoder.append(bytes)
        appendedSinceLastFrame += bytes.count
        var frames: [[UInt8]] = []
        // The decoder consumes partial values into its own stack, so a frame's length is what it
        // consumed since the last frame: appended minus still buffered.
        while try decoder.next() != nil {
            let length = appendedSinceLastFrame - decoder.bufferedByteCount
            frames.append(Array(pending.prefix(length)))
            pending.removeFirst(length)
            appendedSinceLastFrame -= length
        }
        return frames
    }
}
