import CEpoll
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread waiting in `epoll_wait`, bridging readiness to async/await.
///
/// Sockets are registered once, edge-triggered and one-shot (re-armed by a task that waits, see
/// `SocketRegistration`). The loop thread only records
/// readiness and resumes the continuation of whichever task waits; the reads and writes themselves
/// run on the caller's task. Deadlines live in a timer heap whose earliest entry sets the
/// `epoll_wait` timeout, and an eventfd wakes the loop when an earlier timer is added.
/// No thread is blocked per connection and nothing polls.
public final class EventLoop: Sendable {
    /// The process-wide loop, started on first use.
    public static let shared: EventLoop = {
        // Ignore SIGPIPE once: a write to a closed peer must be an error, never a process kill.
        signal(SIGPIPE, SIG_IGN)
        return EventLoop()
    }()

    private struct State {
        var registrations: [UInt64: SocketRegistration] = [:]
        var nextToken: UInt64 = 1
        var timers = TimerHeap()
        var sleeping = false
    }

    private let epfd: Int32
    private let wakeFD: Int32
    private static let wakeToken: UInt64 = 0
    private let state = Mutex(State())

    private init() {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        _ = cepoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue, Self.wakeToken)
        let loop = Unmanaged.passRetained(self)
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.run()
            return nil
        }, loop.toOpaque())
        pthread_detach(thread)
    }

    // MARK: registration

    /// Both directions, as a new registration watches them.
    static let bothDirections = EPOLLIN.rawValue | EPOLLOUT.rawValue
    /// Flags every arming carries besides the directions.
    private static let armingFlags = EPOLLRDHUP.rawValue | EPOLLET.rawValue | EPOLLONESHOT.rawValue

    /// Registers a non-blocking descriptor for edge-triggered, one-shot readiness in both directions.
    func register(fd: Int32) throws(TransportError) -> SocketRegistration {
        let registration = state.withLock { s -> SocketRegistration in
            let token = s.nextToken
            s.nextToken += 1
            let r = SocketRegistration(fd: fd, token: token, loop: self)
            s.registrations[token] = r
            return r
        }
        if cepoll_ctl(epfd, EPOLL_CTL_ADD, fd, Self.bothDirections | Self.armingFlags, registration.token) != 0 {
            let err = cepoll_errno()
            _ = state.withLock { $0.registrations.removeValue(forKey: registration.token) }
            throw TransportError.errno("epoll_ctl(ADD)", err)
        }
        return registration
    }

    /// Watches `fd` again for `directions` after a one-shot report; epoll reports at once if it is
    /// ready already. False if the descriptor is no longer registered.
    func rearm(fd: Int32, token: UInt64, directions: UInt32) -> Bool {
        cepoll_ctl(epfd, EPOLL_CTL_MOD, fd, directions | Self.armingFlags, token) == 0
    }

    /// Removes the descriptor from epoll; call before closing it so a reused descriptor number
    /// never receives this registration's events.
    func deregister(_ registration: SocketRegistration) {
        _ = cepoll_ctl(epfd, EPOLL_CTL_DEL, registration.fd, 0, 0)
        _ = state.withLock { $0.registrations.removeValue(forKey: registration.token) }
    }

    // MARK: timers

    /// Runs `action` on the loop thread at `deadline` unless cancelled first. Keep actions short.
    func schedule(at deadline: Deadline, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, wake) = state.withLock { s -> (UInt64, Bool) in
            let before = s.timers.earliest
            let id = s.timers.schedule(deadline, action)
            return (id, s.sleeping && (before == nil || deadline < before!))
        }
        if wake { wakeUp() }
        return id
    }

    func cancelTimer(_ id: UInt64) {
        state.withLock { $0.timers.cancel(id) }
    }

    /// Suspends the current task until `deadline` without blocking a thread.
    public func sleep(until deadline: Deadline) async throws(TransportError) {
        let gate = OneShot()
        do {
            try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, Error>) in
                    guard gate.arm(continuation) else { return }
                    let id = schedule(at: deadline) { _ = gate.resume(with: .success(())) }
                    if !gate.attachTimer(id) { cancelTimer(id) }
                }
            } onCancel: {
                if let timer = gate.resume(with: .failure(TransportError(.cancelled, "sleep cancelled"))) {
                    cancelTimer(timer)
                }
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.cancelled, "sleep cancelled")
        }
    }

    private func wakeUp() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    // MARK: the loop

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let timeout: Int32 = state.withLock { s in
                s.sleeping = true
                guard let earliest = s.timers.earliest else { return -1 }
                let now = Deadline.now()
                if earliest <= now { return 0 }
                let ms = (earliest.nanoseconds - now.nanoseconds + 999_999) / 1_000_000
                return Int32(min(ms, 60_000))
            }
            let n = epoll_wait(epfd, events, Int32(capacity), timeout)
            state.withLock { $0.sleeping = false }
            if n < 0 {
                if cepoll_errno() == EINTR { continue }
                // epoll_wait fails only on programming errors (bad fd); nothing can be recovered.
                return
            }
            for i in 0..<Int(n) {
                let event = events.advanced(by: i)
                let token = cepoll_event_u64(event)
                let flags = cepoll_event_events(event)
                if token == Self.wakeToken {
                    var counter: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
                    continue
                }
                let registration = state.withLock { $0.registrations[token] }
                registration?.handle(events: flags)
            }
            let due = state.withLock { $0.timers.popDue(Deadline.now()) }
            for action in due { action() }
        }
    }
}

/// A continuation that is resumed exactly once, whoever gets there first: the timer or the
/// task's cancellation (which may even come before the continuation exists).
final class OneShot: Sendable {
    private enum State {
        case idle
        case failedEarly(Error)
        case armed(UnsafeContinuation<Void, Error>, timer: UInt64?)
        case done
    }
    private let state = Mutex(State.idle)

    /// Stores the continuation; false if it was already resumed because a failure came first.
    func arm(_ continuation: UnsafeContinuation<Void, Error>) -> Bool {
        let early: Error? = state.withLock { s in
            if case .failedEarly(let error) = s { s = .done; return error }
            s = .armed(continuation, timer: nil)
            return nil
        }
        if let early { continuation.resume(throwing: early); return false }
        return true
    }

    /// Remembers the timer to cancel on early resumption; false if already resumed.
    func attachTimer(_ id: UInt64) -> Bool {
        state.withLock { s in
            if case .armed(let c, nil) = s { s = .armed(c, timer: id); return true }
            return false
        }
    }

    /// Resumes once; returns the timer that the caller should cancel, if any.
    func resume(with result: Result<Void, Error>) -> UInt64? {
        let taken: (UnsafeContinuation<Void, Error>, UInt64?)? = state.withLock { s in
            switch s {
            case .armed(let c, let timer):
                s = .done
                return (c, timer)
            case .idle:
                if case .failure(let error) = result { s = .failedEarly(error) }
                return nil
            case .failedEarly, .done:
                return nil
            }
        }
        guard let (continuation, timer) = taken else { return nil }
        continuation.resume(with: result)
        return timer
    }
}
