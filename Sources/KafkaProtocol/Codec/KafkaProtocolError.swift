import WireCore

/// The one error type of the KafkaProtocol module: a stable code to branch on, a message for
/// people, and whether trying again could succeed.
///
/// Errors a *broker* reports inside a response body are not this type; they are `KafkaErrorCode`
/// values carried in the decoded message.
public struct KafkaProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The bytes end before the value does; more bytes may complete it.
        case needMoreData
        /// The bytes break the wire format (bad length, bad CRC, bad tag, bad magic...).
        case malformed
        /// A size over the limit the caller set (frame size, decompressed size).
        case limitExceeded
        /// A value this version of a message cannot carry (a null in a non-nullable field,
        /// a non-default value in a field the version lacks, an unknown API version).
        case unsupportedVersion
        /// A compression codec that this module does not implement (zstd).
        case unsupportedCompression
        /// A value that the encoder cannot represent (a string longer than Int16.max, say).
        case invalidValue
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Wraps the sticky error of a `ByteReader`.
    public init(_ wire: WireError) {
        switch wire.code {
        case .needMoreData: self.init(.needMoreData, wire.description)
        case .limitExceeded: self.init(.limitExceeded, wire.description)
        case .malformed, .invalidUTF8: self.init(.malformed, wire.description)
        }
    }

    /// Only a short read can be cured by waiting for more bytes.
    public var isRetriable: Bool { code == .needMoreData }

    public var description: String { "\(code.rawValue): \(message)" }
}
