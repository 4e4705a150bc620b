import BSON
import Synchronization
import Transport

/// A MongoDB client: a pool of connections per server, primary discovery, and the entry point
/// to databases and collections.
///
///     let client = try MongoClient("mongodb://user:pass@localhost:27017/?authSource=admin")
///     let users = client.database("app").collection("users")
///     try await users.insertOne(try BSONDocument(["name": "Ada"]))
///     for try await user in try await users.find(try BSONDocument(["name": "Ada"])) { print(user) }
///     await client.close()
public final class MongoClient: Sendable {
    public let connectionString: ConnectionString
    let topology: Topology
    let serverSessions = ServerSessionPool()
    private let limits = Mutex<ServerDescription?>(nil)
    private let monitor = Mutex<(@Sendable (CommandEvent) -> Void)?>(nil)

    public convenience init(_ url: String) throws(MongoError) {
        try self.init(try ConnectionString(url))
    }

    public init(_ connectionString: ConnectionString, tlsConfiguration: TLSConfiguration? = nil) throws(MongoError) {
        self.connectionString = connectionString
        var options = ConnectionOptions()
        options.connectTimeout = connectionString.connectTimeout
        options.requestTimeout = connectionString.socketTimeout
        options.appName = connectionString.appName
        if let username = connectionString.username {
            options.credential = MongoCredential(username: username, password: connectionString.password ?? "",
                                                 source: connectionString.authenticationDatabase,
                                                 mechanism: connectionString.authMechanism)
        }
        if connectionString.tls || tlsConfiguration != nil {
            let trust: TLSConfiguration.Trust
            if let file = connectionString.tlsCAFile { trust = .caFile(file) }
            else if connectionString.tlsAllowInvalidCertificates { trust = .insecureNoVerification }
            else { trust = .systemDefault }
            do {
                options.tls = try TLSContext(tlsConfiguration ?? .client(trust: trust), server: false)
            } catch {
                throw MongoError(.invalidArgument, "TLS settings: \(error)")
            }
        }
        var pool = PoolOptions()
        pool.maxPoolSize = connectionString.maxPoolSize
        pool.waitQueueTimeout = connectionString.waitQueueTimeout
        pool.maxIdleTime = connectionString.maxIdleTime
        topology = Topology(seeds: connectionString.hosts, replicaSet: connectionString.replicaSet,
                            directConnection: connectionString.directConnection,
                            serverSelectionTimeout: connectionString.serverSelectionTimeout,
                            poolOptions: pool, connectionOptions: options)
    }

    public func database(_ name: String) -> MongoDatabase { MongoDatabase(client: self, name: name) }

    /// A session for causally related operations and transactions; end it with `end()`.
    public func startSession() -> ClientSession { ClientSession(client: self) }

    /// Closes every pooled connection; later operations fail with `closed`.
    public func close() async { await topology.close() }

    /// The limits the primary announced (maxBsonObjectSize, maxMessageSizeBytes, maxWriteBatchSize).
    public func serverLimits(deadline: Deadline? = nil) async throws(MongoError) -> ServerDescription {
        if let known = limits.withLock({ $0 }) { return known }
        let (pool, connection) = try await topology.checkOutPrimary(deadline: deadline)
        let server = await connection.server
        await pool.checkIn(connection)
        limits.withLock { $0 = server }
        return server
    }

    /// Calls `observer` before each command is sent and when its reply (or failure) is in
    /// (command monitoring, for logs and tests).
    public func setCommandMonitor(_ observer: (@Sendable (CommandEvent) -> Void)?) {
        monitor.withLock { $0 = observer }
    }

    /// The event is built only when someone listens (key walks and sizes cost on the hot path).
    func monitorCommand(_ event: () -> CommandEvent) {
        if let observer = monitor.withLock({ $0 }) { observer(event()) }
    }

    /// Replaces the limits learned from the server (tests of batch splitting).
    func overrideServerLimits(_ update: (inout ServerDescription) -> Void) async throws(MongoError) {
        var server = try await serverLimits()
        update(&server)
        limits.withLock { $0 = server }
    }

    /// Pools for every server contacted so far (tests and metrics).
    public func pools() async -> [ConnectionPool] { await topology.allPools() }
}

public enum CommandEvent: Sendable {
    case started(CommandStartedEvent)
    case succeeded(commandName: String, requestDuration: Duration)
    case failed(commandName: String, error: MongoError)
}

/// A command about to be sent.
public struct CommandStartedEvent: Sendable {
    public let commandName: String
    public let database: String
    public let command: BSONDocument
    /// Documents per kind-1 sequence, by identifier.
    public let sequenceCounts: [String: Int]
    public let messageSize: Int
    public let server: ServerAddress
}
