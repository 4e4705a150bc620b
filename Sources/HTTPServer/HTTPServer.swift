import HTTP
import Synchronization
import Transport

/// An HTTP/1.1 server on Transport.
///
///     var router = Router()
///     router.get("/hello") { _, _ in .text("Hello, World!") }
///     let server = HTTPServer(configuration: HTTPServerConfiguration(port: 8080), router: router)
///     try await server.run()          // until shutdown(deadline:) is called
///
/// Each connection is served by its own task; requests on a connection are handled one after
/// the other, so pipelined responses go out in order.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let router: CompiledRouter
    private let registry = ConnectionRegistry()
    /// Connections being served (not those being refused), for the connection limit.
    private let served = Atomic<Int>(0)

    private enum Phase: Sendable { case created, running, stopping, stopped }
    private struct State: Sendable {
        var phase = Phase.created
        var listener: TCPListener?
        var acceptLoop: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: Router) {
        self.configuration = configuration
        self.router = router.compiled()
    }

    /// The port listened on (useful with port 0); nil before `start()`.
    public var port: Int? { state.withLock { $0.listener?.port } }

    /// Connections open now (served or being refused).
    public var openConnections: Int { registry.count }

    /// Opens the listening socket and starts accepting in the background.
    public func start() throws(HTTPServerError) {
        let listener: TCPListener
        do {
            // Room above the limit so that a connection past it can be answered 503 instead of
            // waiting unseen in the kernel's backlog.
            listener = try TCPListener(host: configuration.host, port: configuration.port, backlog: configuration.backlog,
                                       maxConnections: configuration.maxConnections + max(16, configuration.maxConnections / 10))
        } catch {
            throw HTTPServerError(.listenFailed, "listen on \(configuration.host):\(configuration.port): \(error.message)")
        }
        let started = state.withLock { s -> Bool in
            guard s.phase == .created else { return false }
            s.phase = .running
            s.listener = listener
            return true
        }
        guard started else {
            listener.close()
            throw HTTPServerError(.listenFailed, "the server was already started")
        }
        let acceptLoop = Task { await self.acceptConnections(listener) }
        let watchdog: Task<Void, Never>? = configuration.handlerTimeout.map { limit in
            Task { await self.enforceHandlerDeadlines(limit) }
        }
        state.withLock {
            $0.acceptLoop = acceptLoop
            $0.watchdog = watchdog
        }
    }

    /// Starts (if needed) and serves until `shutdown` has finished.
    public func run() async throws(HTTPServerError) {
        if state.withLock({ $0.phase == .created }) { try start() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { s -> Bool in
                if s.phase == .stopped { return true }
                s.stopWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    /// Graceful shutdown: stop accepting, close idle keep-alive connections, let requests in
    /// flight finish (their responses say `Connection: close`) for up to `deadline`, then close
    /// whatever is left.
    public func shutdown(deadline: Duration = .seconds(10)) async {
        let (listener, acceptLoop, watchdog) = state.withLock { s -> (TCPListener?, Task<Void, Never>?, Task<Void, Never>?) in
            guard s.phase == .running || s.phase == .created else { return (nil, nil, nil) }
            s.phase = .stopping
            return (s.listener, s.acceptLoop, s.watchdog)
        }
        listener?.close()
        // An accept waiting for a free slot under the listener's limit is not woken by close().
        acceptLoop?.cancel()
        registry.beginShutdown()
        await acceptLoop?.value
        let end = Deadline.after(deadline)
        while registry.count > 0 && !end.hasPassed {
            try? await EventLoop.shared.sleep(until: .after(.milliseconds(10)))
        }
        if registry.count > 0 {
            for connection in registry.all() { connection.forceClose() }
            let grace = Deadline.after(.seconds(2))
            while registry.count > 0 && !grace.hasPassed {
                try? await EventLoop.shared.sleep(until: .after(.milliseconds(10)))
            }
        }
        watchdog?.cancel()
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.phase = .stopped
            defer { s.stopWaiters.removeAll() }
            return s.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: accepting

    private func acceptConnections(_ listener: TCPListener) async {
        while true {
            let tcp: TCPConnection
            do {
                tcp = try await listener.accept()
            } catch {
                if error.code == .closed || error.code == .cancelled { return }
                // Out of descriptors or similar: back off briefly instead of spinning.
                try? await EventLoop.shared.sleep(until: .after(.milliseconds(10)))
                continue
            }
            let connection = ConnectionState(tcp: tcp)
            guard registry.add(connection) else {
                tcp.close()
                continue
            }
            if served.load(ordering: .relaxed) >= configuration.maxConnections {
                let task = Task {
                    await Self.refuseOverCapacity(tcp)
                    self.registry.remove(connection)
                }
                connection.setTask(task)
                continue
            }
            served.add(1, ordering: .relaxed)
            let task = Task {
                await self.serve(tcp, connection)
                self.served.subtract(1, ordering: .relaxed)
            }
            connection.setTask(task)
        }
    }

    private func serve(_ tcp: TCPConnection, _ connectionState: ConnectionState) async {
        defer { registry.remove(connectionState) }
        if let tls = configuration.tls {
            let stream: TLSStream
            do {
                stream = try await TLSStream.accept(over: tcp, context: tls, deadline: .after(configuration.headerReadTimeout))
            } catch {
                tcp.close()
                return
            }
            await ServerConnection(stream: stream, state: connectionState, router: router, configuration: configuration,
                                   registry: registry).serve()
        } else {
            await ServerConnection(stream: tcp, state: connectionState, router: router, configuration: configuration,
                                   registry: registry).serve()
        }
    }

    /// Past `maxConnections`: a complete 503 (with Retry-After), then a lingering close so the
    /// client reads it rather than a reset.
    private static func refuseOverCapacity(_ tcp: TCPConnection) async {
        let body = Array(#"{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"the server is at its connection limit"}"#.utf8)
        var bytes = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        bytes += body
        do {
            try await tcp.write(bytes, deadline: .after(.seconds(2)))
        } catch {
            tcp.close()
            return
        }
        await tcp.shutdownOutput()
        var scratch: [UInt8] = []
        let deadline = Deadline.after(.seconds(2))
        while let n = try? await tcp.read(into: &scratch, maxBytes: 16 * 1024, deadline: deadline), n > 0, scratch.count < 1 << 20 {}
        tcp.close()
    }

    // MARK: handler deadlines

    private func enforceHandlerDeadlines(_ limit: Duration) async {
        let limitNs = UInt64(limit.components.seconds) * 1_000_000_000 + UInt64(limit.components.attoseconds / 1_000_000_000)
        // Check a few times per limit, at most every 500 ms and at least every 10 ms.
        let tick = Duration.nanoseconds(Int64(min(max(limitNs / 4, 10_000_000), 500_000_000)))
        while !Task.isCancelled {
            do { try await EventLoop.shared.sleep(until: .after(tick)) } catch { return }
            let now = Deadline.now().nanoseconds
            for connection in registry.all() { connection.enforceHandlerDeadline(now: now, limit: limitNs) }
        }
    }
}
