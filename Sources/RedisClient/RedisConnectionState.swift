import RESP
import Transport

extension RedisConnection {
    /// Everything the lock guards. Methods are the state machine's transitions: they change the state and
    /// record in `Effects` what must happen after unlocking (resume callers, wake the writer...).
    struct State {
        var phase: Phase
        var pending = PendingReplies()
        /// Encoded commands not yet taken by the writer.
        var outgoing: [UInt8] = []
        /// An emptied buffer kept for the next batch, so steady traffic allocates nothing.
        var spare: [UInt8] = []
        /// Entries at the tail of `pending` whose bytes are still in `outgoing` (never written).
        var unsentCount = 0
        var writerParked: UnsafeContinuation<Void, Never>?
        /// Results that arrived before their caller suspended (or errors for callers abandoned before then).
        var earlyResults: [UInt64: Result<RESPValue, RedisError>] = [:]
        var subscriptions = SubscriptionRegistry()
        var lastRead: Deadline = .now()
        /// When the timer task wakes next.
        var timerTarget: Deadline = .distantFuture
        var timerTask: Task<Void, Never>?
        /// The protocol of the latest socket (kept while reconnecting).
        var lastProtocolVersion = 0
        let commandTimeout: Duration?
        let idleTimeout: Duration?
        let reconnects: Bool

        init(phase: Phase, configuration: RedisConfiguration) {
            self.phase = phase
            self.commandTimeout = configuration.commandTimeout
            self.idleTimeout = configuration.idleTimeout
            self.reconnects = configuration.reconnect
        }

        var protocolVersion: Int {
            if case .connected(let link) = phase { return link.protocolVersion }
            return 3
        }

        // MARK: enqueue and wait

        mutating func enqueue(shape: ReplyShape, deadline: Deadline?, holdsSlot: Bool, effects: inout Effects,
                              encode: (inout RedisCommandEncoder) -> Void) -> Result<UInt64, RedisError> {
            switch phase {
            case .closed(let error): return .failure(error)
            case .dormant:
                phase = .connecting
                effects.startReconnect = true
            case .connecting, .connected: break
            }
            var encoder = RedisCommandEncoder(appendingTo: outgoing)
            outgoing = []
            encode(&encoder)
            outgoing = encoder.buffer
            let id = pending.append(PendingReply(waiter: .notYetSuspended, shape: shape, deadline: deadline, holdsSlot: holdsSlot))
            unsentCount += 1
            if let deadline, deadline < timerTarget { effects.extraSweepAt = deadline }
            if let writer = writerParked {
                writerParked = nil
                effects.wakeWriter = writer
            }
            return .success(id)
        }

        /// Internal commands nobody waits for (resubscriptions, unsubscriptions of ended streams).
        mutating func enqueueUnawaited(shape: ReplyShape, effects: inout Effects, encode: (inout RedisCommandEncoder) -> Void) {
            if case .success(let id) = enqueue(shape: shape, deadline: nil, holdsSlot: false, effects: &effects, encode: encode) {
                pending[id].waiter = .abandoned(nil)
            }
        }

        /// The caller of `id` suspends: attach its continuation, or hand back a result that came first.
        mutating func attach(_ continuation: UnsafeContinuation<RESPValue, Error>, to id: UInt64) -> Result<RESPValue, RedisError>? {
            guard pending.contains(id) else {
                return earlyResults.removeValue(forKey: id) ?? .failure(RedisError(.connectionLost, "reply lost"))
            }
            switch pending[id].waiter {
            case .notYetSuspended:
                pending[id].waiter = .suspended(continuation)
                return nil
            case .abandoned(let error):
                pending[id].waiter = .abandoned(nil)
                return .failure(error ?? RedisError(.cancelled, "abandoned"))
            case .suspended:
                return .failure(RedisError(.invalidArgument, "reply awaited twice"))
            }
        }

        mutating func abandon(_ id: UInt64, _ error: RedisError) -> UnsafeContinuation<RESPValue, Error>? {
            guard pending.contains(id) else { return nil }
            switch pending[id].waiter {
            case .suspended(let continuation):
                pending[id].waiter = .abandoned(nil)
                return continuation
            case .notYetSuspended:
                pending[id].waiter = .abandoned(error)
                return nil
            case .abandoned:
                return nil
            }
        }

        /// Removes the oldest entry and answers its caller with `result`.
        mutating func completeFirst(_ result: Result<RESPValue, RedisError>, effects: inout Effects) {
            let (id, entry) = pending.removeFirst()
            if entry.holdsSlot { effects.releasedSlots += 1 }
            switch entry.waiter {
            case .suspended(let continuation):
                effects.resumptions.append(Resumption(continuation: continuation, result: result))
            case .notYetSuspended:
                earlyResults[id] = result
            case .abandoned(let error?):
                earlyResults[id] = .failure(error)
            case .abandoned(nil):
                break
            }
        }

        // MARK: replies

        /// Hands decoded replies to their callers. Returns an error if the server broke the protocol
        /// (a reply nobody asked for).
        mutating func dispatch(_ values: [RESPValue], from link: Link, effects: inout Effects) -> RedisError? {
            guard case .connected(let current) = phase, current === link else { return nil }
            if idleTimeout != nil { lastRead = .now() }
            for value in values {
                if case .push(let items) = value {
                    handlePush(items, effects: &effects)
                    continue
                }
                // RESP2 has no push type: on a subscribed connection, pub/sub events are plain arrays.
                if link.protocolVersion == 2, !subscriptions.isEmpty || isAwaitingConfirmations,
                   case .array(let items?) = value, items.first.flatMap(Self.pubSubKind) != nil {
                    handlePush(items, effects: &effects)
                    continue
                }
                guard let expected = pending.firstReplyCount else {
                    return RedisError(.protocolViolation, "reply \(RESPValue.summary(value)) with no command awaiting it")
                }
                switch expected {
                case let count where count > 1:
                    // Collected in place: holding a copy of the entry would make every append copy the array.
                    let done = pending.withFirst { entry -> Bool in
                        if entry.collected.isEmpty { entry.collected.reserveCapacity(count) }
                        entry.collected.append(value)
                        return entry.collected.count == count
                    } ?? false
                    if done {
                        let collected = pending.withFirst { entry -> [RESPValue] in
                            defer { entry.collected = [] }
                            return entry.collected
                        } ?? []
                        completeFirst(.success(.array(collected)), effects: &effects)
                    }
                default:
                    // An ordinary reply; also an error reply to a (un)subscribe, which then gets no confirmations.
                    completeFirst(.success(value), effects: &effects)
                }
            }
            return nil
        }

        private var isAwaitingConfirmations: Bool { pending.firstReplyCount == 0 }

        static func pubSubKind(_ value: RESPValue) -> String? {
            let kind: String
            switch value {
            case .bulkString(let bytes?): kind = String(decoding: bytes, as: UTF8.self)
            case .simpleString(let text): kind = text
            default: return nil
            }
            switch kind {
            case "message", "pmessage", "subscribe", "psubscribe", "unsubscribe", "punsubscribe": return kind
            default: return nil
            }
        }

        private mutating func handlePush(_ items: [RESPValue], effects: inout Effects) {
            guard let kind = items.first.flatMap(Self.pubSubKind) else { return }  // e.g. client-tracking "invalidate"
            switch kind {
            case "message":
                guard items.count == 3, let channel = try? RedisReply.string(items[1]),
                      let payload = try? RedisReply.bytes(items[2]) else { return }
                let message = RedisPubSubMessage(channel: channel, pattern: nil, payload: payload)
                for continuation in subscriptions.channels[channel]?.values ?? [:].values {
                    effects.deliveries.append((continuation, message))
                }
            case "pmessage":
                guard items.count == 4, let pattern = try? RedisReply.string(items[1]),
                      let channel = try? RedisReply.string(items[2]),
                      let payload = try? RedisReply.bytes(items[3]) else { return }
                let message = RedisPubSubMessage(channel: channel, pattern: pattern, payload: payload)
                for continuation in subscriptions.patterns[pattern]?.values ?? [:].values {
                    effects.deliveries.append((continuation, message))
                }
            default:
                // A confirmation: counts down the (un)subscribe command at the head of the queue.
                guard pending.firstReplyCount == 0,
                      case .confirmations(let expected, let count)? = pending.withFirst({ $0.shape }), expected == kind else { return }
                if count > 1 {
                    _ = pending.withFirst { $0.shape = .confirmations(kind: expected, count: count - 1) }
                } else {
                    completeFirst(.success(.push(items)), effects: &effects)
                }
            }
        }

        // MARK: the writer

        enum WriterStep {
            case write([UInt8])
            case idle
            case stop
        }

        mutating func takeBatch(for link: Link) -> WriterStep {
            guard case .connected(let current) = phase, current === link else { return .stop }
            guard !outgoing.isEmpty else { return .idle }
            let batch = outgoing
            outgoing = spare
            spare = []
            unsentCount = 0
            return .write(batch)
        }

        mutating func recycle(_ buffer: [UInt8]) {
            if buffer.capacity > spare.capacity && buffer.capacity <= 1 << 20 { spare = buffer }
        }

        /// Parks the writer until there is something to write; false if there already is (or it must stop).
        mutating func parkWriter(_ continuation: UnsafeContinuation<Void, Never>, for link: Link) -> Bool {
            guard case .connected(let current) = phase, current === link, outgoing.isEmpty else { return false }
            writerParked = continuation
            return true
        }

        // MARK: links

        /// Makes `link` current (false if the connection was closed meanwhile) and queues resubscriptions.
        mutating func install(_ link: Link, effects: inout Effects) -> Bool {
            switch phase {
            case .closed: return false
            case .connected(let old):
                // Not expected (one reconnect loop at a time), but never leak a socket.
                effects.streamToClose = old.stream
            case .connecting, .dormant: break
            }
            phase = .connected(link)
            lastProtocolVersion = link.protocolVersion
            lastRead = .now()
            let channels = subscriptions.channels.keys.sorted()
            if !channels.isEmpty {
                enqueueUnawaited(shape: .confirmations(kind: "subscribe", count: channels.count), effects: &effects) {
                    $0.append(RawCommand(["SUBSCRIBE"] + channels))
                }
            }
            let patterns = subscriptions.patterns.keys.sorted()
            if !patterns.isEmpty {
                enqueueUnawaited(shape: .confirmations(kind: "psubscribe", count: patterns.count), effects: &effects) {
                    $0.append(RawCommand(["PSUBSCRIBE"] + patterns))
                }
            }
            // `enqueue` may have asked for a reconnect (it saw .dormant before we got here): we are connected.
            effects.startReconnect = false
            return true
        }

        /// The socket of `link` broke: fail what was (maybe) sent, keep what was not, and reconnect.
        mutating func linkFailed(_ link: Link, _ error: RedisError, effects: inout Effects) {
            guard case .connected(let current) = phase, current === link else { return }
            effects.streamToClose = link.stream
            if let writer = writerParked {
                writerParked = nil
                effects.wakeWriter = writer
            }
            let lost = RedisError(.connectionLost, error.message)
            while pending.count > unsentCount { completeFirst(.failure(lost), effects: &effects) }
            guard reconnects else {
                effects.timerToCancel = close(lost, effects: &effects)
                return
            }
            if pending.isEmpty && subscriptions.isEmpty {
                phase = .dormant
            } else {
                phase = .connecting
                effects.startReconnect = true
            }
        }

        mutating func close(_ error: RedisError, effects: inout Effects) -> Task<Void, Never>? {
            if case .closed = phase { return nil }
            if case .connected(let link) = phase { effects.streamToClose = link.stream }
            phase = .closed(error)
            if let writer = writerParked {
                writerParked = nil
                effects.wakeWriter = writer
            }
            while !pending.isEmpty { completeFirst(.failure(error), effects: &effects) }
            outgoing = []
            unsentCount = 0
            effects.finishedStreams = subscriptions.removeAll()
            let timer = timerTask
            timerTask = nil
            return timer
        }

        // MARK: timer

        /// Times out overdue commands and closes an idle socket. Returns when to look again (nil: stop).
        mutating func sweep(now: Deadline, updateTarget: Bool, effects: inout Effects) -> Deadline? {
            if case .closed = phase { return nil }
            var earliest = Deadline.distantFuture
            pending.forEach { id, entry in
                guard !entry.isAbandoned, let deadline = entry.deadline else { return }
                if deadline <= now {
                    let error = RedisError(.timedOut, "no reply before the command's deadline")
                    switch entry.waiter {
                    case .suspended(let continuation):
                        effects.resumptions.append(Resumption(continuation: continuation, result: .failure(error)))
                        entry.waiter = .abandoned(nil)
                    case .notYetSuspended:
                        entry.waiter = .abandoned(error)
                    case .abandoned:
                        break
                    }
                } else if deadline < earliest {
                    earliest = deadline
                }
            }
            if let idleTimeout, case .connected(let link) = phase, pending.isEmpty, subscriptions.isEmpty,
               outgoing.isEmpty, lastRead + idleTimeout <= now {
                effects.streamToClose = link.stream
                if let writer = writerParked {
                    writerParked = nil
                    effects.wakeWriter = writer
                }
                phase = .dormant
            }
            // Wake at least once per command timeout, so a command enqueued after this sweep (deadline =
            // then + timeout) is never earlier than the target and needs no extra timer.
            let period = min(commandTimeout ?? .seconds(60), idleTimeout ?? .seconds(60), .seconds(60))
            let target = min(earliest, now + period)
            if updateTarget { timerTarget = target }
            return target
        }
    }
}
