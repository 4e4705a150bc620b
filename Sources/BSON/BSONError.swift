/// The one error type of the BSON module: a stable code to branch on, a message for people,
/// and whether trying again could succeed.
public struct BSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The bytes end before the document does; more bytes may complete it.
        case needMoreData
        /// The bytes break the BSON format (bad length, missing terminator, unknown type, bad boolean...).
        case malformed
        /// A string, key or regex is not valid UTF-8.
        case invalidUTF8
        /// A document is larger, or nests deeper, than the limits allow.
        case limitExceeded
        /// A key, regex pattern or regex options contain a NUL byte, which BSON cannot encode.
        case nulInCString
        /// Text that is not valid JSON.
        case invalidJSON
        /// JSON that is valid but not valid Extended JSON (a bad `$oid`, `$date`, `$binary`...).
        case invalidExtendedJSON
        /// A string that is not a Decimal128 value, or one that cannot be stored without rounding.
        case invalidDecimal128
        /// A Codable type and the document disagree (missing key, wrong type, number out of range).
        case typeMismatch
        /// A Codable type asked for something BSON cannot express (a top-level scalar, say).
        case unsupported
    }

    public let code: Code
    public let message: String
    /// The byte offset (BSON) or character offset (JSON) where the problem was found, when known.
    public let offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// Only a short read can be cured by waiting for more bytes.
    public var isRetriable: Bool { code == .needMoreData }

    public var description: String {
        if let offset { return "BSON \(code.rawValue) at offset \(offset): \(message)" }
        return "BSON \(code.rawValue): \(message)"
    }
}
