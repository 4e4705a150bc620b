import Synchronization

/// A counting semaphore for tasks: `acquire` suspends (never blocks a thread) until a permit is
/// free, its deadline passes or its task is cancelled. Waiters are served in order.
public final class AsyncSemaphore: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: UnsafeContinuation<Void, Error>
        var timer: UInt64?
    }
    private struct State {
        var permits: Int
        var waiters: [Waiter] = []
        var head = 0
        var nextID: UInt64 = 1
    }
    private let state: Mutex<State>

    public init(permits: Int) { state = Mutex(State(permits: permits)) }

    public var available: Int { state.withLock { $0.permits } }

    /// Takes a permit if one is free right now and nobody is queued.
    public func tryAcquire() -> Bool {
        state.withLock { s in
            if s.permits > 0 && s.head == s.waiters.count { s.permits -= 1; return true }
            return false
        }
    }

    public func acquire(deadline: Deadline? = nil) async throws(TransportError) {
        let id: UInt64? = state.withLock { s in
            if s.permits > 0 && s.head == s.waiters.count { s.permits -= 1; return nil }
            defer { s.nextID += 1 }
            return s.nextID
        }
        guard let id else { return }
        do {
            try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<Void, Error>) in
                    enum Outcome { case parked, granted, cancelled }
                    let outcome: Outcome = state.withLock { s in
                        if Task.isCancelled { return .cancelled }
                        if s.permits > 0 && s.head == s.waiters.count { s.permits -= 1; return .granted }
                        s.waiters.append(Waiter(id: id, continuation: c))
                        return .parked
                    }
                    switch outcome {
                    case .granted: c.resume()
                    case .cancelled: c.resume(throwing: TransportError(.cancelled, "wait for permit cancelled"))
                    case .parked:
                        guard let deadline else { return }
                        let timer = EventLoop.shared.schedule(at: deadline) { [self] in
                            remove(id, with: TransportError(.timedOut, "no permit before the deadline"))
                        }
                        let attached = state.withLock { s -> Bool in
                            guard let i = s.waiters[s.head...].firstIndex(where: { $0.id == id }) else { return false }
                            s.waiters[i].timer = timer
                            return true
                        }
                        if !attached { EventLoop.shared.cancelTimer(timer) }
                    }
                }
            } onCancel: {
                remove(id, with: TransportError(.cancelled, "wait for permit cancelled"))
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.cancelled, "wait for permit cancelled")
        }
    }

    private func remove(_ id: UInt64, with error: TransportError) {
        let waiter: Waiter? = state.withLock { s in
            guard let i = s.waiters[s.head...].firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: i)
        }
        guard let waiter else { return }
        if let timer = waiter.timer, error.code != .timedOut { EventLoop.shared.cancelTimer(timer) }
        waiter.continuation.resume(throwing: error)
    }

    public func release() {
        let next: Waiter? = state.withLock { s in
            if s.head < s.waiters.count {
                let w = s.waiters[s.head]
                s.head += 1
                if s.head > 64 && s.head * 2 > s.waiters.count {
                    s.waiters.removeFirst(s.head)
                    s.head = 0
                }
                return w
            }
            s.permits += 1
            return nil
        }
        guard let next else { return }
        if let timer = next.timer { EventLoop.shared.cancelTimer(timer) }
        next.continuation.resume()
    }
}
