/// The one error type of the bytes layer: a stable code to branch on, a message for people,
/// and whether trying again could succeed.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The input ended before the value did; more bytes may complete it.
        case needMoreData
        /// A length, count or varint that the format forbids (negative, too long, overlong encoding).
        case malformed
        /// A value larger than the limit the caller set.
        case limitExceeded
        /// Bytes that should be UTF-8 are not.
        case invalidUTF8
    }

    public let code: Code
    public let message: String
    /// The offset into the input where the problem was found.
    public let offset: Int

    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// Only a short read can be cured by waiting for more bytes.
    public var isRetriable: Bool { code == .needMoreData }

    public var description: String { "\(code.rawValue) at offset \(offset): \(message)" }
}
