import Transport

/// How the client reaches brokers: identity, limits, timeouts, TLS and SASL.
public struct KafkaConnectionOptions: Sendable {
    /// Sent in every request header; brokers log and throttle by it.
    public var clientId: String = "switchyard"
    public var connectTimeout: Duration = .seconds(10)
    /// The default deadline of one request (a Fetch adds its own max wait on top).
    public var requestTimeout: Duration = .seconds(30)
    /// Responses larger than this close the connection (Kafka's `socket.request.max.bytes`).
    public var maxFrameSize: Int = 100 * 1024 * 1024
    /// TLS over every connection when set.
    public var tls: KafkaTLS?
    /// SASL authentication right after ApiVersions when set.
    public var sasl: KafkaSASLMechanism?
    /// Highest version to use per API key, on top of what the broker, the codec and the client
    /// allow: pins a client to older versions (a broker's known-good ones, or those an older
    /// Wireshark can dissect: `switchyard wire kafka --max-api-version`).
    public var maxVersions: [Int16: Int16] = [:]

    public init(clientId: String = "switchyard", connectTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(30), tls: KafkaTLS? = nil, sasl: KafkaSASLMechanism? = nil) {
        self.clientId = clientId
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.tls = tls
        self.sasl = sasl
    }
}

public struct KafkaTLS: Sendable {
    public var context: TLSContext
    /// The name to check the broker's certificate against; nil uses the broker's host.
    public var serverName: String?

    public init(context: TLSContext, serverName: String? = nil) {
        self.context = context
        self.serverName = serverName
    }
}

/// The SASL mechanisms the client speaks (SaslHandshake v1 + SaslAuthenticate, KIP-152).
public enum KafkaSASLMechanism: Sendable, Equatable {
    case plain(username: String, password: String)
    case scramSHA256(username: String, password: String)
    case scramSHA512(username: String, password: String)

    public var name: String {
        switch self {
        case .plain: "PLAIN"
        case .scramSHA256: "SCRAM-SHA-256"
        case .scramSHA512: "SCRAM-SHA-512"
        }
    }
}

/// Where a broker listens.
public struct KafkaBrokerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port" (and "[v6]:port").
    public init(parsing text: String) throws(KafkaError) {
        var rest = Substring(text)
        if let schemeEnd = text.firstRange(of: "://") { rest = rest[schemeEnd.upperBound...] }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1...65535).contains(port) else {
            throw KafkaError(.invalidArgument, "broker address '\(text)' is not host:port")
        }
        var host = rest[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw KafkaError(.invalidArgument, "broker address '\(text)' has no host") }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
