/// One entry of a flexible version's tagged-field section, kept as raw bytes.
///
/// Decoders keep tags they do not know here so a message can be re-encoded without losing them
/// (KIP-482: receivers must ignore and may preserve unknown tags).
public struct KafkaTaggedField: Sendable, Hashable {
    public var tag: UInt32
    public var data: [UInt8]

    public init(tag: UInt32, data: [UInt8]) {
        self.tag = tag
        self.data = data
    }
}
