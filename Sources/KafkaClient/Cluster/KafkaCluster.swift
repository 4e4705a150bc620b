import KafkaProtocol
import Transport

/// What kind of traffic a connection carries. Each broker gets one connection per purpose, so
/// a long fetch never delays a produce, and a heartbeat never waits behind either.
public enum KafkaConnectionPurpose: Hashable, Sendable {
    case metadata, produce, fetch, group, heartbeat, admin
}

/// The client's view of the cluster: the brokers, a metadata cache of topics and partition
/// leaders, and the connections to each broker (one per purpose), reconnected with backoff.
public actor KafkaCluster {
    public nonisolated let bootstrap: [KafkaBrokerAddress]
    public nonisolated let options: KafkaConnectionOptions
    public nonisolated let retry: KafkaRetryPolicy

    private struct ConnectionKey: Hashable {
        var address: KafkaBrokerAddress
        var purpose: KafkaConnectionPurpose
    }

    private var brokers: [Int32: KafkaBrokerMetadata] = [:]
    private var topics: [String: KafkaTopicMetadata] = [:]
    private var controllerId: Int32 = -1
    private var connections: [ConnectionKey: KafkaBrokerConnection] = [:]
    private var connecting: [ConnectionKey: Task<Result<KafkaBrokerConnection, KafkaError>, Never>] = [:]
    private var backoffs: [KafkaBrokerAddress: Backoff] = [:]
    private var closed = false

    public init(bootstrap: [KafkaBrokerAddress], options: KafkaConnectionOptions = KafkaConnectionOptions(),
                retry: KafkaRetryPolicy = KafkaRetryPolicy()) {
        self.bootstrap = bootstrap
        self.options = options
        self.retry = retry
    }

    /// Parses "host:port[,host:port...]".
    public init(bootstrapServers: String, options: KafkaConnectionOptions = KafkaConnectionOptions(),
                retry: KafkaRetryPolicy = KafkaRetryPolicy()) throws(KafkaError) {
        var addresses: [KafkaBrokerAddress] = []
        for part in bootstrapServers.split(separator: ",") {
            addresses.append(try KafkaBrokerAddress(parsing: String(part).trimmingSpaces()))
        }
        guard !addresses.isEmpty else { throw KafkaError(.invalidArgument, "no bootstrap servers given") }
        self.init(bootstrap: addresses, options: options, retry: retry)
    }

    // MARK: connections

    /// The connection for `purpose` to broker `nodeId`, made (with backoff after failures) if
    /// there is none or the last one failed.
    public func connection(to nodeId: Int32, purpose: KafkaConnectionPurpose) async throws(KafkaError) -> KafkaBrokerConnection {
        if brokers[nodeId] == nil { _ = try await refreshMetadata(topics: []) }
        guard let broker = brokers[nodeId] else {
            throw KafkaError(.connectionFailed, "broker \(nodeId) is not in the cluster metadata", retriable: true)
        }
        return try await connection(to: broker.address, purpose: purpose)
    }

    /// The connection for `purpose` to an address (bootstrap servers have no node id yet).
    public func connection(to address: KafkaBrokerAddress, purpose: KafkaConnectionPurpose) async throws(KafkaError) -> KafkaBrokerConnection {
        if closed { throw KafkaError(.closed, "the cluster client is closed") }
        let key = ConnectionKey(address: address, purpose: purpose)
        if let existing = connections[key] {
            if await !existing.isFailed { return existing }
            if connections[key] === existing { connections[key] = nil }
        }
        if let inProgress = connecting[key] { return try await inProgress.value.get() }
        let delay: Duration? = backoffs[address].map { $0.attempt > 0 ? $0.ceilingNanosecondsDuration : nil } ?? nil
        let options = self.options
        let task = Task { () -> Result<KafkaBrokerConnection, KafkaError> in
            if let delay, delay > .zero {
                // Full jitter would pick below the ceiling; a reconnect after a failure waits a
                // random part of it so restarts do not stampede.
                let wait = Duration.nanoseconds(Int64(Double(delay.nanosecondsValue) * Double.random(in: 0..<1)))
                do { try await EventLoop.shared.sleep(until: .after(wait)) } catch {
                    return .failure(KafkaError.cancelled("reconnect to \(address)"))
                }
            }
            do throws(KafkaError) {
                return .success(try await KafkaBrokerConnection.connect(to: address, options: options))
            } catch {
                return .failure(error)
            }
        }
        connecting[key] = task
        let result = await task.value
        connecting[key] = nil
        switch result {
        case .success(let connection):
            backoffs[address] = nil
            if closed {
                await connection.close()
                throw KafkaError(.closed, "the cluster client is closed")
            }
            connections[key] = connection
            return connection
        case .failure(let error):
            var backoff = backoffs[address] ?? Backoff(initial: retry.initialBackoff, maximum: retry.maximumBackoff)
            _ = backoff.nextDelay()
            backoffs[address] = backoff
            throw error
        }
    }

    /// A connection to any broker that answers: known brokers first, then the bootstrap list.
    public func anyConnection(purpose: KafkaConnectionPurpose) async throws(KafkaError) -> KafkaBrokerConnection {
        var candidates = brokers.values.sorted { $0.nodeId < $1.nodeId }.map(\.address)
        for address in bootstrap where !candidates.contains(address) { candidates.append(address) }
        var lastError = KafkaError(.connectionFailed, "no brokers to connect to", retriable: true)
        for address in candidates {
            do {
                return try await connection(to: address, purpose: purpose)
            } catch {
                if error.code == .closed || error.code == .authenticationFailed { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    /// Sends `request` to broker `nodeId` on the connection for `purpose`.
    public func send<R: KafkaRequest>(_ request: R, to nodeId: Int32, purpose: KafkaConnectionPurpose,
                                      timeout: Duration? = nil) async throws(KafkaError) -> R.Response {
        let connection = try await connection(to: nodeId, purpose: purpose)
        return try await connection.send(request, timeout: timeout)
    }

    // MARK: metadata

    /// Asks any broker for metadata of `topics` (nil: every topic; []: brokers only) and
    /// updates the cache.
    @discardableResult
    public func refreshMetadata(topics names: [String]?) async throws(KafkaError) -> MetadataResponse {
        let connection = try await anyConnection(purpose: .metadata)
        var request = MetadataRequest()
        request.topics = names.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } }
        request.allowAutoTopicCreation = false
        let response = try await connection.send(request)
        apply(response)
        return response
    }

    private func apply(_ response: MetadataResponse) {
        var fresh: [Int32: KafkaBrokerMetadata] = [:]
        for broker in response.brokers {
            fresh[broker.nodeId] = KafkaBrokerMetadata(
                nodeId: broker.nodeId, address: KafkaBrokerAddress(host: broker.host, port: Int(broker.port)), rack: broker.rack)
        }
        if !fresh.isEmpty { brokers = fresh }
        controllerId = response.controllerId
        for topic in response.topics {
            guard let name = topic.name else { continue }
            if topic.errorCode != 0 {
                topics[name] = nil
                continue
            }
            let partitions = topic.partitions.map {
                KafkaPartitionMetadata(partition: $0.partitionIndex, leader: $0.leaderId, leaderEpoch: $0.leaderEpoch,
                                       replicas: $0.replicaNodes, inSyncReplicas: $0.isrNodes, errorCode: $0.errorCode)
            }.sorted { $0.partition < $1.partition }
            topics[name] = KafkaTopicMetadata(name: name, isInternal: topic.isInternal, partitions: partitions,
                                              errorCode: topic.errorCode)
        }
    }

    /// The cached metadata of `topic`, fetched when missing (or when `refresh`). Unknown
    /// topics are retried within the retry budget (a topic just created may not be visible yet).
    public func topic(_ name: String, refresh: Bool = false) async throws(KafkaError) -> KafkaTopicMetadata {
        if !refresh, let cached = topics[name], cached.partitions.allSatisfy({ $0.leader >= 0 }) { return cached }
        return try await retry.run("metadata for \(name)") { () throws(KafkaError) -> KafkaTopicMetadata in
            let response = try await refreshMetadata(topics: [name])
            guard let entry = response.topics.first(where: { $0.name == name }) else {
                throw KafkaError(.unknownTopicOrPartition, "metadata lacks topic \(name)", retriable: true)
            }
            if let error = KafkaError.broker(entry.errorCode, "metadata for \(name)") {
                if error.brokerError == .unknownTopicOrPartition {
                    throw KafkaError(.unknownTopicOrPartition, "topic \(name) does not exist", retriable: true,
                                     brokerError: .unknownTopicOrPartition)
                }
                throw error
            }
            guard let cached = topics[name], !cached.partitions.isEmpty,
                  cached.partitions.allSatisfy({ $0.leader >= 0 }) else {
                throw KafkaError(.broker, "topic \(name) has partitions without a leader", retriable: true,
                                 brokerError: .leaderNotAvailable)
            }
            return cached
        }
    }

    /// The cached leader of a partition, or nil when unknown.
    public func cachedLeader(_ partition: KafkaTopicPartition) -> Int32? {
        guard let topic = topics[partition.topic],
              let entry = topic.partitions.first(where: { $0.partition == partition.partition }),
              entry.leader >= 0 else { return nil }
        return entry.leader
    }

    /// The leader of a partition, refreshing metadata when unknown.
    public func leader(for partition: KafkaTopicPartition) async throws(KafkaError) -> Int32 {
        if let known = cachedLeader(partition) { return known }
        let metadata = try await topic(partition.topic, refresh: true)
        guard let entry = metadata.partitions.first(where: { $0.partition == partition.partition }) else {
            throw KafkaError(.unknownTopicOrPartition, "\(partition) does not exist")
        }
        return entry.leader
    }

    /// Forgets what the cache says about `topic` (after NOT_LEADER_OR_FOLLOWER and the like), so
    /// the next lookup asks a broker.
    public func invalidate(topic: String) {
        topics[topic] = nil
    }

    public var knownBrokers: [KafkaBrokerMetadata] { brokers.values.sorted { $0.nodeId < $1.nodeId } }
    public var controller: Int32 { controllerId }

    /// Closes every connection; later calls fail with `.closed`.
    public func close() async {
        closed = true
        let open = connections.values
        connections = [:]
        for connection in open { await connection.close() }
    }
}

extension Backoff {
    var ceilingNanosecondsDuration: Duration { .nanoseconds(ceilingNanoseconds(forAttempt: max(attempt - 1, 0))) }
}

extension Duration {
    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
