/// The one error type of the RESP module: a decoding failure or a value that cannot be encoded.
///
/// "Need more data" is not an error: `RESPDecoder.next()` returns nil for it.
public struct RESPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The first byte of a value is not a RESP2/RESP3 type byte.
        case badTypeByte
        /// A length or element count is not a valid decimal, or is negative where -1 (null) is not allowed.
        case badLength
        /// A line or a bulk body is not terminated by CR LF (or a bare CR/LF appears inside a line).
        case missingCRLF
        /// An `:` integer is not a decimal that fits 64 bits.
        case invalidInteger
        /// A `,` double is not a decimal floating-point number, `inf`, `-inf` or `nan`.
        case invalidDouble
        /// A `#` boolean is not `t` or `f`.
        case invalidBoolean
        /// A `(` big number is not an optionally signed run of decimal digits.
        case invalidBigNumber
        /// A `=` verbatim string is shorter than 4 bytes or lacks the `:` after its 3-byte format.
        case invalidVerbatim
        /// A simple string or error (or a verbatim format) is not valid UTF-8.
        case invalidUTF8
        /// Aggregates are nested deeper than `RESPLimits.maxDepth`.
        case depthLimitExceeded
        /// An aggregate announces more elements than `RESPLimits.maxElementCount`.
        case elementCountLimitExceeded
        /// A bulk, bulk-error or verbatim length is over `RESPLimits.maxBulkLength`.
        case bulkLengthLimitExceeded
        /// A line (type byte to CR LF) is longer than `RESPLimits.maxLineLength`.
        case lineLengthLimitExceeded
        /// The encoder was given a simple string or error containing CR or LF, a verbatim format that is not 3 bytes, or a non-decimal big number.
        case unencodable
    }

    public let code: Code
    public let message: String
    /// Byte offset (in the decoder's stream) where the problem was found; nil for encoding errors.
    public let offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// A malformed stream cannot be resynchronised: every RESP error means the connection must be dropped,
    /// so retrying the same bytes never helps. (Server error replies such as `-TRYAGAIN` are values, not RESPErrors.)
    public var isRetriable: Bool { false }

    public var description: String {
        if let offset { return "RESP \(code.rawValue) at byte \(offset): \(message)" }
        return "RESP \(code.rawValue): \(message)"
    }
}
