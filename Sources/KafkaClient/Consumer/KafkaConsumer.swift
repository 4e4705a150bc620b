import KafkaProtocol
import Transport

/// A Kafka consumer: a member of a consumer group (or assigned partitions by hand) that
/// fetches its partitions and hands out records in offset order per partition.
///
/// The group protocol runs on its own task and its own connections (group traffic, and
/// heartbeats apart from both group and fetch traffic), driven by `KafkaGroupStateMachine`.
/// `poll` fetches; `messages` is an AsyncSequence over polls. Positions advance as records are
/// handed out; auto-commit commits them at the next poll (so what was handed out earlier has
/// been processed), at each revocation and at close.
public actor KafkaConsumer {
    public nonisolated let cluster: KafkaCluster
    public nonisolated let configuration: KafkaConsumerConfiguration
    private nonisolated let ownsCluster: Bool

    private struct PartitionState {
        /// The next offset to hand out; nil until looked up.
        var position: Int64?
        var paused = false
    }

    private var partitions: [KafkaTopicPartition: PartitionState] = [:]
    private var machine: KafkaGroupStateMachine?
    private var coordinator: Int32?
    private var groupTask: Task<Void, Never>?
    private var groupError: KafkaError?
    private var lastCommitAt = Deadline.now()
    private var committedPositions: [KafkaTopicPartition: Int64] = [:]
    private var closed = false
    private var started = false

    public init(cluster: KafkaCluster, configuration: KafkaConsumerConfiguration) {
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = false
    }

    public init(bootstrapServers: String, options: KafkaConnectionOptions = KafkaConnectionOptions(),
                configuration: KafkaConsumerConfiguration) throws(KafkaError) {
        self.cluster = try KafkaCluster(bootstrapServers: bootstrapServers, options: options)
        self.configuration = configuration
        self.ownsCluster = true
    }

    // MARK: group membership

    /// Joins the group (when there is one). Called by the first `poll` if not before.
    public func start() {
        guard !started, !closed else { return }
        started = true
        guard let groupId = configuration.groupId else { return }
        machine = KafkaGroupStateMachine(.init(
            groupId: groupId, topics: configuration.topics, assignor: configuration.assignor,
            sessionTimeoutMs: configuration.sessionTimeout.nanosecondsValue / 1_000_000,
            heartbeatIntervalMs: configuration.heartbeatInterval.nanosecondsValue / 1_000_000,
            groupInstanceId: configuration.groupInstanceId))
        groupTask = Task { await self.runGroup() }
    }

    private static func nowMs() -> Int64 { Int64(Deadline.now().nanoseconds / 1_000_000) }

    private func runGroup() async {
        var actions = machine?.start(now: Self.nowMs()) ?? []
        while !closed, let current = machine, !current.isLeaving {
            if actions.isEmpty {
                let now = Self.nowMs()
                let wake = min(current.nextWakeup ?? now + 100, now + 100)
                if wake > now {
                    do { try await EventLoop.shared.sleep(until: .after(.milliseconds(wake - now))) } catch { return }
                }
                actions = machine?.tick(now: Self.nowMs()) ?? []
                continue
            }
            let action = actions.removeFirst()
            actions += await perform(action)
        }
    }

    /// Performs one action of the state machine and feeds it the outcome.
    private func perform(_ action: KafkaGroupStateMachine.Action) async -> [KafkaGroupStateMachine.Action] {
        guard let groupId = configuration.groupId else { return [] }
        switch action {
        case .findCoordinator:
            do {
                coordinator = try await KafkaGroupCoordinatorLookup.find(groupId, in: cluster)
                return machine?.coordinatorFound(now: Self.nowMs()) ?? []
            } catch {
                return machine?.coordinatorLookupFailed(now: Self.nowMs()) ?? []
            }
        case .join(let memberId):
            do {
                let result = try await joinGroup(groupId: groupId, memberId: memberId)
                return machine?.joinCompleted(result, now: Self.nowMs()) ?? []
            } catch {
                return machine?.requestFailed(error, now: Self.nowMs()) ?? []
            }
        case .sync(let generation, let memberId, let assignments):
            do {
                let (code, assignment) = try await syncGroup(groupId: groupId, generation: generation, memberId: memberId,
                                                             assignments: assignments)
                return machine?.syncCompleted(errorCode: code, assignment: assignment, now: Self.nowMs()) ?? []
            } catch {
                return machine?.requestFailed(error, now: Self.nowMs()) ?? []
            }
        case .heartbeat(let generation, let memberId):
            var code: Int16?
            if let coordinator {
                var request = HeartbeatRequest()
                request.groupId = groupId
                request.generationId = generation
                request.memberId = memberId
                request.groupInstanceId = configuration.groupInstanceId
                code = try? await cluster.send(request, to: coordinator, purpose: .heartbeat,
                                               timeout: configuration.sessionTimeout).errorCode
            }
            return machine?.heartbeatCompleted(errorCode: code, now: Self.nowMs()) ?? []
        case .assign(let assigned):
            for partition in assigned where partitions[partition] == nil { partitions[partition] = PartitionState() }
            await configuration.onRebalance?(.assigned(assigned))
            return []
        case .revoke(let revoked):
            await configuration.onRebalance?(.revoked(revoked))
            if configuration.autoCommit { try? await commitPositions(of: revoked) }
            for partition in revoked { partitions[partition] = nil }
            return []
        case .leave(let memberId):
            if let coordinator {
                var request = LeaveGroupRequest()
                request.groupId = groupId
                request.memberId = memberId
                request.members = [LeaveGroupRequest.MemberIdentity(memberId: memberId, reason: "the consumer is closing")]
                _ = try? await cluster.send(request, to: coordinator, purpose: .group, timeout: .seconds(5))
            }
            return []
        case .fail(let error):
            groupError = error
            return []
        }
    }

    private func joinGroup(groupId: String, memberId: String) async throws(KafkaError) -> KafkaGroupStateMachine.JoinResult {
        guard let coordinator else { throw KafkaError(.connectionFailed, "no coordinator", retriable: true) }
        let metadata = try KafkaGroupSubscriptionCodec.encode(
            topics: configuration.topics, assignor: configuration.assignor,
            owned: machine?.assignment ?? [], generation: machine?.assignmentGeneration ?? -1)
        var request = JoinGroupRequest()
        request.groupId = groupId
        request.sessionTimeoutMs = Int32(configuration.sessionTimeout.nanosecondsValue / 1_000_000)
        request.rebalanceTimeoutMs = Int32(configuration.rebalanceTimeout.nanosecondsValue / 1_000_000)
        request.memberId = memberId
        request.groupInstanceId = configuration.groupInstanceId
        request.protocolType = "consumer"
        request.protocols = [JoinGroupRequest.JoinGroupRequestProtocol(name: configuration.assignor.protocolName, metadata: metadata)]
        let response = try await cluster.send(request, to: coordinator, purpose: .group,
                                               timeout: configuration.rebalanceTimeout + .seconds(5))
        var members: [String: KafkaGroupSubscription] = [:]
        var counts: [String: Int] = [:]
        if response.errorCode == 0 && response.leader == response.memberId {
            for member in response.members {
                // A member whose subscription cannot be read gets nothing rather than failing the group.
                members[member.memberId] = KafkaGroupSubscriptionCodec.decode(member.metadata) ?? KafkaGroupSubscription(topics: [])
            }
            for topic in Set(members.values.flatMap(\.topics)) {
                if let metadata = try? await cluster.topic(topic, refresh: true) { counts[topic] = metadata.partitionCount }
            }
        }
        return KafkaGroupStateMachine.JoinResult(errorCode: response.errorCode, generation: response.generationId,
                                                 memberId: response.memberId, leaderId: response.leader,
                                                 members: members, partitionCounts: counts)
    }

    private func syncGroup(groupId: String, generation: Int32, memberId: String,
                           assignments: [String: [KafkaTopicPartition]]) async throws(KafkaError) -> (Int16, [KafkaTopicPartition]) {
        guard let coordinator else { throw KafkaError(.connectionFailed, "no coordinator", retriable: true) }
        var request = SyncGroupRequest()
        request.groupId = groupId
        request.generationId = generation
        request.memberId = memberId
        request.groupInstanceId = configuration.groupInstanceId
        request.protocolType = "consumer"
        request.protocolName = configuration.assignor.protocolName
        for (member, partitions) in assignments.sorted(by: { $0.key < $1.key }) {
            var assignment = ConsumerProtocolAssignment()
            assignment.assignedPartitions = partitions.groupedByTopic().map {
                ConsumerProtocolAssignment.TopicPartition(topic: $0.topic, partitions: $0.partitions)
            }
            do {
                request.assignments.append(SyncGroupRequest.SyncGroupRequestAssignment(
                    memberId: member, assignment: try KafkaConsumerProtocol.encode(assignment, version: 0)))
            } catch {
                throw KafkaError(error, "encode assignment")
            }
        }
        let response = try await cluster.send(request, to: coordinator, purpose: .group,
                                               timeout: configuration.rebalanceTimeout + .seconds(5))
        guard response.errorCode == 0 else { return (response.errorCode, []) }
        guard !response.assignment.isEmpty else { return (0, []) }
        do {
            let decoded = try KafkaConsumerProtocol.decodeAssignment(response.assignment).assignment
            return (0, KafkaTopicPartition.flattened(decoded.assignedPartitions, topic: \.topic, partitions: \.partitions))
        } catch {
            throw KafkaError(error, "decode assignment")
        }
    }

    // MARK: manual assignment

    /// Reads these partitions without a group (positions from `seek`, or the reset policy).
    public func assign(_ assigned: [KafkaTopicPartition]) throws(KafkaError) {
        guard configuration.groupId == nil else {
            throw KafkaError(.invalidArgument, "a group consumer gets its partitions from the group")
        }
        partitions = [:]
        for partition in assigned { partitions[partition] = PartitionState() }
    }

    /// The partitions this consumer reads now.
    public var assignment: [KafkaTopicPartition] { partitions.keys.sorted() }

    /// The member id the group coordinator gave this consumer (nil without a group or before joining).
    public var memberId: String? {
        guard let id = machine?.memberId, !id.isEmpty else { return nil }
        return id
    }

    /// Whether the group has given this consumer its partitions (always true without a group).
    public var isStable: Bool { machine?.isStable ?? true }

    /// The next offset `poll` hands out for a partition, if known.
    public func position(_ partition: KafkaTopicPartition) -> Int64? { partitions[partition]?.position }

    /// Reads from `offset` next.
    public func seek(_ partition: KafkaTopicPartition, to offset: Int64) throws(KafkaError) {
        guard partitions[partition] != nil else { throw KafkaError(.invalidArgument, "\(partition) is not assigned") }
        partitions[partition]!.position = offset
    }

    public func pause(_ paused: [KafkaTopicPartition]) {
        for partition in paused where partitions[partition] != nil {
            partitions[partition]!.paused = true
        }
    }

    public func resume(_ resumed: [KafkaTopicPartition]) {
        for partition in resumed where partitions[partition] != nil { partitions[partition]!.paused = false }
    }

    // MARK: fetching

    /// The next records (possibly none when `timeout` passes first). Starts the consumer on
    /// first use and commits positions when auto-commit is due.
    public func poll(timeout: Duration = .seconds(1)) async throws(KafkaError) -> [KafkaConsumerMessage] {
        if closed { throw KafkaError(.closed, "the consumer is closed") }
        if let groupError { throw groupError }
        start()
        if configuration.autoCommit && configuration.groupId != nil && Deadline.now() >= lastCommitAt + configuration.autoCommitInterval {
            try? await commitPositions(of: Array(partitions.keys))
        }
        let deadline = Deadline.after(timeout)
        while !closed {
            do {
                try await initializePositions()
            } catch {
                // A leader moving or a broker restarting: try again on the next round, within the
                // poll's time, rather than end the application's loop.
                guard error.isRetriable else { throw error }
                if deadline.hasPassed { return [] }
                do { try await EventLoop.shared.sleep(until: min(deadline, .after(.milliseconds(100)))) } catch {
                    throw KafkaError.cancelled("poll")
                }
                continue
            }
            let fetchable = partitions.filter { !$0.value.paused && $0.value.position != nil }
            if fetchable.isEmpty {
                if deadline.hasPassed { return [] }
                do { try await EventLoop.shared.sleep(until: min(deadline, .after(.milliseconds(50)))) } catch {
                    throw KafkaError.cancelled("poll")
                }
                continue
            }
            let wanted = fetchable.mapValues { $0.position! }
            let outcomes: [FetchOutcome]
            if prefetches.first?.positions != wanted {
                dropPrefetches()
                await prefetch(wanted, maxWait: min(configuration.fetchMaxWait, max(deadline.remaining, .milliseconds(1))))
            }
            // The first fetch ahead stays first while awaited, so that it can chain the next one.
            guard let ready = prefetches.first else { continue }
            outcomes = await ready.task.value
            if prefetches.first?.id == ready.id { prefetches.removeFirst() }
            let messages = try await apply(outcomes)
            if !messages.isEmpty && prefetches.isEmpty {
                // Fetch the next records while the application works on these.
                let next = partitions.filter { !$0.value.paused && $0.value.position != nil }.mapValues { $0.position! }
                if !next.isEmpty { await prefetch(next) }
            }
            if !messages.isEmpty || deadline.hasPassed { return messages }
        }
        return []
    }

    /// Committed offsets, or the reset policy, for partitions without a position.
    private func initializePositions() async throws(KafkaError) {
        let missing = partitions.filter { $0.value.position == nil }.map(\.key).sorted()
        guard !missing.isEmpty else { return }
        var found: [KafkaTopicPartition: Int64] = [:]
        if configuration.groupId != nil {
            found = (try? await fetchCommitted(missing)) ?? [:]
        }
        let needReset = missing.filter { (found[$0] ?? -1) < 0 }
        if !needReset.isEmpty {
            let reset = try await listOffsets(needReset, timestamp: configuration.autoOffsetReset.timestamp)
            for (partition, offset) in reset { found[partition] = offset }
        }
        for (partition, offset) in found where offset >= 0 && partitions[partition] != nil && partitions[partition]!.position == nil {
            partitions[partition]!.position = offset
        }
    }

    /// ListOffsets for the earliest (-2) or latest (-1) offset of each partition.
    public func listOffsets(_ wanted: [KafkaTopicPartition], timestamp: Int64) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        var byLeader: [Int32: [KafkaTopicPartition]] = [:]
        for partition in wanted { byLeader[try await cluster.leader(for: partition), default: []].append(partition) }
        var out: [KafkaTopicPartition: Int64] = [:]
        for (leader, list) in byLeader {
            var request = ListOffsetsRequest()
            request.replicaId = -1
            let byTopic = Dictionary(grouping: list, by: \.topic)
            request.topics = byTopic.map { topic, entries in
                ListOffsetsRequest.ListOffsetsTopic(name: topic, partitions: entries.map {
                    ListOffsetsRequest.ListOffsetsPartition(partitionIndex: $0.partition, currentLeaderEpoch: -1, timestamp: timestamp)
                })
            }
            let response = try await cluster.send(request, to: leader, purpose: .fetch)
            for topic in response.topics {
                for partition in topic.partitions {
                    if let error = KafkaError.broker(partition.errorCode, "ListOffsets \(topic.name)-\(partition.partitionIndex)") {
                        if error.isRetriable { await cluster.invalidate(topic: topic.name) }
                        throw error
                    }
                    out[KafkaTopicPartition(topic.name, partition.partitionIndex)] = partition.offset
                }
            }
        }
        return out
    }

    /// A fetch sent ahead of `poll`, with the positions it asked for.
    private struct Prefetch {
        var id: Int
        var positions: [KafkaTopicPartition: Int64]
        var task: Task<[FetchOutcome], Never>
    }

    /// Fetches sent ahead, in order: each asks from where the one before it ends. `poll` takes
    /// the first when it asks from the consumer's positions; any other answer (a seek, a pause,
    /// a rebalance, an error since) drops them all.
    private var prefetches: [Prefetch] = []
    private var nextPrefetchId = 0
    /// Fetches in `prefetches` at most: one being decoded or waiting for `poll`, one on the
    /// wire, so the broker works on the next records while these are decoded and handed out.
    private static let prefetchDepth = 2

    private func dropPrefetches() {
        for entry in prefetches { entry.task.cancel() }
        prefetches = []
    }

    /// Starts a fetch ahead from `positions`.
    private func prefetch(_ positions: [KafkaTopicPartition: Int64], maxWait: Duration? = nil) async {
        nextPrefetchId += 1
        let id = nextPrefetchId
        let task = await startFetch(positions, maxWait: maxWait ?? configuration.fetchMaxWait, id: id)
        prefetches.append(Prefetch(id: id, positions: positions, task: task))
    }

    /// Called by fetch `id` once its responses are in and before it decodes them: sends the
    /// next fetch, from where those responses end, if `id` is still the last one ahead and
    /// there is room.
    private func chain(after id: Int, positions: [KafkaTopicPartition: Int64]) async {
        guard !closed, let last = prefetches.last, last.id == id, prefetches.count < Self.prefetchDepth else { return }
        await prefetch(positions)
    }

    /// Starts one Fetch per leader, in parallel, from `positions`. A chained fetch sends the
    /// next one ahead as soon as its responses arrive (see `chain`).
    private func startFetch(_ positions: [KafkaTopicPartition: Int64], maxWait: Duration, id: Int) async -> Task<[FetchOutcome], Never> {
        var byLeader: [Int32: [KafkaTopicPartition: Int64]] = [:]
        for (partition, offset) in positions {
            guard let leader = try? await cluster.leader(for: partition) else { continue }
            byLeader[leader, default: [:]][partition] = offset
        }
        return Task { await self.runFetch(byLeader, asked: positions, maxWait: maxWait, id: id) }
    }

    /// The body of a fetch task, off the actor: decoding megabytes of records on it would hold
    /// up `poll`, `chain` and the start of the next fetch for as long.
    @concurrent
    private nonisolated func runFetch(_ byLeader: [Int32: [KafkaTopicPartition: Int64]], asked positions: [KafkaTopicPartition: Int64],
                                      maxWait: Duration, id: Int) async -> [FetchOutcome] {
        let answers = await withTaskGroup(of: FetchAnswer.self) { group in
            for (leader, wanted) in byLeader {
                group.addTask { await self.send(fetchFrom: leader, wanted, maxWait: maxWait) }
            }
            var all: [FetchAnswer] = []
            for await answer in group { all.append(answer) }
            return all
        }
        if !Task.isCancelled, let next = Self.positions(after: answers, asked: positions) {
            await chain(after: id, positions: next)
            // Let the fetch just started send its request before this thread spends
            // milliseconds decoding: with every other thread busy it would wait for this one.
            await Task.yield()
        }
        return answers.map { decode($0) }
    }

    /// Where the consumer will be once `answers` are applied, read from the batch headers; nil
    /// when that needs a decode or an answer failed (the next `poll` fetches after applying).
    private nonisolated static func positions(after answers: [FetchAnswer],
                                              asked: [KafkaTopicPartition: Int64]) -> [KafkaTopicPartition: Int64]? {
        var next = asked
        var moved = false
        for answer in answers {
            guard let response = answer.response, response.errorCode == 0 else { return nil }
            for topic in response.responses {
                for data in topic.partitions {
                    let partition = KafkaTopicPartition(topic.topic, data.partitionIndex)
                    guard let from = answer.requested[partition] else { continue }
                    guard data.errorCode == 0 else { return nil }
                    guard let records = data.records, !records.isEmpty else { continue }
                    guard let after = KafkaRecordSet.nextOffset(scanning: records, from: from) else { return nil }
                    if after != from { moved = true }
                    next[partition] = after
                }
            }
        }
        // An answer with no records leaves nothing to fetch ahead of: the next poll asks again.
        return moved ? next : nil
    }

    /// Takes the records of fetch answers that are still current (no rebalance, seek or pause
    /// since they were asked for) and advances the positions.
    private func apply(_ outcomes: [FetchOutcome]) async throws(KafkaError) -> [KafkaConsumerMessage] {
        var messages: [KafkaConsumerMessage] = []
        for outcome in outcomes {
            if let error = outcome.error {
                if !error.isRetriable { throw error }
                for topic in Set(outcome.requested.keys.map(\.topic)) { await cluster.invalidate(topic: topic) }
                continue
            }
            for (partition, result) in outcome.partitions {
                // A rebalance or seek while the fetch was out makes its answer stale.
                guard let state = partitions[partition], !state.paused, state.position == outcome.requested[partition] else { continue }
                switch result {
                case .records(let records, let next):
                    messages += records
                    partitions[partition]!.position = next
                case .outOfRange:
                    partitions[partition]!.position = nil
                case .retriable:
                    await cluster.invalidate(topic: partition.topic)
                case .failed(let error):
                    throw error
                }
            }
        }
        return messages
    }

    private enum PartitionFetch: Sendable {
        case records([KafkaConsumerMessage], next: Int64)
        case outOfRange
        case retriable
        case failed(KafkaError)
    }

    private struct FetchOutcome: Sendable {
        var requested: [KafkaTopicPartition: Int64]
        var partitions: [KafkaTopicPartition: PartitionFetch] = [:]
        var error: KafkaError?
    }

    /// A Fetch's response before its records are decoded.
    private struct FetchAnswer: Sendable {
        var leader: Int32
        var requested: [KafkaTopicPartition: Int64]
        var response: FetchResponse?
        var error: KafkaError?
    }

    /// Sends one Fetch (off the actor).
    private nonisolated func send(fetchFrom leader: Int32, _ wanted: [KafkaTopicPartition: Int64], maxWait: Duration) async -> FetchAnswer {
        var request = FetchRequest()
        request.replicaId = -1
        request.maxWaitMs = Int32(maxWait.nanosecondsValue / 1_000_000)
        request.minBytes = configuration.fetchMinBytes
        request.maxBytes = configuration.fetchMaxBytes
        request.isolationLevel = 0
        request.sessionId = 0
        request.sessionEpoch = -1
        let byTopic = Dictionary(grouping: wanted.keys, by: \.topic)
        request.topics = byTopic.keys.sorted().map { topic in
            var entry = FetchRequest.FetchTopic()
            entry.topic = topic
            entry.partitions = byTopic[topic]!.sorted().map { partition in
                var p = FetchRequest.FetchPartition()
                p.partition = partition.partition
                p.currentLeaderEpoch = -1
                p.fetchOffset = wanted[partition]!
                p.logStartOffset = -1
                p.partitionMaxBytes = configuration.partitionMaxBytes
                return p
            }
            return entry
        }
        do {
            let connection = try await cluster.connection(to: leader, purpose: .fetch)
            let response = try await connection.send(request, timeout: maxWait + cluster.options.requestTimeout)
            return FetchAnswer(leader: leader, requested: wanted, response: response)
        } catch {
            return FetchAnswer(leader: leader, requested: wanted, error: error)
        }
    }

    /// Decodes the record sets of a Fetch's response (off the actor).
    private nonisolated func decode(_ answer: FetchAnswer) -> FetchOutcome {
        let wanted = answer.requested
        let leader = answer.leader
        var outcome = FetchOutcome(requested: wanted)
        guard let response = answer.response else {
            outcome.error = answer.error
            return outcome
        }
        if let error = KafkaError.broker(response.errorCode, "Fetch from broker \(leader)") {
            outcome.error = error
            return outcome
        }
        for topic in response.responses {
            for data in topic.partitions {
                let partition = KafkaTopicPartition(topic.topic, data.partitionIndex)
                guard let from = wanted[partition] else { continue }
                if data.errorCode != 0 {
                    let error = KafkaError.broker(data.errorCode, "Fetch \(partition)")!
                    if error.brokerError == .offsetOutOfRange {
                        outcome.partitions[partition] = .outOfRange
                    } else if error.isRetriable {
                        outcome.partitions[partition] = .retriable
                    } else {
                        outcome.partitions[partition] = .failed(error)
                    }
                    continue
                }
                if (data.records ?? []).isEmpty && data.highWatermark >= 0 && from > data.highWatermark {
                    // Kafka answers OFFSET_OUT_OF_RANGE here; a broker that lost its log (Tansu
                    // after a restart: storage in memory) answers with nothing and a high
                    // watermark behind our position. Either way the position is gone.
                    outcome.partitions[partition] = .outOfRange
                    continue
                }
                do {
                    let set = try KafkaRecordSet.decode(data.records ?? [], limits: configuration.recordLimits)
                    var messages: [KafkaConsumerMessage] = []
                    for entry in set.entries {
                        switch entry {
                        case .batch(let batch):
                            if !batch.isControl {
                                for record in batch.records {
                                    let offset = batch.baseOffset + Int64(record.offsetDelta)
                                    guard offset >= from else { continue }
                                    let timestamp = batch.timestampType == .logAppendTime ? batch.maxTimestamp
                                        : batch.baseTimestamp + record.timestampDelta
                                    messages.append(KafkaConsumerMessage(topic: topic.topic, partition: data.partitionIndex,
                                                                         offset: offset, timestamp: timestamp, key: record.key,
                                                                         value: record.value, headers: record.headers))
                                }
                            }
                        case .legacy(let message):
                            guard message.offset >= from else { continue }
                            messages.append(KafkaConsumerMessage(topic: topic.topic, partition: data.partitionIndex,
                                                                 offset: message.offset, timestamp: message.timestamp,
                                                                 key: message.key, value: message.value, headers: []))
                        }
                    }
                    // Past the whole of each batch, even records compaction removed.
                    outcome.partitions[partition] = .records(messages, next: set.nextOffset(from: from))
                } catch {
                    outcome.partitions[partition] = .failed(KafkaError(error, "records of \(partition)"))
                }
            }
        }
        return outcome
    }

    /// Records as an asynchronous sequence; it ends when the consumer is closed.
    public nonisolated var messages: KafkaConsumerMessages { KafkaConsumerMessages(consumer: self) }

    // MARK: offsets

    /// Commits the current positions of all assigned partitions (what `poll` has handed out).
    public func commit() async throws(KafkaError) {
        try await commitPositions(of: Array(partitions.keys))
    }

    /// Commits explicit offsets (the next offset to read, per partition).
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        try await sendCommit(offsets)
    }

    private func commitPositions(of list: [KafkaTopicPartition]) async throws(KafkaError) {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for partition in list {
            if let position = partitions[partition]?.position, committedPositions[partition] != position {
                offsets[partition] = position
            }
        }
        lastCommitAt = .now()
        guard !offsets.isEmpty else { return }
        try await sendCommit(offsets)
    }

    private func sendCommit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        guard let groupId = configuration.groupId else {
            throw KafkaError(.invalidArgument, "a consumer without a group cannot commit")
        }
        let coordinator: Int32
        if let known = self.coordinator { coordinator = known } else {
            coordinator = try await KafkaGroupCoordinatorLookup.find(groupId, in: cluster)
            self.coordinator = coordinator
        }
        var request = OffsetCommitRequest()
        request.groupId = groupId
        request.generationIdOrMemberEpoch = machine?.generation ?? -1
        request.memberId = machine?.memberId ?? ""
        request.groupInstanceId = configuration.groupInstanceId
        request.retentionTimeMs = -1
        let byTopic = Dictionary(grouping: offsets.keys, by: \.topic)
        request.topics = byTopic.keys.sorted().map { topic in
            OffsetCommitRequest.OffsetCommitRequestTopic(name: topic, partitions: byTopic[topic]!.sorted().map {
                var p = OffsetCommitRequest.OffsetCommitRequestPartition()
                p.partitionIndex = $0.partition
                p.committedOffset = offsets[$0]!
                p.committedLeaderEpoch = -1
                p.commitTimestamp = -1
                return p
            })
        }
        let response = try await cluster.send(request, to: coordinator, purpose: .group)
        for topic in response.topics {
            for partition in topic.partitions {
                if let error = KafkaError.broker(partition.errorCode, "commit \(topic.name)-\(partition.partitionIndex)") {
                    throw error
                }
                let key = KafkaTopicPartition(topic.name, partition.partitionIndex)
                committedPositions[key] = offsets[key]
            }
        }
    }

    /// The group's committed offsets (-1 where none).
    public func fetchCommitted(_ list: [KafkaTopicPartition]) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        guard let groupId = configuration.groupId else {
            throw KafkaError(.invalidArgument, "a consumer without a group has no committed offsets")
        }
        let coordinator = try await KafkaGroupCoordinatorLookup.find(groupId, in: cluster)
        var request = OffsetFetchRequest()
        request.groupId = groupId
        let byTopic = Dictionary(grouping: list, by: \.topic)
        request.topics = byTopic.keys.sorted().map {
            OffsetFetchRequest.OffsetFetchRequestTopic(name: $0, partitionIndexes: byTopic[$0]!.map(\.partition).sorted())
        }
        let response = try await cluster.send(request, to: coordinator, purpose: .group)
        if let error = KafkaError.broker(response.errorCode, "OffsetFetch for \(groupId)") { throw error }
        var out: [KafkaTopicPartition: Int64] = [:]
        for topic in response.topics {
            for partition in topic.partitions {
                if let error = KafkaError.broker(partition.errorCode, "OffsetFetch \(topic.name)-\(partition.partitionIndex)") {
                    throw error
                }
                out[KafkaTopicPartition(topic.name, partition.partitionIndex)] = partition.committedOffset
            }
        }
        return out
    }

    // MARK: closing

    /// Commits (with auto-commit), leaves the group and closes the connections it made.
    public func close() async {
        guard !closed else { return }
        if var current = machine {
            let actions = current.leave(now: Self.nowMs())
            machine = current
            for action in actions { _ = await perform(action) }
        }
        closed = true
        dropPrefetches()
        groupTask?.cancel()
        await groupTask?.value
        partitions = [:]
        if ownsCluster { await cluster.close() }
    }

    /// Stops without committing or leaving, as a crashed process would (tests of failover).
    public func abandon() async {
        closed = true
        dropPrefetches()
        groupTask?.cancel()
        await groupTask?.value
        if ownsCluster { await cluster.close() }
    }

    var isClosed: Bool { closed }
}

/// The records of a consumer, poll after poll.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage
    let consumer: KafkaConsumer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        var pending: [KafkaConsumerMessage] = []
        var index = 0

        public mutating func next() async throws -> KafkaConsumerMessage? {
            while index >= pending.count {
                if await consumer.isClosed { return nil }
                do {
                    pending = try await consumer.poll(timeout: .seconds(1))
                } catch {
                    if error.code == .closed { return nil }
                    throw error
                }
                index = 0
            }
            defer { index += 1 }
            return pending[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }
}

