import KafkaProtocol

/// The consumer group protocol inside JoinGroup and SyncGroup: to the broker a member's
/// `metadata` and `assignment` are opaque bytes, but for protocol type "consumer" they are
/// versioned messages of their own (ConsumerProtocolSubscription, ConsumerProtocolAssignment),
/// and a sticky assignor's `userData` holds the member's previous assignment and generation.
/// Shown nested under the bytes field when they decode; other protocols' bytes stay opaque.
enum ConsumerProtocolFields {
    static func append(label: String, _ bytes: [UInt8], at offset: Int, depth: Int, into fields: inout [AnnotatedField]) {
        var ignored: [Range<Int>] = []
        switch label {
        case "metadata":
            guard let (version, subscription) = try? KafkaConsumerProtocol.decodeSubscription(bytes) else { return }
            fields.append(AnnotatedField(offset..<offset, "as consumer subscription", "version \(version)", depth: depth))
            MirrorFields.append(subscription, at: offset, depth: depth + 1, into: &fields, recordSets: &ignored)
        case "assignment":
            guard !bytes.isEmpty, let (version, assignment) = try? KafkaConsumerProtocol.decodeAssignment(bytes) else { return }
            fields.append(AnnotatedField(offset..<offset, "as consumer assignment", "version \(version)", depth: depth))
            MirrorFields.append(assignment, at: offset, depth: depth + 1, into: &fields, recordSets: &ignored)
        case "userData":
            guard let sticky = StickyAssignorUserData.decode(bytes) else { return }
            fields.append(AnnotatedField(offset..<offset, "as sticky assignor data", "", depth: depth))
            MirrorFields.append(sticky, at: offset, depth: depth + 1, into: &fields, recordSets: &ignored)
        default:
            return
        }
    }
}
