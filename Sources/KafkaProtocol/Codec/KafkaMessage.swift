import WireCore

/// A message body defined by one of Kafka's JSON schemas, encodable at any of its valid versions.
///
/// `decode` follows the sticky-error style of `ByteReader`: it always returns a value, and the
/// caller checks `reader.failed` (or `try reader.check()`) once afterwards.
public protocol KafkaMessage: Sendable, Equatable {
    /// The schema's name, e.g. "FetchRequest".
    static var messageName: String { get }
    /// The versions this codec can read and write.
    static var validVersions: ClosedRange<Int16> { get }
    /// Whether `version` uses compact strings/arrays and tagged fields (KIP-482).
    static func isFlexible(_ version: Int16) -> Bool

    /// A value with every field at its schema default.
    init()

    /// Appends the body at `version`. Throws when the value cannot be sent at that version
    /// (a null in a non-nullable field, a non-ignorable field the version lacks, ...).
    func encode(into writer: inout ByteWriter, version: Int16) throws(KafkaProtocolError)
    /// Reads the body at `version`; failures are left in `reader`.
    static func decode(from reader: inout ByteReader, version: Int16) -> Self
}

/// A request or response of one API.
public protocol KafkaApiMessage: KafkaMessage {
    static var apiKey: Int16 { get }
}

public protocol KafkaRequest: KafkaApiMessage {
    associatedtype Response: KafkaResponse
    /// About how many bytes the encoded request takes, so that its frame is allocated once
    /// instead of grown (and copied) step by step; requests carrying records say so.
    var encodedSizeHint: Int { get }
}

extension KafkaRequest {
    public var encodedSizeHint: Int { 256 }
}

public protocol KafkaResponse: KafkaApiMessage {}

extension KafkaMessage {
    /// The body alone, at `version`.
    public func encoded(version: Int16) throws(KafkaProtocolError) -> [UInt8] {
        var writer = ByteWriter()
        try encode(into: &writer, version: version)
        return writer.bytes
    }

    /// Decodes a whole body; every byte must be consumed.
    public static func decode(_ bytes: [UInt8], version: Int16) throws(KafkaProtocolError) -> Self {
        var reader = ByteReader(bytes)
        let value = decode(from: &reader, version: version)
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard reader.isAtEnd else {
            throw KafkaProtocolError(.malformed, "\(messageName) v\(version): \(reader.remaining) bytes left over")
        }
        return value
    }

    /// Throws unless `version` is one this codec knows.
    public static func checkVersion(_ version: Int16) throws(KafkaProtocolError) {
        guard validVersions.contains(version) else {
            throw KafkaProtocolError(.unsupportedVersion, "\(messageName) has no version \(version) (valid: \(validVersions))")
        }
    }
}

extension KafkaRequest {
    /// The request header version that goes with `version` of this request: 2 for flexible
    /// versions, else 1 (KIP-482). Version 0 of the header is only used by ControlledShutdown v0.
    public static func requestHeaderVersion(for version: Int16) -> Int16 {
        isFlexible(version) ? 2 : 1
    }

    /// The response header version that goes with `version`: 1 for flexible versions, else 0.
    /// ApiVersions always answers with header v0, so that a client which sent a version the
    /// broker does not know can still read the reply (KIP-511).
    public static func responseHeaderVersion(for version: Int16) -> Int16 {
        if apiKey == ApiVersionsRequest.apiKey { return 0 }
        return isFlexible(version) ? 1 : 0
    }
}
