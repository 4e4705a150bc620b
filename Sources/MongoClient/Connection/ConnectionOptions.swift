import Transport

/// A user name and password, and where and how to check them.
public struct MongoCredential: Sendable {
    public var username: String
    public var password: String
    /// The database that holds the user (authSource).
    public var source: String
    /// nil: SCRAM-SHA-256 when the server lists it for the user, else SCRAM-SHA-1.
    public var mechanism: ScramClient.Mechanism?

    public init(username: String, password: String, source: String = "admin", mechanism: ScramClient.Mechanism? = nil) {
        self.username = username
        self.password = password
        self.source = source
        self.mechanism = mechanism
    }
}

/// How to open one connection.
public struct ConnectionOptions: Sendable {
    public var connectTimeout: Duration = .seconds(10)
    /// The deadline of a request when the caller gives none (socketTimeoutMS); nil: no limit.
    public var requestTimeout: Duration?
    public var tls: TLSContext?
    public var credential: MongoCredential?
    public var appName: String?
    /// Send a CRC-32C checksum with every request (replies carrying one are always verified).
    public var sendChecksums = false
    /// Ask for speculative authentication inside `hello`, saving one round trip.
    public var speculativeAuthentication = true

    public init() {}
}
