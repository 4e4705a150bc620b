import RESP
import Synchronization
import Transport

/// The client most code wants: one shared, automatically pipelined connection for ordinary commands and
/// pub/sub (RESP3 push frames), plus a pool for what needs a connection of its own.
///
/// - `send`, and the typed helpers, go to the shared connection.
/// - `blocking` (BLPOP, BRPOP, XREADGROUP BLOCK) and `watching` (WATCH ... MULTI/EXEC) lease a pooled
///   connection, because a blocking command would stall every caller behind it on the shared
///   connection, and WATCH state belongs to one connection.
/// - `subscribe` uses the shared connection when the server speaks RESP3; on RESP2 a connection
///   dedicated to pub/sub is made on first use.
public final class RedisClient: Sendable {
    public let shared: RedisConnection
    public let pool: RedisPool
    private let subscriber = Mutex<RedisConnection?>(nil)

    init(shared: RedisConnection, pool: RedisPool) {
        self.shared = shared
        self.pool = pool
    }

    public static func connect(_ configuration: RedisConfiguration, poolSize: Int = 8,
                               poolWaitTimeout: Duration = .seconds(5)) async throws(RedisError) -> RedisClient {
        let shared = try await RedisConnection.connect(configuration)
        return RedisClient(shared: shared, pool: RedisPool(configuration, maxConnections: poolSize, waitTimeout: poolWaitTimeout))
    }

    public static func connect(url: String, poolSize: Int = 8) async throws(RedisError) -> RedisClient {
        try await connect(RedisConfiguration(url: url), poolSize: poolSize)
    }

    public func send<Command: RedisCommand>(_ command: Command, deadline: Deadline? = nil) async throws(RedisError) -> Command.Response {
        try await shared.send(command, deadline: deadline)
    }

    @discardableResult
    public func send(_ arguments: [String], deadline: Deadline? = nil) async throws(RedisError) -> RESPValue {
        try await shared.send(arguments, deadline: deadline)
    }

    public func send(_ pipeline: RedisPipeline, deadline: Deadline? = nil) async throws(RedisError) -> PipelineReplies {
        try await shared.send(pipeline, deadline: deadline)
    }

    /// MULTI, the commands, EXEC in one write on the shared connection (no WATCH; see `watching`).
    public func transaction(deadline: Deadline? = nil, _ body: (inout RedisPipeline) -> Void) async throws(RedisError) -> PipelineReplies {
        try await shared.transaction(deadline: deadline, body)
    }

    /// Runs a Lua script by SHA-1, sending the source only on NOSCRIPT.
    public func run(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError) -> RESPValue {
        try await shared.run(script, keys: keys, arguments: arguments)
    }

    /// All keys matching `match`, page by page (SCAN) on the shared connection.
    public func scan(match: String? = nil, count: Int? = nil, type: String? = nil) -> RedisKeyScan {
        shared.scan(match: match, count: count, type: type)
    }

    /// A blocking command on a pooled connection.
    public func blocking<Command: RedisCommand & BlockingCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        try await pool.withConnection { (connection) async throws(RedisError) -> Command.Response in
            try await connection.sendBlocking(command)
        }
    }

    /// Optimistic locking: WATCH `keys`, let `body` read them and build the transaction, then MULTI/EXEC.
    /// Throws `.transactionAborted` if a watched key changed in between (the caller retries).
    public func watching(_ keys: [String],
                         _ body: (RedisConnection) async throws(RedisError) -> RedisPipeline) async throws(RedisError) -> PipelineReplies {
        try await pool.withConnection { (connection) async throws(RedisError) -> PipelineReplies in
            try await connection.send(WATCH(keys))
            let commands = try await body(connection)
            return try await connection.transaction { $0.appendEncoded(commands) }
        }
    }

    public func subscribe(to channels: [String]) async throws(RedisError) -> RedisSubscription {
        try await subscriberConnection().subscribe(to: channels)
    }

    public func subscribe(toPatterns patterns: [String]) async throws(RedisError) -> RedisSubscription {
        try await subscriberConnection().subscribe(toPatterns: patterns)
    }

    private func subscriberConnection() async throws(RedisError) -> RedisConnection {
        if shared.negotiatedProtocolVersion != 2 { return shared }
        if let existing = subscriber.withLock({ $0 }) { return existing }
        let made = try await RedisConnection.connect(shared.configuration)
        let winner = subscriber.withLock { current -> RedisConnection in
            if let current { return current }
            current = made
            return made
        }
        if winner !== made { made.close() }
        return winner
    }

    public func close() {
        shared.close()
        pool.close()
        subscriber.withLock { $0 }?.close()
    }
}
