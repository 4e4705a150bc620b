import Transport

/// Limits and timeouts of a pool.
public struct PoolOptions: Sendable {
    /// Most connections open at once (in use and idle); 0 means no limit.
    public var maxPoolSize = 100
    /// How long `checkOut` may wait for a free connection; nil: until the operation's own deadline.
    public var waitQueueTimeout: Duration?
    /// Idle connections older than this are closed instead of reused; nil: kept forever.
    public var maxIdleTime: Duration?
    /// Idle connections unused for longer than this are probed (a read that must not wait) before reuse.
    public var livenessCheckAfter: Duration = .seconds(1)

    public init() {}
}

/// Connections to one server. A permit per open connection bounds the pool; idle connections are
/// reused newest first (LIFO keeps the fewest connections warm); a `clear()` after a network error
/// bumps the generation so that every connection made before it is closed when next seen.
public actor ConnectionPool {
    public nonisolated let address: ServerAddress
    private let options: PoolOptions
    private let connectionOptions: ConnectionOptions
    private let permits: AsyncSemaphore
    private var idle: [MongoConnection] = []
    private var generation = 0
    private var nextID = 1
    private var closed = false
    /// Connections open (in use or idle), for tests and metrics.
    public private(set) var openCount = 0

    public init(address: ServerAddress, options: PoolOptions, connectionOptions: ConnectionOptions) {
        self.address = address
        self.options = options
        self.connectionOptions = connectionOptions
        self.permits = AsyncSemaphore(permits: options.maxPoolSize == 0 ? Int.max / 2 : options.maxPoolSize)
    }

    /// A connection for the caller's exclusive use; give it back with `checkIn`.
    public func checkOut(deadline: Deadline?) async throws(MongoError) -> MongoConnection {
        guard !closed else { throw MongoError(.closed, "the pool for \(address) is closed") }
        var waitUntil = deadline
        if let queue = options.waitQueueTimeout {
            let queueDeadline = Deadline.after(queue)
            waitUntil = waitUntil.map { min($0, queueDeadline) } ?? queueDeadline
        }
        do {
            try await permits.acquire(deadline: waitUntil)
        } catch {
            if error.code == .timedOut {
                throw MongoError(.waitQueueTimeout, "no connection to \(address) free within the wait-queue timeout (maxPoolSize \(options.maxPoolSize))")
            }
            throw MongoError(error, "waiting for a connection to \(address)")
        }
        while let connection = idle.popLast() {
            if await usable(connection) { return connection }
            await connection.close()
            openCount -= 1
        }
        do throws(MongoError) {
            let id = nextID
            nextID += 1
            var connect = connectionOptions
            if let deadline, deadline.remaining < connect.connectTimeout { connect.connectTimeout = deadline.remaining }
            let connection = try await MongoConnection.connect(to: address, options: connect, id: id, generation: generation)
            openCount += 1
            if closed {
                await connection.close()
                openCount -= 1
                permits.release()
                throw MongoError(.closed, "the pool for \(address) was closed")
            }
            return connection
        } catch {
            permits.release()
            throw error
        }
    }

    /// Returns a connection; closed or stale ones are dropped.
    public func checkIn(_ connection: MongoConnection) async {
        defer { permits.release() }
        let isClosed = await connection.isClosed
        if closed || isClosed || connection.generation != generation {
            if !isClosed { await connection.close() }
            openCount -= 1
            return
        }
        idle.append(connection)
    }

    /// Forgets every connection made so far (after a network error, the server may have restarted):
    /// idle ones are closed now, those in use when they come back.
    public func clear() async {
        generation += 1
        let old = idle
        idle.removeAll()
        for connection in old { await connection.close() }
        openCount -= old.count
    }

    /// Closes idle connections unused for longer than maxIdleTime.
    public func evictIdle() async {
        guard let maxIdle = options.maxIdleTime else { return }
        var kept: [MongoConnection] = []
        for connection in idle {
            let last = await connection.lastUsed
            if (last + maxIdle).hasPassed {
                await connection.close()
                openCount -= 1
            } else {
                kept.append(connection)
            }
        }
        idle = kept
    }

    public var idleCount: Int { idle.count }

    public func close() async {
        closed = true
        await clear()
    }

    private func usable(_ connection: MongoConnection) async -> Bool {
        guard connection.generation == generation else { return false }
        let last = await connection.lastUsed
        if let maxIdle = options.maxIdleTime, (last + maxIdle).hasPassed { return false }
        if (last + options.livenessCheckAfter).hasPassed { return await connection.isAlive() }
        return await !connection.isClosed
    }
}
