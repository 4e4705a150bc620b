import KafkaProtocol

/// A topic as `describeTopics` reports it.
public typealias KafkaTopicDescription = KafkaTopicMetadata

/// A consumer group as `listGroups` reports it.
public struct KafkaGroupListing: Sendable, Equatable {
    public var groupId: String
    public var protocolType: String
    /// "Stable", "Empty", ... (from ListGroups v4+; empty on older brokers).
    public var state: String
}

/// A consumer group as `describeGroups` reports it.
public struct KafkaGroupDescription: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var clientId: String
        public var clientHost: String
        /// The partitions the member holds, decoded from its consumer-protocol assignment.
        public var assignment: [KafkaTopicPartition]
    }

    public var groupId: String
    public var state: String
    public var protocolType: String
    /// The assignor in use ("range", "roundrobin").
    public var protocolName: String
    public var members: [Member]
}

/// Cluster administration: topics and consumer groups.
public struct KafkaAdmin: Sendable {
    public let cluster: KafkaCluster

    public init(cluster: KafkaCluster) {
        self.cluster = cluster
    }

    /// Creates a topic; an existing topic is an error (`.broker`, TOPIC_ALREADY_EXISTS) unless
    /// `ifNotExists`.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16 = 1,
                            configs: [String: String] = [:], ifNotExists: Bool = false) async throws(KafkaError) {
        var request = CreateTopicsRequest()
        request.timeoutMs = 30_000
        var topic = CreateTopicsRequest.CreatableTopic()
        topic.name = name
        topic.numPartitions = partitions
        topic.replicationFactor = replicationFactor
        topic.configs = configs.sorted { $0.key < $1.key }.map { CreateTopicsRequest.CreatableTopicConfig(name: $0.key, value: $0.value) }
        request.topics = [topic]
        let response = try await controllerSend(request)
        for result in response.topics where result.name == name {
            if ifNotExists && result.errorCode == KafkaErrorCode.topicAlreadyExists.rawValue { return }
            if let error = KafkaError.broker(result.errorCode, "create topic \(name)", message: result.errorMessage) { throw error }
        }
        await cluster.invalidate(topic: name)
    }

    /// Deletes topics by name.
    public func deleteTopics(_ names: [String]) async throws(KafkaError) {
        var request = DeleteTopicsRequest()
        request.timeoutMs = 30_000
        // By name (versions up to 5; the client caps DeleteTopics there).
        request.topicNames = names
        let response = try await controllerSend(request)
        for result in response.responses {
            if let error = KafkaError.broker(result.errorCode, "delete topic \(result.name ?? "?")", message: result.errorMessage) {
                throw error
            }
        }
        for name in names { await cluster.invalidate(topic: name) }
    }

    /// The names of all topics (internal ones left out unless asked for).
    public func listTopics(includeInternal: Bool = false) async throws(KafkaError) -> [String] {
        let response = try await cluster.refreshMetadata(topics: nil)
        return response.topics.filter { includeInternal || !$0.isInternal }.compactMap(\.name).sorted()
    }

    /// Partitions, leaders and replicas of each topic.
    public func describeTopics(_ names: [String]) async throws(KafkaError) -> [KafkaTopicDescription] {
        var out: [KafkaTopicDescription] = []
        for name in names { out.append(try await cluster.topic(name, refresh: true)) }
        return out
    }

    /// Every group on every broker.
    public func listGroups() async throws(KafkaError) -> [KafkaGroupListing] {
        try await cluster.refreshMetadata(topics: [])
        var out: [KafkaGroupListing] = []
        for broker in await cluster.knownBrokers {
            let response = try await cluster.send(ListGroupsRequest(), to: broker.nodeId, purpose: .admin)
            if let error = KafkaError.broker(response.errorCode, "list groups on broker \(broker.nodeId)") { throw error }
            out += response.groups.map { KafkaGroupListing(groupId: $0.groupId, protocolType: $0.protocolType, state: $0.groupState) }
        }
        return out.sorted { $0.groupId < $1.groupId }
    }

    /// State and members of each group (asked of the group's coordinator).
    public func describeGroups(_ groupIds: [String]) async throws(KafkaError) -> [KafkaGroupDescription] {
        var out: [KafkaGroupDescription] = []
        for groupId in groupIds {
            let coordinator = try await KafkaGroupCoordinatorLookup.find(groupId, in: cluster)
            let response = try await cluster.send(DescribeGroupsRequest(groups: [groupId]), to: coordinator, purpose: .admin)
            for group in response.groups {
                if let error = KafkaError.broker(group.errorCode, "describe group \(group.groupId)") { throw error }
                let members = group.members.map { member in
                    KafkaGroupDescription.Member(memberId: member.memberId, clientId: member.clientId,
                                                 clientHost: member.clientHost,
                                                 assignment: Self.partitions(ofAssignment: member.memberAssignment))
                }
                out.append(KafkaGroupDescription(groupId: group.groupId, state: group.groupState,
                                                 protocolType: group.protocolType, protocolName: group.protocolData,
                                                 members: members))
            }
        }
        return out
    }

    /// The partitions in a consumer-protocol assignment (DescribeGroups member data); empty when
    /// there is none or it does not decode (another protocol type).
    static func partitions(ofAssignment bytes: [UInt8]) -> [KafkaTopicPartition] {
        guard !bytes.isEmpty, let assignment = try? KafkaConsumerProtocol.decodeAssignment(bytes).assignment else { return [] }
        return assignment.assignedPartitions.flatMap { topic in
            topic.partitions.map { KafkaTopicPartition(topic.topic, $0) }
        }.sorted()
    }

    /// Topic changes go to the controller (any broker forwards them in KRaft clusters).
    private func controllerSend<R: KafkaRequest>(_ request: R) async throws(KafkaError) -> R.Response {
        try await cluster.retry.run("\(R.messageName)") { () throws(KafkaError) -> R.Response in
            try await cluster.refreshMetadata(topics: [])
            let controller = await cluster.controller
            if controller >= 0 {
                return try await cluster.send(request, to: controller, purpose: .admin)
            }
            return try await cluster.anyConnection(purpose: .admin).send(request)
        }
    }
}

/// FindCoordinator for a group (key type 0).
enum KafkaGroupCoordinatorLookup {
    static func find(_ groupId: String, in cluster: KafkaCluster) async throws(KafkaError) -> Int32 {
        try await cluster.retry.run("find coordinator of \(groupId)") { () throws(KafkaError) -> Int32 in
            let connection = try await cluster.anyConnection(purpose: .metadata)
            var request = FindCoordinatorRequest()
            request.key = groupId
            request.keyType = 0
            let response = try await connection.send(request)
            if let error = KafkaError.broker(response.errorCode, "find coordinator of \(groupId)", message: response.errorMessage) {
                throw error
            }
            return response.nodeId
        }
    }
}
