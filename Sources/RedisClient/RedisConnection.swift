import RESP
import Synchronization
import Transport

/// One connection to a Redis server, shared by any number of concurrent callers.
///
/// **Automatic pipelining.** Callers never wait for each other's round trips: each command is encoded
/// straight into one outgoing buffer and its reply slot appended to a FIFO; a writer task sends whatever
/// has accumulated in one write (commands queued while a write is in flight go out together in the next),
/// and a reader task decodes replies straight from its receive buffer and hands them out in order.
///
/// **Why a lock-protected class, not an actor.** The state is changed from synchronous contexts that
/// cannot await an actor: cancellation handlers (so a cancelled caller is answered at once, inside its
/// handler), `AsyncStream.onTermination`, and the body of `withUnsafeThrowingContinuation`. Speed is not
/// the reason: `BenchRedis state-access` measures an actor and a Mutex at the same order per command.
///
/// **Timeouts and cancellation never close the connection.** A caller that gives up is answered at once;
/// its reply slot stays in the FIFO (marked abandoned) so the reply is still read and dropped, and the
/// replies behind it stay matched.
///
/// **Reconnect.** When the socket breaks, commands already (maybe) sent fail with `connectionLost`
/// (they may have run); commands not yet written stay queued and go out on the next connection, which is
/// made with `Backoff` (exponential, full jitter), handshaken again, and resubscribed.
///
/// **Blocking commands** (BLPOP, BRPOP, XREAD/XREADGROUP BLOCK, WAIT) hold up every reply behind them on
/// this connection, since Redis answers in order. Run them on a connection of their own (`RedisPool`);
/// `RedisClient` does that for you.
///
/// Call `close()` when done: the reader, writer and timer tasks keep the connection alive until then.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    let state: Mutex<State>
    /// Bounds commands queued or awaiting replies: callers beyond it wait for a slot (backpressure).
    let slots: AsyncSemaphore
    let tlsContext: TLSContext?

    /// One socket and the generation it belongs to; tasks of an older link exit when they see a newer one.
    final class Link: Sendable {
        let stream: any ByteStream
        let protocolVersion: Int
        init(stream: any ByteStream, protocolVersion: Int) {
            self.stream = stream
            self.protocolVersion = protocolVersion
        }
    }

    enum Phase {
        case connected(Link)
        /// Between sockets: commands queue up and go out once the next socket is ready.
        case connecting
        /// Closed for idleness (or after a failure with nothing waiting): the next command reconnects.
        case dormant
        case closed(RedisError)
    }

    /// A continuation to resume once the lock is released.
    struct Resumption {
        let continuation: UnsafeContinuation<RESPValue, Error>
        let result: Result<RESPValue, RedisError>
        func resume() { continuation.resume(with: result.mapError { $0 as Error }) }
    }

    /// What a state change asks the caller to do after unlocking.
    struct Effects {
        var resumptions: [Resumption] = []
        var deliveries: [(AsyncStream<RedisPubSubMessage>.Continuation, RedisPubSubMessage)] = []
        var releasedSlots = 0
        var wakeWriter: UnsafeContinuation<Void, Never>?
        var startReconnect = false
        var finishedStreams: [AsyncStream<RedisPubSubMessage>.Continuation] = []
        var streamToClose: (any ByteStream)?
        /// A deadline earlier than the timer's next wake: it needs a sweep of its own.
        var extraSweepAt: Deadline?
        /// The timer task of a connection that just closed.
        var timerToCancel: Task<Void, Never>?

        var isEmpty: Bool {
            resumptions.isEmpty && deliveries.isEmpty && releasedSlots == 0 && wakeWriter == nil && !startReconnect
                && finishedStreams.isEmpty && streamToClose == nil && extraSweepAt == nil
                && timerToCancel == nil
        }
    }

    init(configuration: RedisConfiguration, tlsContext: TLSContext?, phase: Phase) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.slots = AsyncSemaphore(permits: max(1, configuration.maxPendingCommands))
        self.state = Mutex(State(phase: phase, configuration: configuration))
    }

    /// Connects, handshakes (HELLO 3 / AUTH / SETNAME / SELECT) and starts the connection's tasks.
    public static func connect(_ configuration: RedisConfiguration) async throws(RedisError) -> RedisConnection {
        var tlsContext: TLSContext?
        if let tls = configuration.tls {
            do { tlsContext = try TLSContext(tls, server: false) } catch {
                throw RedisError(.connectFailed, "TLS configuration: \(error)")
            }
        }
        let established = try await Handshake.establish(configuration, tlsContext: tlsContext)
        let connection = RedisConnection(configuration: configuration, tlsContext: tlsContext, phase: .connecting)
        connection.install(established)
        connection.startTimer()
        return connection
    }

    public static func connect(url: String) async throws(RedisError) -> RedisConnection {
        try await connect(RedisConfiguration(url: url))
    }

    /// The protocol the server agreed to: 3 after HELLO 3, 2 otherwise (0 while not connected).
    public var protocolVersion: Int {
        state.withLock { s in
            if case .connected(let link) = s.phase { return link.protocolVersion }
            return 0
        }
    }

    /// The protocol the latest socket agreed to, also while reconnecting (0 before the first).
    public var negotiatedProtocolVersion: Int { state.withLock { $0.lastProtocolVersion } }

    public var isClosed: Bool {
        state.withLock { s in
            if case .closed = s.phase { return true }
            return false
        }
    }

    // MARK: sending

    /// Sends one typed command and decodes its reply. `deadline` overrides the configured command timeout
    /// (`.distantFuture` waits for ever).
    public func send<Command: RedisCommand>(_ command: Command, deadline: Deadline? = nil) async throws(RedisError) -> Command.Response {
        let reply = try await roundTrip(shape: .replies(1), deadline: deadline) { encoder in
            encoder.append(command)
        }
        if let error = reply.serverError { throw error }
        return try command.decode(command.prepared(reply))
    }

    /// Sends any command given as its words; an error reply is thrown as `RedisError` (code `.server`).
    @discardableResult
    public func send(_ arguments: [String], deadline: Deadline? = nil) async throws(RedisError) -> RESPValue {
        try await send(RawCommand(arguments), deadline: deadline)
    }

    @discardableResult
    public func send(_ arguments: [[UInt8]], deadline: Deadline? = nil) async throws(RedisError) -> RESPValue {
        try await send(RawCommand(arguments), deadline: deadline)
    }

    /// Enqueues an entry whose commands `encode` writes, then waits for its reply (for `.replies(n > 1)`, an
    /// array of the n replies, error replies included as values).
    func roundTrip(shape: ReplyShape, deadline: Deadline?,
                   encode: (inout RedisCommandEncoder) -> Void) async throws(RedisError) -> RESPValue {
        if Task.isCancelled { throw RedisError(.cancelled, "cancelled before sending") }
        let deadline = deadline ?? configuration.commandTimeout.map { Deadline.after($0) }
        if !slots.tryAcquire() {
            do { try await slots.acquire(deadline: deadline) } catch {
                if error.code == .cancelled { throw RedisError(.cancelled, "cancelled while waiting for a queue slot") }
                throw RedisError(.poolExhausted, "\(configuration.maxPendingCommands) commands already pending")
            }
        }
        let id = try enqueue(shape: shape, deadline: deadline, holdsSlot: true, encode: encode)
        return try await awaitReply(id)
    }

    func enqueue(shape: ReplyShape, deadline: Deadline?, holdsSlot: Bool,
                 encode: (inout RedisCommandEncoder) -> Void) throws(RedisError) -> UInt64 {
        var effects = Effects()
        let outcome: Result<UInt64, RedisError> = state.withLock { s in
            s.enqueue(shape: shape, deadline: deadline, holdsSlot: holdsSlot, effects: &effects, encode: encode)
        }
        perform(effects)
        switch outcome {
        case .success(let id):
            return id
        case .failure(let error):
            if holdsSlot { slots.release() }
            throw error
        }
    }

    func awaitReply(_ id: UInt64) async throws(RedisError) -> RESPValue {
        do {
            return try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<RESPValue, Error>) in
                    let early: Result<RESPValue, RedisError>? = state.withLock { s in s.attach(continuation, to: id) }
                    if let early { continuation.resume(with: early.mapError { $0 as Error }) }
                }
            } onCancel: {
                abandon(id, RedisError(.cancelled, "cancelled while awaiting the reply"))
            }
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(.cancelled, "\(error)")
        }
    }

    /// Answers the caller of `id` with `error` now; its reply, when it comes, is dropped.
    func abandon(_ id: UInt64, _ error: RedisError) {
        let continuation = state.withLock { s in s.abandon(id, error) }
        continuation?.resume(throwing: error)
    }

    func perform(_ effects: consuming Effects) {
        if effects.isEmpty { return }
        if let stream = effects.streamToClose { stream.close() }
        for resumption in effects.resumptions { resumption.resume() }
        for (continuation, message) in effects.deliveries { continuation.yield(message) }
        for continuation in effects.finishedStreams { continuation.finish() }
        for _ in 0..<effects.releasedSlots { slots.release() }
        effects.wakeWriter?.resume()
        if effects.startReconnect {
            Task { await self.reconnectLoop() }
        }
        if let deadline = effects.extraSweepAt { scheduleExtraSweep(at: deadline) }
        effects.timerToCancel?.cancel()
    }

    // MARK: closing

    /// Closes the socket; every waiting caller gets `.closed`, subscriptions end.
    public func close() {
        var effects = Effects()
        state.withLock { s in
            effects.timerToCancel = s.close(RedisError(.closed, "connection closed"), effects: &effects)
        }
        perform(effects)
    }

    // MARK: the socket's tasks

    /// Makes `established` the current link and starts its reader and writer.
    func install(_ established: Handshake.Established) {
        let link = Link(stream: established.stream, protocolVersion: established.protocolVersion)
        var effects = Effects()
        let installed = state.withLock { s in s.install(link, effects: &effects) }
        perform(effects)
        guard installed else {
            established.stream.close()
            return
        }
        let decoder = established.decoder
        Task { await self.readLoop(link, decoder: decoder) }
        Task { await self.writeLoop(link) }
    }

    func linkFailed(_ link: Link, _ error: RedisError) {
        var effects = Effects()
        state.withLock { s in s.linkFailed(link, error, effects: &effects) }
        perform(effects)
    }

    private func readLoop(_ link: Link, decoder: consuming RESPDecoder) async {
        var decoder = decoder
        var values: [RESPValue] = []
        while true {
            do {
                while let value = try decoder.next() { values.append(value) }
            } catch {
                linkFailed(link, RedisError(.protocolViolation, "\(error)"))
                return
            }
            if !values.isEmpty {
                var effects = Effects()
                let violation: RedisError? = state.withLock { s in s.dispatch(values, from: link, effects: &effects) }
                values.removeAll(keepingCapacity: true)
                perform(effects)
                if let violation {
                    linkFailed(link, violation)
                    return
                }
            }
            let received: Int
            do {
                received = try await decoder.receive { (buffer) async throws(TransportError) -> Int in
                    try await link.stream.read(into: &buffer, maxBytes: 64 << 10, deadline: nil)
                }
            } catch {
                linkFailed(link, RedisError.transport(error, "read"))
                return
            }
            if received == 0 {
                linkFailed(link, RedisError(.connectionLost, "the server closed the connection"))
                return
            }
        }
    }

    private func writeLoop(_ link: Link) async {
        while true {
            let next: State.WriterStep = state.withLock { s in s.takeBatch(for: link) }
            switch next {
            case .stop:
                return
            case .write(var batch):
                do {
                    try await link.stream.write(batch, deadline: nil)
                } catch {
                    linkFailed(link, RedisError.transport(error, "write"))
                    return
                }
                batch.removeAll(keepingCapacity: true)
                state.withLock { s in s.recycle(batch) }
            case .idle:
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let parked = state.withLock { s in s.parkWriter(continuation, for: link) }
                    if !parked { continuation.resume() }
                }
            }
        }
    }

    func reconnectLoop() async {
        var backoff = configuration.reconnectBackoff
        while true {
            let stillConnecting = state.withLock { s -> Bool in
                if case .connecting = s.phase { return true }
                return false
            }
            guard stillConnecting else { return }
            do {
                let established = try await Handshake.establish(configuration, tlsContext: tlsContext)
                install(established)
                return
            } catch {
                let delay = backoff.nextDelay()
                try? await EventLoop.shared.sleep(until: .after(delay))
            }
        }
    }

    // MARK: timeouts and idleness

    func startTimer() {
        let task = Task { await self.timerLoop() }
        let keep = state.withLock { s -> Bool in
            if case .closed = s.phase { return false }
            s.timerTask = task
            return true
        }
        if !keep { task.cancel() }
    }

    private func timerLoop() async {
        while !Task.isCancelled {
            var effects = Effects()
            let target: Deadline? = state.withLock { s in s.sweep(now: .now(), updateTarget: true, effects: &effects) }
            perform(effects)
            guard let target else { return }
            do { try await EventLoop.shared.sleep(until: target) } catch { return }
        }
    }

    /// A command whose deadline is earlier than the timer's next wake (a per-call timeout shorter than the
    /// default) gets a sweep of its own.
    private func scheduleExtraSweep(at deadline: Deadline) {
        Task {
            try? await EventLoop.shared.sleep(until: deadline)
            var effects = Effects()
            _ = self.state.withLock { s in s.sweep(now: .now(), updateTarget: false, effects: &effects) }
            self.perform(effects)
        }
    }
}
