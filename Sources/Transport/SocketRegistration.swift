import CEpoll
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The readiness state of one descriptor and the (at most one) reader and writer waiting on it.
///
/// The descriptor is registered edge-triggered and one-shot: after epoll reports it, it stays
/// quiet until a task that saw EAGAIN parks and re-arms it for its direction. Without one-shot,
/// edge-triggered epoll reports every segment that arrives while a reader is busy (a hundred
/// wake-ups of the loop thread for a 6 MB response) and every ACK that frees send space while
/// no writer waits. Re-arming checks readiness at once (EPOLL_CTL_MOD), so data that came
/// between the EAGAIN and the re-arm is reported, not lost. A direction's flag records a
/// report that found nobody waiting, so a task that then waits retries at once.
final class SocketRegistration: Sendable {
    enum Direction: Sendable { case read, write }

    private struct Waiter {
        let id: UInt64
        let continuation: UnsafeContinuation<Void, Error>
        var timer: UInt64?
    }

    private struct State {
        var readable = false
        var writable = false
        var reader: Waiter?
        var writer: Waiter?
        var nextWaiter: UInt64 = 1
        var closed = false
        /// Operations inside a system call on `fd`; the descriptor is closed only when this is 0.
        var activeOperations = 0
        var closeWhenIdle = false
        var descriptorClosed = false
        /// The directions (EPOLLIN, EPOLLOUT) epoll watches now; 0 once it has reported.
        var armed: UInt32 = EventLoop.bothDirections
    }

    let fd: Int32
    let token: UInt64
    private let loop: EventLoop
    private let state = Mutex(State())

    init(fd: Int32, token: UInt64, loop: EventLoop) {
        self.fd = fd
        self.token = token
        self.loop = loop
    }

    // MARK: loop side

    func handle(events: UInt32) {
        let errorish = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        let readable = errorish || events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0
        let writable = errorish || events & EPOLLOUT.rawValue != 0
        var wake: [Waiter] = []
        state.withLock { s in
            // One-shot: epoll reported, so it watches nothing until re-armed.
            s.armed = 0
            if readable {
                if let r = s.reader { wake.append(r); s.reader = nil } else { s.readable = true }
            }
            if writable {
                if let w = s.writer { wake.append(w); s.writer = nil } else { s.writable = true }
            }
            // A waiter of the direction that was not reported still needs epoll.
            armForWaiters(&s)
        }
        for w in wake {
            if let timer = w.timer { loop.cancelTimer(timer) }
            w.continuation.resume()
        }
    }

    // MARK: task side

    /// Waits until the direction may make progress, the deadline passes, the task is cancelled
    /// or the socket is closed. Returns at once if an edge arrived since the last wait.
    func wait(_ direction: Direction, deadline: Deadline?) async throws(TransportError) {
        let pending: UInt64? = state.withLock { s in
            if s.closed { return nil }
            switch direction {
            case .read where s.readable: s.readable = false; return 0
            case .write where s.writable: s.writable = false; return 0
            default:
                let id = s.nextWaiter
                s.nextWaiter += 1
                return id
            }
        }
        guard let id = pending else { throw TransportError(.closed, "socket closed") }
        if id == 0 { return }
        do {
            try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, Error>) in
                    park(direction, id: id, continuation: continuation, deadline: deadline)
                }
            } onCancel: {
                abandon(direction, id: id, with: TransportError(.cancelled, "\(direction) cancelled"))
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.cancelled, "\(direction) cancelled")
        }
    }

    private func park(_ direction: Direction, id: UInt64, continuation: UnsafeContinuation<Void, Error>, deadline: Deadline?) {
        enum Outcome { case parked, readyNow, closed, cancelled, timedOut }
        let outcome: Outcome = state.withLock { s in
            if s.closed { return .closed }
            if Task.isCancelled { return .cancelled }
            if let deadline, deadline.hasPassed { return .timedOut }
            switch direction {
            case .read:
                // A report may have come between the first check and now.
                if s.readable { s.readable = false; return .readyNow }
                s.reader = Waiter(id: id, continuation: continuation)
            case .write:
                if s.writable { s.writable = false; return .readyNow }
                s.writer = Waiter(id: id, continuation: continuation)
            }
            armForWaiters(&s)
            return .parked
        }
        switch outcome {
        case .readyNow: continuation.resume()
        case .closed: continuation.resume(throwing: TransportError(.closed, "socket closed"))
        case .cancelled: continuation.resume(throwing: TransportError(.cancelled, "\(direction) cancelled"))
        case .timedOut: continuation.resume(throwing: TransportError(.timedOut, "\(direction) deadline passed"))
        case .parked:
            guard let deadline else { return }
            let timer = loop.schedule(at: deadline) { [self] in
                abandon(direction, id: id, with: TransportError(.timedOut, "\(direction) deadline passed"))
            }
            let stillWaiting = state.withLock { s -> Bool in
                switch direction {
                case .read where s.reader?.id == id: s.reader?.timer = timer; return true
                case .write where s.writer?.id == id: s.writer?.timer = timer; return true
                default: return false
                }
            }
            if !stillWaiting { loop.cancelTimer(timer) }
        }
    }

    /// Resumes waiter `id` with `error` if it is still waiting (timeout or cancellation).
    private func abandon(_ direction: Direction, id: UInt64, with error: TransportError) {
        let waiter: Waiter? = state.withLock { s in
            switch direction {
            case .read where s.reader?.id == id: defer { s.reader = nil }; return s.reader
            case .write where s.writer?.id == id: defer { s.writer = nil }; return s.writer
            default: return nil
            }
        }
        guard let waiter else { return }
        if let timer = waiter.timer, error.code != .timedOut { loop.cancelTimer(timer) }
        waiter.continuation.resume(throwing: error)
    }

    /// Makes epoll watch the directions someone waits for, if it does not already (called with
    /// the lock held, so arming and reports are ordered). A failure (the descriptor is being
    /// closed) leaves the waiter to the close, which wakes it.
    private func armForWaiters(_ s: inout State) {
        guard !s.closed else { return }
        var wanted: UInt32 = 0
        if s.reader != nil { wanted |= EPOLLIN.rawValue }
        if s.writer != nil { wanted |= EPOLLOUT.rawValue }
        guard wanted != 0, s.armed & wanted != wanted else { return }
        let interest = s.armed | wanted
        if loop.rearm(fd: fd, token: token, directions: interest) { s.armed = interest }
    }

    // MARK: descriptor lifetime

    /// Marks the start of a system call on `fd`; false once the socket is closed.
    func beginOperation() -> Bool {
        state.withLock { s in
            if s.closed { return false }
            s.activeOperations += 1
            return true
        }
    }

    func endOperation() {
        let closeNow = state.withLock { s -> Bool in
            s.activeOperations -= 1
            if s.activeOperations == 0 && s.closeWhenIdle && !s.descriptorClosed {
                s.descriptorClosed = true
                return true
            }
            return false
        }
        if closeNow { closeDescriptor() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Closes: wakes every waiter with `.closed`, and closes the descriptor once no system call
    /// is using it, so the number can never be reused under a running read or write.
    func close() {
        let (waiters, closeNow) = state.withLock { s -> ([Waiter], Bool) in
            if s.closed { return ([], false) }
            s.closed = true
            let waiters = [s.reader, s.writer].compactMap { $0 }
            s.reader = nil
            s.writer = nil
            if s.activeOperations == 0 {
                s.descriptorClosed = true
                return (waiters, true)
            }
            s.closeWhenIdle = true
            return (waiters, false)
        }
        if !closeNow {
            // Unblocks a running system call at once; the last one out closes the descriptor.
            _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        }
        for w in waiters {
            if let timer = w.timer { loop.cancelTimer(timer) }
            w.continuation.resume(throwing: TransportError(.closed, "socket closed"))
        }
        if closeNow { closeDescriptor() }
    }

    private func closeDescriptor() {
        loop.deregister(self)
        _ = Glibc.close(fd)
    }
}
