import Synchronization
import Transport

/// What the server knows about one open connection, shared between the connection's task, the
/// shutdown path and the handler watchdog.
final class ConnectionState: Sendable {
    enum Phase: Sendable { case busy, idle, closing }

    private struct State: Sendable {
        var phase = Phase.busy
        /// When the running handler started (monotonic ns); 0 when no handler runs.
        var handlerStarted: UInt64 = 0
        var handlerTimedOut = false
        var task: Task<Void, Never>?
    }

    let tcp: TCPConnection
    private let state = Mutex(State())

    init(tcp: TCPConnection) { self.tcp = tcp }

    func setTask(_ task: Task<Void, Never>) { state.withLock { $0.task = task } }

    /// The connection waits for the next request. False if the server is shutting down: the
    /// connection must close instead.
    func markIdle(shuttingDown: borrowing Atomic<Bool>) -> Bool {
        let ok = state.withLock { s -> Bool in
            guard s.phase != .closing else { return false }
            s.phase = .idle
            return true
        }
        // Checked after publishing `idle`: either we see the flag here, or shutdown sees us idle.
        if ok && shuttingDown.load(ordering: .sequentiallyConsistent) { return closeIfIdle() == false }
        return ok
    }

    func markBusy() {
        state.withLock { s in if s.phase == .idle { s.phase = .busy } }
    }

    /// Shutdown: closes the connection if it is between requests. Returns whether it did.
    @discardableResult
    func closeIfIdle() -> Bool {
        let close = state.withLock { s -> Bool in
            guard s.phase == .idle else { return false }
            s.phase = .closing
            return true
        }
        if close { tcp.close() }
        return close
    }

    /// Shutdown deadline passed: close whatever the connection is doing.
    func forceClose() {
        let task = state.withLock { s -> Task<Void, Never>? in
            s.phase = .closing
            return s.task
        }
        tcp.close()
        task?.cancel()
    }

    func beginHandler() {
        let now = Deadline.now().nanoseconds
        state.withLock { $0.handlerStarted = now }
    }

    /// Returns whether the watchdog cancelled the handler.
    func endHandler() -> Bool {
        state.withLock { s in
            s.handlerStarted = 0
            return s.handlerTimedOut
        }
    }

    /// Watchdog: cancels the connection's task if its handler has run longer than `limit`.
    func enforceHandlerDeadline(now: UInt64, limit: UInt64) {
        let task = state.withLock { s -> Task<Void, Never>? in
            guard s.handlerStarted != 0, !s.handlerTimedOut, now > s.handlerStarted, now - s.handlerStarted > limit else { return nil }
            s.handlerTimedOut = true
            return s.task
        }
        task?.cancel()
    }
}

/// The open connections of one server.
final class ConnectionRegistry: Sendable {
    let shuttingDown = Atomic<Bool>(false)
    private let connections = Mutex<[ObjectIdentifier: ConnectionState]>([:])

    var count: Int { connections.withLock { $0.count } }

    /// Adds a connection; false if the server is shutting down.
    func add(_ state: ConnectionState) -> Bool {
        connections.withLock { $0[ObjectIdentifier(state)] = state }
        if shuttingDown.load(ordering: .sequentiallyConsistent) {
            remove(state)
            return false
        }
        return true
    }

    func remove(_ state: ConnectionState) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(state)) }
    }

    func all() -> [ConnectionState] { connections.withLock { Array($0.values) } }

    /// Stops keep-alive: idle connections are closed now, busy ones after their response.
    func beginShutdown() {
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        for state in all() { state.closeIfIdle() }
    }
}
