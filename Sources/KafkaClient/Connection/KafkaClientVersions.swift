import KafkaProtocol

/// The newest version of each API that this client's logic speaks, when it is older than what
/// the generated codec can encode. Newer versions change the request's shape in ways the client
/// does not use yet; each entry says why. Negotiation picks the highest version that the
/// broker, the codec and this table all allow.
public enum KafkaClientVersions {
    static let caps: [Int16: Int16] = [
        // Fetch v13+ names topics by id only; the client addresses topics by name.
        FetchRequest.apiKey: 12,
        // OffsetFetch v8+ batches several groups in `groups`; the client asks for one group.
        OffsetFetchRequest.apiKey: 7,
        // OffsetCommit v9+ is the KIP-848 consumer protocol (member epochs).
        OffsetCommitRequest.apiKey: 8,
        // FindCoordinator v4+ batches keys in `coordinatorKeys`; the client looks up one key.
        FindCoordinatorRequest.apiKey: 3,
        // Metadata v10+ adds topic ids the client does not need; v9 is flexible already.
        MetadataRequest.apiKey: 9,
        // ListOffsets v9+ only adds timeouts and tiered-storage timestamps.
        ListOffsetsRequest.apiKey: 7,
        // JoinGroup v9 only adds `skipAssignment` for KIP-814 static members.
        JoinGroupRequest.apiKey: 8,
        // DeleteTopics v6 names topics by id as well; names are enough.
        DeleteTopicsRequest.apiKey: 5,
    ]

    public static func cap(_ apiKey: Int16, codec: ClosedRange<Int16>) -> ClosedRange<Int16> {
        guard let cap = caps[apiKey], cap >= codec.lowerBound else { return codec }
        return codec.lowerBound...min(cap, codec.upperBound)
    }
}
