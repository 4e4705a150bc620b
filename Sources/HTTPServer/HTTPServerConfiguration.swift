import HTTP
import Transport

/// Everything an `HTTPServer` can be told. The defaults suit a service behind a load balancer.
public struct HTTPServerConfiguration: Sendable {
    /// Numeric IPv4 or IPv6 address to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one (read it from `HTTPServer.port`).
    public var port: Int
    public var backlog: Int32
    /// Connections served at once. One more is answered `503 Service Unavailable` and closed.
    public var maxConnections: Int
    /// Parser limits (request line, header section, body size...). `maxBodySize` applies to every route.
    public var limits: HTTPParserLimits
    /// How long a client has to send a complete request head once it starts (and on a new
    /// connection, from the accept): the slowloris defence. Answered with 408.
    public var headerReadTimeout: Duration
    /// Longest pause between two reads of a request body. Answered with 408.
    public var bodyIdleTimeout: Duration
    /// How long an idle keep-alive connection is kept between requests.
    public var keepAliveIdleTimeout: Duration
    /// How long a handler may run before it is cancelled and the client gets 503; nil for no limit.
    /// Streaming response bodies are not counted: they end when their producer ends.
    public var handlerTimeout: Duration?
    /// Longest time a response write may wait for the client to read.
    public var writeTimeout: Duration
    /// Compress responses with gzip when the client accepts it.
    public var gzip: GzipPolicy
    /// Serve TLS with this context (made with `TLSConfiguration.server(...)`).
    public var tls: TLSContext?
    /// Bytes asked of the socket per read.
    public var readSize: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, backlog: Int32 = 1024, maxConnections: Int = 10_000,
                limits: HTTPParserLimits = HTTPParserLimits(), headerReadTimeout: Duration = .seconds(10),
                bodyIdleTimeout: Duration = .seconds(30), keepAliveIdleTimeout: Duration = .seconds(60),
                handlerTimeout: Duration? = .seconds(60), writeTimeout: Duration = .seconds(30),
                gzip: GzipPolicy = GzipPolicy(), tls: TLSContext? = nil, readSize: Int = 16 * 1024) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.maxConnections = maxConnections
        self.limits = limits
        self.headerReadTimeout = headerReadTimeout
        self.bodyIdleTimeout = bodyIdleTimeout
        self.keepAliveIdleTimeout = keepAliveIdleTimeout
        self.handlerTimeout = handlerTimeout
        self.writeTimeout = writeTimeout
        self.gzip = gzip
        self.tls = tls
        self.readSize = readSize
    }
}

/// When responses are gzip-compressed (only ever if the request's Accept-Encoding allows gzip).
public struct GzipPolicy: Sendable {
    public var enabled: Bool
    /// Bodies smaller than this are sent as they are: the gzip framing would outweigh the saving.
    public var minimumSize: Int
    /// zlib level 1 (fast) to 9 (small).
    public var level: Int32

    public init(enabled: Bool = true, minimumSize: Int = 1024, level: Int32 = 5) {
        self.enabled = enabled
        self.minimumSize = minimumSize
        self.level = level
    }

    /// Media types worth compressing: text and the structured text formats.
    static func isCompressible(_ contentType: Substring) -> Bool {
        let type = contentType.prefix { $0 != ";" }.lowercased()
        if type.hasPrefix("text/") { return type != "text/event-stream" }
        return type == "application/json" || type == "application/problem+json" || type == "application/javascript"
            || type == "application/xml" || type == "image/svg+xml" || type.hasSuffix("+json") || type.hasSuffix("+xml")
    }
}
