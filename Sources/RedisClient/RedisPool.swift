import Synchronization
import Transport

/// Connections for callers that need one to themselves: WATCH/MULTI/EXEC, blocking commands (BLPOP,
/// XREADGROUP BLOCK), RESP2 pub/sub. At most `maxConnections` exist; a caller waits up to `waitTimeout`
/// for one to be free.
///
/// Pooled connections never reconnect on their own: a silent reconnect would drop a WATCH and let the
/// EXEC that follows run unguarded. A connection that broke, or whose lease ended with an error (it may
/// be inside MULTI, hold a WATCH or wait on a blocking command), is closed instead of returned.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    public let maxConnections: Int
    public let waitTimeout: Duration
    private let permits: AsyncSemaphore
    private let idle = Mutex<(connections: [RedisConnection], closed: Bool)>(([], false))

    public init(_ configuration: RedisConfiguration, maxConnections: Int = 8, waitTimeout: Duration = .seconds(5)) {
        var exclusive = configuration
        exclusive.reconnect = false
        self.configuration = exclusive
        self.maxConnections = max(1, maxConnections)
        self.waitTimeout = waitTimeout
        self.permits = AsyncSemaphore(permits: max(1, maxConnections))
    }

    /// Lends a connection to `body` for its duration.
    public func withConnection<Result: Sendable>(
        _ body: (RedisConnection) async throws(RedisError) -> Result
    ) async throws(RedisError) -> Result {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            giveBack(connection, healthy: true)
            return result
        } catch {
            giveBack(connection, healthy: false)
            throw error
        }
    }

    private func lease() async throws(RedisError) -> RedisConnection {
        if idle.withLock({ $0.closed }) { throw RedisError(.closed, "pool closed") }
        do {
            try await permits.acquire(deadline: .after(waitTimeout))
        } catch {
            if error.code == .cancelled { throw RedisError(.cancelled, "cancelled while waiting for a connection") }
            throw RedisError(.poolExhausted, "no connection free within \(waitTimeout) (\(maxConnections) in use)")
        }
        while let reused = idle.withLock({ $0.connections.popLast() }) {
            if !reused.isClosed { return reused }
        }
        do {
            return try await RedisConnection.connect(configuration)
        } catch {
            permits.release()
            throw error
        }
    }

    private func giveBack(_ connection: RedisConnection, healthy: Bool) {
        let keep = healthy && !connection.isClosed && idle.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.connections.append(connection)
            return true
        }
        if !keep { connection.close() }
        permits.release()
    }

    /// Closes idle connections; leased ones close when given back.
    public func close() {
        let connections = idle.withLock { state -> [RedisConnection] in
            state.closed = true
            defer { state.connections = [] }
            return state.connections
        }
        for connection in connections { connection.close() }
    }
}
