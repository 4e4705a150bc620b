import BSON
import Transport

/// Which server takes writes. Seeds come from the URL; members learned from `hello` replies
/// (`hosts`, `primary`) are added. With one seed and no replicaSet the server is used as it is
/// (a standalone, or `directConnection=true`); otherwise the primary is the member whose `hello`
/// says isWritablePrimary. Discovery retries with Transport's `Backoff` until
/// serverSelectionTimeoutMS, so a restarting server is waited for rather than failed at once.
actor Topology {
    private let seeds: [ServerAddress]
    private let replicaSet: String?
    private let direct: Bool
    private let serverSelectionTimeout: Duration
    private let poolOptions: PoolOptions
    private let connectionOptions: ConnectionOptions
    private var pools: [ServerAddress: ConnectionPool] = [:]
    private var known: [ServerAddress]
    private var primary: ServerAddress?
    private var closed = false

    init(seeds: [ServerAddress], replicaSet: String?, directConnection: Bool?, serverSelectionTimeout: Duration,
         poolOptions: PoolOptions, connectionOptions: ConnectionOptions) {
        self.seeds = seeds
        self.known = seeds
        self.replicaSet = replicaSet
        self.direct = directConnection ?? (seeds.count == 1 && replicaSet == nil)
        self.serverSelectionTimeout = serverSelectionTimeout
        self.poolOptions = poolOptions
        self.connectionOptions = connectionOptions
    }

    func pool(for address: ServerAddress) -> ConnectionPool {
        if let pool = pools[address] { return pool }
        let pool = ConnectionPool(address: address, options: poolOptions, connectionOptions: connectionOptions)
        pools[address] = pool
        return pool
    }

    /// A connection to the primary, discovering it first if it is not known.
    func checkOutPrimary(deadline: Deadline?) async throws(MongoError) -> (ConnectionPool, MongoConnection) {
        let selectionDeadline = Deadline.after(serverSelectionTimeout)
        let until = deadline.map { min($0, selectionDeadline) } ?? selectionDeadline
        var backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(500))
        var lastError: MongoError?
        while true {
            guard !closed else { throw MongoError(.closed, "the client is closed") }
            do throws(MongoError) {
                if let primary {
                    let pool = pool(for: primary)
                    return (pool, try await pool.checkOut(deadline: until))
                }
                if let found = try await discover(deadline: until) { return found }
                lastError = MongoError(.serverSelectionFailed, "no member of \(known) is a writable primary")
            } catch {
                if error.code == .cancelled || error.code == .closed || error.code == .authenticationFailed
                    || error.code == .invalidArgument || error.code == .protocolViolation
                    || error.code == .waitQueueTimeout { throw error }
                if error.code == .timedOut && until.hasPassed { lastError = error; break }
                lastError = error
                if let primary { await primaryFailed(primary) }
            }
            let delay = backoff.nextDelay()
            if (Deadline.now() + delay) >= until { break }
            do {
                try await EventLoop.shared.sleep(until: .after(delay))
            } catch {
                throw MongoError(.cancelled, "server selection cancelled")
            }
        }
        throw MongoError(.serverSelectionFailed,
                         "no writable primary among \(known) within serverSelectionTimeoutMS: \(lastError.map { "\($0)" } ?? "no answer")",
                         serverCode: lastError?.serverCode, codeName: lastError?.codeName)
    }

    /// Asks each known member `hello` (on a pooled connection) until one says it is the primary.
    private func discover(deadline: Deadline) async throws(MongoError) -> (ConnectionPool, MongoConnection)? {
        var lastError: MongoError?
        for address in known {
            let pool = pool(for: address)
            let connection: MongoConnection
            do {
                connection = try await pool.checkOut(deadline: deadline)
            } catch {
                if error.code == .authenticationFailed || error.code == .cancelled { throw error }
                lastError = error
                continue
            }
            if direct {
                primary = address
                return (pool, connection)
            }
            let description: ServerDescription
            do {
                let reply = try await connection.command(try BSONDocument(["hello": 1, "$db": "admin"]), deadline: deadline)
                description = ServerDescription(address: address, hello: reply)
            } catch {
                await pool.checkIn(connection)
                lastError = error as? MongoError ?? MongoError(.invalidReply, "\(error)")
                continue
            }
            if let replicaSet, description.setName != replicaSet {
                await pool.checkIn(connection)
                lastError = MongoError(.serverSelectionFailed, "\(address) is in replica set \(description.setName ?? "none"), not \(replicaSet)")
                continue
            }
            for member in description.hosts where !known.contains(member) { known.append(member) }
            if let p = description.primary, !known.contains(p) { known.append(p) }
            if description.isWritablePrimary {
                primary = address
                return (pool, connection)
            }
            await pool.checkIn(connection)
        }
        if let lastError { throw lastError }
        return nil
    }

    /// After a network error or "not primary": forget the primary and the connections to it.
    func primaryFailed(_ address: ServerAddress) async {
        if primary == address { primary = nil }
        await pools[address]?.clear()
    }

    func close() async {
        closed = true
        for pool in pools.values { await pool.close() }
    }

    func allPools() -> [ConnectionPool] { Array(pools.values) }
}
