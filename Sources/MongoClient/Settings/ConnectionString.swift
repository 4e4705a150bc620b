/// A host and port of a MongoDB server.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 27017) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A parsed `mongodb://[user[:password]@]host[:port][,host[:port]...][/[database]][?options]` URL
/// (the MongoDB Connection String spec). Parts are percent-decoded; option names are
/// case-insensitive; malformed parts and bad option values throw `invalidConnectionString`
/// naming what is wrong. Unknown options are kept in `unknownOptions` (the spec says to warn,
/// not fail).
public struct ConnectionString: Sendable {
    public var hosts: [ServerAddress] = []
    public var username: String?
    public var password: String?
    /// The database in the path: the default for `database()` and for authSource.
    public var database: String?
    public var authSource: String?
    public var authMechanism: ScramClient.Mechanism?
    public var replicaSet: String?
    public var directConnection: Bool?
    public var tls = false
    public var tlsCAFile: String?
    public var tlsAllowInvalidCertificates = false
    public var connectTimeout: Duration = .seconds(10)
    public var serverSelectionTimeout: Duration = .seconds(30)
    /// The default deadline of one request (socketTimeoutMS); nil waits as long as the caller's task.
    public var socketTimeout: Duration?
    public var maxPoolSize = 100
    public var minPoolSize = 0
    public var maxIdleTime: Duration?
    public var waitQueueTimeout: Duration?
    public var heartbeatFrequency: Duration = .seconds(10)
    public var retryWrites = true
    public var retryReads = true
    public var appName: String?
    public var unknownOptions: [String: String] = [:]

    /// Longest URL accepted, and most hosts in it: limits for a parser that may see untrusted text.
    public static let maxLength = 16 * 1024
    public static let maxHosts = 256

    public init(_ text: String) throws(MongoError) {
        func fail(_ message: String) -> MongoError { MongoError(.invalidConnectionString, message) }
        guard text.utf8.count <= Self.maxLength else {
            throw fail("the URL is \(text.utf8.count) bytes; the limit is \(Self.maxLength)")
        }
        let scheme = "mongodb://"
        guard text.hasPrefix(scheme) else {
            if text.hasPrefix("mongodb+srv://") { throw fail("mongodb+srv:// needs DNS SRV lookups, which this client does not do; list the hosts with mongodb://") }
            throw fail("the URL must start with mongodb://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring?
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path: Substring?
        // The authority ends at the first "/" after the last "@" (a password may not hold an unescaped "/").
        let afterUser = rest.lastIndex(of: "@").map { rest.index(after: $0) } ?? rest.startIndex
        if let slash = rest[afterUser...].firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        } else if query != nil {
            throw fail("options must follow a \"/\" after the hosts (mongodb://host/?option=value)")
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            for part in parts where part.contains("@") || part.contains("/") {
                throw fail("\"@\" and \"/\" in a user name or password must be percent-encoded")
            }
            if parts.count == 2 && parts[1].contains(":") { throw fail("\":\" in a password must be percent-encoded") }
            username = try Self.percentDecode(parts[0], what: "user name")
            if username?.isEmpty == true { throw fail("the user name is empty") }
            if parts.count == 2 { password = try Self.percentDecode(parts[1], what: "password") }
        }
        guard !rest.isEmpty else { throw fail("no host given") }
        let hostTexts = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard hostTexts.count <= Self.maxHosts else { throw fail("\(hostTexts.count) hosts; the limit is \(Self.maxHosts)") }
        for hostText in hostTexts {
            hosts.append(try Self.parseHost(hostText))
        }
        if let path, !path.isEmpty {
            let name = try Self.percentDecode(path, what: "database name")
            if let bad = name.first(where: { "/\\ \"$.".contains($0) }) {
                throw fail("the database name \"\(name)\" contains \"\(bad)\"")
            }
            database = name
        }
        if let query { try parseOptions(query) }
        if directConnection == true && hosts.count > 1 { throw fail("directConnection=true allows one host only") }
        if tlsCAFile != nil || tlsAllowInvalidCertificates, !tls { tls = true }
        if authMechanism != nil && username == nil { throw fail("authMechanism given without a user name") }
        if minPoolSize > maxPoolSize && maxPoolSize > 0 { throw fail("minPoolSize \(minPoolSize) exceeds maxPoolSize \(maxPoolSize)") }
    }

    /// The database credentials are checked against: authSource, else the path's database, else admin.
    public var authenticationDatabase: String { authSource ?? database ?? "admin" }

    private static func parseHost(_ text: Substring) throws(MongoError) -> ServerAddress {
        func fail(_ message: String) -> MongoError { MongoError(.invalidConnectionString, message) }
        guard !text.isEmpty else { throw fail("empty host in the host list") }
        var host: String
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("IPv6 host \(text) lacks its \"]\"") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected \(after) after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("host \(text) has more than one \":\" (put IPv6 addresses in brackets)") }
            host = try percentDecode(parts[0], what: "host")
            if parts.count == 2 { portText = parts[1] }
        }
        guard !host.isEmpty else { throw fail("empty host name in \(text)") }
        var port = 27017
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw fail("port \"\(portText)\" of \(text) is not 1...65535") }
            port = p
        }
        host = host.lowercased()
        return ServerAddress(host: host, port: port)
    }

    private mutating func parseOptions(_ query: Substring) throws(MongoError) {
        func fail(_ message: String) -> MongoError { MongoError(.invalidConnectionString, message) }
        for pair in query.split(separator: "&") {
            guard let eq = pair.firstIndex(of: "=") else { throw fail("option \"\(pair)\" has no \"=value\"") }
            let key = try Self.percentDecode(pair[..<eq], what: "option name")
            let value = try Self.percentDecode(pair[pair.index(after: eq)...], what: "value of \(key)")
            func bool() throws(MongoError) -> Bool {
                switch value.lowercased() {
                case "true": return true
                case "false": return false
                default: throw fail("\(key)=\(value): expected true or false")
                }
            }
            func int(_ range: ClosedRange<Int> = 0...Int(Int32.max)) throws(MongoError) -> Int {
                guard let v = Int(value), range.contains(v) else { throw fail("\(key)=\(value): expected an integer in \(range)") }
                return v
            }
            func milliseconds() throws(MongoError) -> Duration { .milliseconds(try int()) }
            switch key.lowercased() {
            case "authsource":
                guard !value.isEmpty else { throw fail("authSource is empty") }
                authSource = value
            case "authmechanism":
                guard let m = ScramClient.Mechanism(rawValue: value.uppercased()) else {
                    throw fail("authMechanism=\(value): this client speaks SCRAM-SHA-256 and SCRAM-SHA-1")
                }
                authMechanism = m
            case "replicaset": replicaSet = value
            case "directconnection": directConnection = try bool()
            case "tls", "ssl": tls = try bool()
            case "tlscafile": tlsCAFile = value
            case "tlsallowinvalidcertificates", "tlsinsecure": tlsAllowInvalidCertificates = try bool()
            case "connecttimeoutms": connectTimeout = try milliseconds()
            case "serverselectiontimeoutms": serverSelectionTimeout = try milliseconds()
            case "sockettimeoutms":
                let ms = try int()
                socketTimeout = ms == 0 ? nil : .milliseconds(ms)
            case "maxpoolsize": maxPoolSize = try int()
            case "minpoolsize": minPoolSize = try int()
            case "maxidletimems":
                let ms = try int()
                maxIdleTime = ms == 0 ? nil : .milliseconds(ms)
            case "waitqueuetimeoutms":
                let ms = try int()
                waitQueueTimeout = ms == 0 ? nil : .milliseconds(ms)
            case "heartbeatfrequencyms": heartbeatFrequency = .milliseconds(try int(500...Int(Int32.max)))
            case "retrywrites": retryWrites = try bool()
            case "retryreads": retryReads = try bool()
            case "appname":
                guard value.utf8.count <= 128 else { throw fail("appName is longer than 128 bytes") }
                appName = value
            default: unknownOptions[key] = value
            }
        }
    }

    /// Decodes %XX escapes; a "%" not followed by two hex digits, or bytes that are not UTF-8, throw.
    static func percentDecode<S: StringProtocol>(_ text: S, what: String) throws(MongoError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let c = utf8.popFirst() {
            guard c == UInt8(ascii: "%") else { bytes.append(c); continue }
            guard utf8.count >= 2, let hi = hexValue(utf8[utf8.startIndex]), let lo = hexValue(utf8[utf8.startIndex + 1]) else {
                throw MongoError(.invalidConnectionString, "bad percent-escape in the \(what)")
            }
            bytes.append(hi << 4 | lo)
            utf8 = utf8.dropFirst(2)
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw MongoError(.invalidConnectionString, "the \(what) is not UTF-8 after percent-decoding")
        }
        return s
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
