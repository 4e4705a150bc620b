import Transport

/// Where and how to connect: address, TLS, credentials, database, timeouts and limits.
public struct RedisConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// TLS (`rediss://`): the configuration, and the name checked against the certificate (default: host).
    public var tls: TLSConfiguration?
    public var tlsServerName: String?
    /// ACL user (nil: `default`) and password; with neither, no AUTH is sent.
    public var username: String?
    public var password: String?
    /// SELECT after connecting (0 is the default database, no SELECT sent).
    public var database: Int
    /// CLIENT SETNAME (through HELLO ... SETNAME when RESP3 is available).
    public var clientName: String?
    /// Ask for RESP3 with HELLO 3; servers that do not know HELLO get AUTH + RESP2.
    public var preferRESP3: Bool
    /// Budget for resolve + TCP connect + TLS + handshake.
    public var connectTimeout: Duration
    /// Default budget for one command from enqueue to reply; nil waits for ever (pub/sub, blocking commands
    /// on their own connections pass their own).
    public var commandTimeout: Duration?
    /// Close the socket after this long with nothing sent, awaited or subscribed; the next command reconnects.
    public var idleTimeout: Duration?
    /// Most sends queued or awaiting replies on one connection (a command, or a whole pipeline or
    /// transaction, counts once); further callers wait for a slot (backpressure).
    public var maxPendingCommands: Int
    /// Reconnect (with exponential backoff and full jitter) after the connection breaks.
    public var reconnect: Bool
    public var reconnectBackoff: Backoff

    public init(host: String = "127.0.0.1", port: Int = 6379) {
        self.host = host
        self.port = port
        self.tls = nil
        self.tlsServerName = nil
        self.username = nil
        self.password = nil
        self.database = 0
        self.clientName = nil
        self.preferRESP3 = true
        self.connectTimeout = .seconds(10)
        self.commandTimeout = .seconds(30)
        self.idleTimeout = nil
        self.maxPendingCommands = 16_384
        self.reconnect = true
        self.reconnectBackoff = Backoff(initial: .milliseconds(50), maximum: .seconds(5))
    }

    /// `redis://[user[:password]@]host[:port][/db]` or `rediss://...` (TLS with the system trust store).
    /// A password alone is written `redis://:password@host`. User and password may be percent-encoded.
    public init(url: String) throws(RedisError) {
        let tls: Bool
        var rest: Substring
        if url.hasPrefix("redis://") {
            tls = false
            rest = url.dropFirst("redis://".count)
        } else if url.hasPrefix("rediss://") {
            tls = true
            rest = url.dropFirst("rediss://".count)
        } else {
            throw RedisError(.invalidArgument, "URL must start with redis:// or rediss://")
        }
        self.init()
        if tls { self.tls = .client() }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userInfo[..<colon])
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else if !userInfo.isEmpty {
                // redis-cli and redis-py read a lone userinfo as the password of the default user.
                password = try Self.percentDecoded(userInfo)
            }
        }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RedisError(.invalidArgument, "unclosed [ in host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":", let p = Int(rest.dropFirst()), (1...65535).contains(p) else {
                    throw RedisError(.invalidArgument, "bad port in URL")
                }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw RedisError(.invalidArgument, "bad port in URL")
            }
            port = p
            host = String(rest[..<colon])
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { throw RedisError(.invalidArgument, "URL has no host") }
        if !path.isEmpty {
            guard let db = Int(path), db >= 0 else { throw RedisError(.invalidArgument, "database \"\(path)\" is not a number") }
            database = db
        }
    }

    private static func percentDecoded(_ text: Substring) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisError(.invalidArgument, "bad percent escape in URL")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
