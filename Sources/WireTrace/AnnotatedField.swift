/// One named piece of a frame: which bytes, what the protocol calls them, and what they mean.
///
/// Annotators walk a frame's bytes themselves (rather than asking the codecs) so that every field
/// carries its exact offsets: the point of a trace is to show which bytes say what.
public struct AnnotatedField: Sendable, Equatable {
    /// Offsets within the frame.
    public var range: Range<Int>
    /// The protocol's own name for the field (`correlation_id`, `flagBits`, `array header`).
    public var name: String
    /// The decoded value, rendered for a human (already truncated if long).
    public var value: String
    /// Nesting level, for indentation (a field of a document inside a document is depth 2).
    public var depth: Int

    public init(_ range: Range<Int>, _ name: String, _ value: String, depth: Int = 0) {
        self.range = range
        self.name = name
        self.value = value
        self.depth = depth
    }
}

/// A whole frame as it crossed the socket, with its fields.
public struct AnnotatedFrame: Sendable, Equatable {
    public enum Direction: String, Sendable { case sent, received }

    public var direction: Direction
    public var protocolName: String
    /// A one-line summary (`OP_MSG request 7: find`, `RESP array (3)`).
    public var summary: String
    public var bytes: [UInt8]
    public var fields: [AnnotatedField]
    /// Set when the bytes could not be decoded: what went wrong and where.
    public var decodeFailure: String?

    public init(direction: Direction, protocolName: String, summary: String, bytes: [UInt8],
                fields: [AnnotatedField], decodeFailure: String? = nil) {
        self.direction = direction
        self.protocolName = protocolName
        self.summary = summary
        self.bytes = bytes
        self.fields = fields
        self.decodeFailure = decodeFailure
    }
}

/// Renders values for a trace: short, printable, never multi-line.
enum TraceText {
    static let maximumValueLength = 96

    static func quoted<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var text = "\""
        for byte in bytes.prefix(maximumValueLength) {
            switch byte {
            case 0x22: text += "\\\""
            case 0x5C: text += "\\\\"
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        text += "\""
        if bytes.count > maximumValueLength { text += "… (\(bytes.count) bytes)" }
        return text
    }

    static func truncated(_ text: String) -> String {
        text.count <= maximumValueLength ? text : String(text.prefix(maximumValueLength)) + "…"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
