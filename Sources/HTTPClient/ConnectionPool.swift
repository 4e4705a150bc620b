import Synchronization
import Transport

/// Which pool a request's connection comes from: scheme, host and port.
struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    let scheme: HTTPClientURL.Scheme
    let host: String
    let port: Int

    init(_ url: HTTPClientURL) {
        scheme = url.scheme
        host = url.host
        port = url.port
    }

    var description: String { "\(scheme.rawValue)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// Per-host keep-alive connection pools.
///
/// Each host has `maxConnectionsPerHost` permits. A request holds a permit from the moment it
/// gets a connection until it hands the connection back (idle, for the next request) or closes
/// it. New connections are made only when no idle one is left, so a host never has more than
/// `maxConnectionsPerHost` connections, busy and idle together. Idle connections are reused
/// most-recent first (warm ones, least likely to have been closed by the server) and closed
/// after `idleTimeout` by a sweeper task that runs only while some connection is idle.
final class ConnectionPool: Sendable {
    private struct IdleConnection {
        let connection: ClientConnection
        let since: Deadline
    }

    private struct HostPool {
        let permits: AsyncSemaphore
        var idle: [IdleConnection] = []
        /// Leases held or being waited for. A host with none and nothing idle is forgotten, so a
        /// client that calls many hosts (webhooks) does not keep an entry for each forever.
        var users = 0
    }

    private struct State {
        var hosts: [PoolKey: HostPool] = [:]
        var sweeper: Task<Void, Never>?
        var isShutdown = false
    }

    private let state = Mutex(State())
    private let maxConnectionsPerHost: Int
    private let idleTimeout: Duration
    private let connector: Connector

    init(maxConnectionsPerHost: Int, idleTimeout: Duration, connector: Connector) {
        self.maxConnectionsPerHost = max(1, maxConnectionsPerHost)
        self.idleTimeout = idleTimeout
        self.connector = connector
    }

    /// A connection to `key`'s host for one exchange: an idle one if any is still open, else a
    /// new one. Waits for a permit until `deadline`.
    func lease(_ key: PoolKey, deadline: Deadline, connectTimeout: Duration) async throws(HTTPClientError) -> ConnectionLease {
        let permits: AsyncSemaphore? = state.withLock { s in
            if s.isShutdown { return nil }
            if s.hosts[key] == nil { s.hosts[key] = HostPool(permits: AsyncSemaphore(permits: maxConnectionsPerHost)) }
            s.hosts[key]!.users += 1
            return s.hosts[key]!.permits
        }
        guard let permits else { throw HTTPClientError(.shutdown, "the client was shut down") }
        do {
            try await permits.acquire(deadline: deadline)
        } catch {
            leave(key)
            if error.code == .timedOut {
                throw HTTPClientError(.poolTimeout, "no connection to \(key) came free before the deadline (\(maxConnectionsPerHost) in use)")
            }
            throw HTTPClientError(.cancelled, "waiting for a connection to \(key): \(error.message)")
        }
        // From here the permit is ours: every path either returns a lease holding it or releases it.
        while let candidate = popIdle(key) {
            if await candidate.isStillUsable() {
                return ConnectionLease(connection: candidate, isReused: true, pool: self, permits: permits)
            }
            candidate.close()
        }
        let connectDeadline = min(deadline, Deadline.now() + connectTimeout)
        do {
            let connection = try await connector.connect(key, deadline: connectDeadline)
            return ConnectionLease(connection: connection, isReused: false, pool: self, permits: permits)
        } catch {
            permits.release()
            leave(key)
            throw error
        }
    }

    /// One user of `key`'s pool is done; forgets the host if nothing else uses it.
    private func leave(_ key: PoolKey) {
        state.withLock { s in
            guard s.hosts[key] != nil else { return }
            s.hosts[key]!.users -= 1
            if s.hosts[key]!.users == 0 && s.hosts[key]!.idle.isEmpty { s.hosts[key] = nil }
        }
    }

    private func popIdle(_ key: PoolKey) -> ClientConnection? {
        let now = Deadline.now()
        var expired: [ClientConnection] = []
        let found: ClientConnection? = state.withLock { s in
            while let last = s.hosts[key]?.idle.popLast() {
                if last.since + idleTimeout <= now { expired.append(last.connection); continue }
                return last.connection
            }
            return nil
        }
        for c in expired { c.close() }
        return found
    }

    /// Called once per lease. A reusable connection goes back to its host's idle list.
    fileprivate func giveBack(_ connection: ClientConnection, reusable: Bool, permits: AsyncSemaphore) {
        let key = connection.key
        let keep: Bool = state.withLock { s in
            guard s.hosts[key] != nil else { return false }
            s.hosts[key]!.users -= 1
            if reusable && !connection.isClosed && !s.isShutdown {
                s.hosts[key]!.idle.append(IdleConnection(connection: connection, since: .now()))
                if s.sweeper == nil { s.sweeper = startSweeper() }
                return true
            }
            if s.hosts[key]!.users == 0 && s.hosts[key]!.idle.isEmpty { s.hosts[key] = nil }
            return false
        }
        if !keep { connection.close() }
        permits.release()
    }

    /// Closes idle connections past `idleTimeout`; stops when no connection is idle.
    private func startSweeper() -> Task<Void, Never> {
        let interval = max(idleTimeout / 2, .milliseconds(10))
        return Task { [weak self] in
            while !Task.isCancelled {
                do { try await EventLoop.shared.sleep(until: .after(interval)) } catch { return }
                guard let self, self.sweep() else { return }
            }
        }
    }

    /// Returns whether the sweeper should keep running.
    private func sweep() -> Bool {
        let now = Deadline.now()
        var expired: [ClientConnection] = []
        let keepRunning: Bool = state.withLock { s in
            var anyIdle = false
            for key in Array(s.hosts.keys) {
                s.hosts[key]!.idle.removeAll { entry in
                    if entry.since + idleTimeout <= now || entry.connection.isClosed {
                        expired.append(entry.connection)
                        return true
                    }
                    return false
                }
                if s.hosts[key]!.idle.isEmpty {
                    if s.hosts[key]!.users == 0 { s.hosts[key] = nil }
                } else {
                    anyIdle = true
                }
            }
            if !anyIdle { s.sweeper = nil }
            return anyIdle
        }
        for c in expired { c.close() }
        return keepRunning
    }

    /// Closes every idle connection and refuses new leases; busy connections close when handed back.
    func shutdown() {
        let (idle, sweeper): ([ClientConnection], Task<Void, Never>?) = state.withLock { s in
            s.isShutdown = true
            let idle = s.hosts.values.flatMap { $0.idle.map(\.connection) }
            for key in Array(s.hosts.keys) {
                s.hosts[key]!.idle.removeAll()
                if s.hosts[key]!.users == 0 { s.hosts[key] = nil }
            }
            let sweeper = s.sweeper
            s.sweeper = nil
            return (idle, sweeper)
        }
        sweeper?.cancel()
        for c in idle { c.close() }
    }

    /// Hosts the pool has an entry for (in use, waited for, or with idle connections).
    var hostCount: Int { state.withLock { $0.hosts.count } }

    /// Connections busy and idle for one host.
    func statistics(_ key: PoolKey) -> HTTPClient.PoolStatistics {
        state.withLock { s in
            guard let pool = s.hosts[key] else { return HTTPClient.PoolStatistics(idle: 0, inUse: 0) }
            return HTTPClient.PoolStatistics(idle: pool.idle.count, inUse: maxConnectionsPerHost - pool.permits.available)
        }
    }
}

/// One exchange's hold on a pooled connection. Exactly one owner uses it at a time; `release`
/// hands the connection back (or closes it) and frees the host's permit. A lease dropped
/// without `release` closes its connection, so a forgotten response body never leaks a permit.
final class ConnectionLease: Sendable {
    let connection: ClientConnection
    /// Whether the connection served an earlier request: a failure before any response byte may
    /// then be the server's idle close racing our request, which is safe to retry.
    let isReused: Bool
    private let pool: ConnectionPool
    private let permits: AsyncSemaphore
    private let released = Atomic<Bool>(false)

    fileprivate init(connection: ClientConnection, isReused: Bool, pool: ConnectionPool, permits: AsyncSemaphore) {
        self.connection = connection
        self.isReused = isReused
        self.pool = pool
        self.permits = permits
    }

    func release(reusable: Bool) {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pool.giveBack(connection, reusable: reusable, permits: permits)
    }

    deinit { release(reusable: false) }
}
