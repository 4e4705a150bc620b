import WireCore

/// The consumer group protocol's payloads (the "consumer" protocol type of JoinGroup and
/// SyncGroup): a subscription in each JoinGroup protocol's metadata and an assignment in
/// SyncGroup. Unlike API messages they carry their own version as a leading Int16.
public enum KafkaConsumerProtocol {
    public static func encode(_ subscription: ConsumerProtocolSubscription, version: Int16) throws(KafkaProtocolError) -> [UInt8] {
        try encodeVersioned(subscription, version: version)
    }

    public static func encode(_ assignment: ConsumerProtocolAssignment, version: Int16) throws(KafkaProtocolError) -> [UInt8] {
        try encodeVersioned(assignment, version: version)
    }

    /// Reads a subscription. A version newer than this codec knows is read as the newest it
    /// knows, ignoring the fields it cannot see, as Kafka's ConsumerProtocol does (newer
    /// versions only append fields).
    public static func decodeSubscription(_ bytes: [UInt8]) throws(KafkaProtocolError) -> (version: Int16, subscription: ConsumerProtocolSubscription) {
        try decodeVersioned(bytes)
    }

    public static func decodeAssignment(_ bytes: [UInt8]) throws(KafkaProtocolError) -> (version: Int16, assignment: ConsumerProtocolAssignment) {
        let (version, value): (Int16, ConsumerProtocolAssignment) = try decodeVersioned(bytes)
        return (version, value)
    }

    private static func encodeVersioned<M: KafkaMessage>(_ message: M, version: Int16) throws(KafkaProtocolError) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeInt16BE(version)
        try message.encode(into: &writer, version: version)
        return writer.bytes
    }

    private static func decodeVersioned<M: KafkaMessage>(_ bytes: [UInt8]) throws(KafkaProtocolError) -> (Int16, M) {
        var reader = ByteReader(bytes)
        let version = reader.readInt16BE()
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard version >= M.validVersions.lowerBound else {
            throw KafkaProtocolError(.unsupportedVersion, "\(M.messageName) version \(version)")
        }
        let readAs = min(version, M.validVersions.upperBound)
        let value = M.decode(from: &reader, version: readAs)
        if let error = reader.error { throw KafkaProtocolError(error) }
        if readAs == version && !reader.isAtEnd {
            throw KafkaProtocolError(.malformed, "\(M.messageName) v\(version): \(reader.remaining) bytes left over")
        }
        return (version, value)
    }
}
