import KafkaProtocol

/// The consumer-group membership protocol (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
/// LeaveGroup; eager or cooperative rebalancing, as the assignor says) as a plain value: each
/// input (a response, the time passing) returns the actions to take, and the time is always a
/// parameter. It does no I/O, so it is
/// tested without sockets or sleeps; `KafkaConsumer` performs its actions.
public struct KafkaGroupStateMachine: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var groupId: String
        /// Set for a static member (KIP-345), which does not leave the group when it closes.
        public var groupInstanceId: String?
        public var topics: [String]
        public var assignor: KafkaPartitionAssignor
        public var sessionTimeoutMs: Int64
        public var heartbeatIntervalMs: Int64
        public var retryBackoffMs: Int64

        public init(groupId: String, topics: [String], assignor: KafkaPartitionAssignor = .range,
                    sessionTimeoutMs: Int64 = 10_000, heartbeatIntervalMs: Int64 = 1_000, retryBackoffMs: Int64 = 200,
                    groupInstanceId: String? = nil) {
            self.groupId = groupId
            self.groupInstanceId = groupInstanceId
            self.topics = topics
            self.assignor = assignor
            self.sessionTimeoutMs = sessionTimeoutMs
            self.heartbeatIntervalMs = heartbeatIntervalMs
            self.retryBackoffMs = retryBackoffMs
        }
    }

    public enum State: Sendable, Equatable {
        case idle
        case findingCoordinator
        case joining
        case syncing
        case stable
        case left
        case failed(KafkaError)
    }

    public enum Action: Sendable, Equatable {
        case findCoordinator
        case join(memberId: String)
        /// The leader's `assignments` are per member; followers send none.
        case sync(generation: Int32, memberId: String, assignments: [String: [KafkaTopicPartition]])
        case heartbeat(generation: Int32, memberId: String)
        /// Stop reading these partitions and commit what was read (before rejoining or leaving).
        case revoke([KafkaTopicPartition])
        /// Start reading these partitions.
        case assign([KafkaTopicPartition])
        case leave(memberId: String)
        /// A non-retriable group error; the consumer stops.
        case fail(KafkaError)
    }

    /// What a JoinGroup response says, with the partition counts of the members' topics
    /// (which the leader needs to assign; the caller looks them up).
    public struct JoinResult: Sendable, Equatable {
        public var errorCode: Int16
        public var generation: Int32
        public var memberId: String
        public var leaderId: String
        /// Member id -> what it subscribes to and owns; only the leader gets these.
        public var members: [String: KafkaGroupSubscription]
        public var partitionCounts: [String: Int]

        public init(errorCode: Int16, generation: Int32 = -1, memberId: String = "", leaderId: String = "",
                    members: [String: KafkaGroupSubscription] = [:], partitionCounts: [String: Int] = [:]) {
            self.errorCode = errorCode
            self.generation = generation
            self.memberId = memberId
            self.leaderId = leaderId
            self.members = members
            self.partitionCounts = partitionCounts
        }
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public private(set) var memberId = ""
    public private(set) var generation: Int32 = -1
    public private(set) var assignment: [KafkaTopicPartition] = []
    /// The generation `assignment` was given in (-1 before the first); a cooperative member
    /// sends it with its owned partitions when it rejoins.
    public private(set) var assignmentGeneration: Int32 = -1
    /// When to retry after a failure (ms), or to send the next heartbeat.
    public private(set) var nextAttemptAt: Int64?
    private var heartbeatInFlight = false
    private var lastHeartbeatAck: Int64 = 0
    /// Whether the coordinator must be looked up again before the next heartbeat (stable state).
    private var coordinatorLost = false

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public var isStable: Bool { state == .stable }
    public var isLeaving: Bool { state == .left }

    /// The time (ms) `tick` next has something to do, or nil while waiting on a response.
    public var nextWakeup: Int64? { nextAttemptAt }

    // MARK: inputs

    public mutating func start(now: Int64) -> [Action] {
        guard state == .idle else { return [] }
        return lookUpCoordinator()
    }

    public mutating func coordinatorFound(now: Int64) -> [Action] {
        if state == .stable && coordinatorLost {
            coordinatorLost = false
            nextAttemptAt = now
            return tick(now: now)
        }
        guard state == .findingCoordinator else { return [] }
        return joinGroup()
    }

    /// FindCoordinator failed (any error): try again after the backoff.
    public mutating func coordinatorLookupFailed(now: Int64) -> [Action] {
        guard state == .findingCoordinator || (state == .stable && coordinatorLost) else { return [] }
        nextAttemptAt = now + configuration.retryBackoffMs
        return []
    }

    public mutating func joinCompleted(_ result: JoinResult, now: Int64) -> [Action] {
        guard state == .joining else { return [] }
        switch KafkaErrorCode(code: result.errorCode) {
        case .noError?:
            memberId = result.memberId
            generation = result.generation
            state = .syncing
            var assignments: [String: [KafkaTopicPartition]] = [:]
            if result.leaderId == result.memberId {
                assignments = configuration.assignor.assign(members: result.members, partitionCounts: result.partitionCounts)
            }
            return [.sync(generation: generation, memberId: memberId, assignments: assignments)]
        case .memberIdRequired?:
            // KIP-394: the broker hands out the id on the first join; join again with it.
            memberId = result.memberId
            return joinGroup()
        case .unknownMemberId?:
            // The coordinator forgot this member: what it owned may be someone else's now.
            return revokeAndRejoin(resetMember: true)
        case .rebalanceInProgress?, .coordinatorLoadInProgress?, .illegalGeneration?:
            return retryLater(now: now, then: .joining)
        case .notCoordinator?, .coordinatorNotAvailable?:
            return lookUpCoordinator()
        default:
            return fail(result.errorCode, "JoinGroup")
        }
    }

    public mutating func syncCompleted(errorCode: Int16, assignment: [KafkaTopicPartition], now: Int64) -> [Action] {
        guard state == .syncing else { return [] }
        switch KafkaErrorCode(code: errorCode) {
        case .noError?:
            state = .stable
            let previous = self.assignment
            self.assignment = assignment.sorted()
            assignmentGeneration = generation
            lastHeartbeatAck = now
            nextAttemptAt = now + configuration.heartbeatIntervalMs
            guard configuration.assignor.rebalanceProtocol == .cooperative else { return [.assign(self.assignment)] }
            // Cooperative: only the difference changes hands. Partitions taken away are given
            // up and the member rejoins at once, so that the next round can hand them on.
            let kept = Set(self.assignment), had = Set(previous)
            let revoked = previous.filter { !kept.contains($0) }
            let added = self.assignment.filter { !had.contains($0) }
            guard !revoked.isEmpty else { return [.assign(added)] }
            return [.revoke(revoked), .assign(added)] + joinGroup()
        case .rebalanceInProgress?, .illegalGeneration?:
            return joinGroup()
        case .unknownMemberId?:
            return revokeAndRejoin(resetMember: true)
        case .notCoordinator?, .coordinatorNotAvailable?:
            return lookUpCoordinator()
        default:
            return fail(errorCode, "SyncGroup")
        }
    }

    /// A JoinGroup or SyncGroup request that could not be sent as asked: with
    /// `unsupportedVersion` or `invalidArgument` it never will be (a static member's name for a
    /// broker older than JoinGroup v5, say), so the consumer stops with that error; anything else
    /// (connection lost, timeout) is tried again.
    public mutating func requestFailed(_ error: KafkaError, now: Int64) -> [Action] {
        guard state == .joining || state == .syncing else { return [] }
        if error.code == .unsupportedVersion || error.code == .invalidArgument { return fail(error) }
        return requestFailed(now: now)
    }

    /// A JoinGroup or SyncGroup request that got no answer (connection lost, timeout).
    public mutating func requestFailed(now: Int64) -> [Action] {
        guard state == .joining || state == .syncing else { return [] }
        state = .findingCoordinator
        nextAttemptAt = now + configuration.retryBackoffMs
        return []
    }

    /// A heartbeat's error code, or nil when the request itself failed.
    public mutating func heartbeatCompleted(errorCode: Int16?, now: Int64) -> [Action] {
        heartbeatInFlight = false
        guard state == .stable else { return [] }
        guard let errorCode else {
            if now - lastHeartbeatAck >= configuration.sessionTimeoutMs {
                // The coordinator has surely dropped us: give up the partitions and join anew.
                return revokeAndRejoin(resetMember: true)
            }
            coordinatorLost = true
            nextAttemptAt = now + configuration.retryBackoffMs
            return []
        }
        switch KafkaErrorCode(code: errorCode) {
        case .noError?:
            lastHeartbeatAck = now
            nextAttemptAt = now + configuration.heartbeatIntervalMs
            return []
        case .rebalanceInProgress?:
            // Cooperative members keep reading their partitions while the group rejoins.
            if configuration.assignor.rebalanceProtocol == .cooperative { return joinGroup() }
            return revokeAndRejoin(resetMember: false)
        case .illegalGeneration?:
            return revokeAndRejoin(resetMember: false)
        case .fencedInstanceId?:
            // Another consumer took this static member's name: this one must stop (as Java's
            // FencedInstanceIdException), not rejoin and fence the other in turn.
            return fail(errorCode, "Heartbeat")
        case .unknownMemberId?:
            return revokeAndRejoin(resetMember: true)
        case .notCoordinator?, .coordinatorNotAvailable?:
            coordinatorLost = true
            nextAttemptAt = now + configuration.retryBackoffMs
            return []
        default:
            return fail(errorCode, "Heartbeat")
        }
    }

    /// The time passed: a heartbeat or a retry may be due.
    public mutating func tick(now: Int64) -> [Action] {
        guard let due = nextAttemptAt, due <= now else { return [] }
        switch state {
        case .findingCoordinator:
            nextAttemptAt = nil
            return [.findCoordinator]
        case .joining:
            nextAttemptAt = nil
            return [.join(memberId: memberId)]
        case .stable:
            if coordinatorLost {
                nextAttemptAt = nil
                return [.findCoordinator]
            }
            guard !heartbeatInFlight else { return [] }
            heartbeatInFlight = true
            nextAttemptAt = nil
            return [.heartbeat(generation: generation, memberId: memberId)]
        default:
            return []
        }
    }

    /// Leave the group: give up the partitions, then tell the coordinator. A static member does
    /// not tell it: its name keeps its place until the session times out, so that a restart
    /// within that time changes nothing for the others.
    public mutating func leave(now: Int64) -> [Action] {
        let wasMember = !memberId.isEmpty && (state == .stable || state == .syncing || state == .joining)
            && configuration.groupInstanceId == nil
        var actions: [Action] = []
        if !assignment.isEmpty { actions.append(.revoke(assignment)) }
        if wasMember { actions.append(.leave(memberId: memberId)) }
        assignment = []
        assignmentGeneration = -1
        state = .left
        nextAttemptAt = nil
        return actions
    }

    // MARK: transitions

    private mutating func lookUpCoordinator() -> [Action] {
        state = .findingCoordinator
        nextAttemptAt = nil
        return [.findCoordinator]
    }

    private mutating func joinGroup() -> [Action] {
        state = .joining
        nextAttemptAt = nil
        return [.join(memberId: memberId)]
    }

    private mutating func retryLater(now: Int64, then next: State) -> [Action] {
        state = next
        nextAttemptAt = now + configuration.retryBackoffMs
        return []
    }

    private mutating func revokeAndRejoin(resetMember: Bool) -> [Action] {
        var actions: [Action] = []
        if !assignment.isEmpty { actions.append(.revoke(assignment)) }
        assignment = []
        assignmentGeneration = -1
        if resetMember { memberId = "" }
        actions += joinGroup()
        return actions
    }

    private mutating func fail(_ code: Int16, _ context: String) -> [Action] {
        fail(KafkaError.broker(code, "\(context) for group \(configuration.groupId)")
            ?? KafkaError(.protocolViolation, "\(context) failed without an error code"))
    }

    private mutating func fail(_ error: KafkaError) -> [Action] {
        state = .failed(error)
        nextAttemptAt = nil
        var actions: [Action] = []
        if !assignment.isEmpty { actions.append(.revoke(assignment)) }
        assignment = []
        actions.append(.fail(error))
        return actions
    }
}
