import Transport

/// An `http` or `https` URL split into what a request needs: where to connect and the
/// request-target to send.
///
/// Only the forms a client sends are accepted: `scheme://host[:port][/path][?query][#fragment]`
/// with no user info. The path and query must already be percent-encoded (visible ASCII only);
/// nothing is re-encoded, so what the caller signs (SigV4) is exactly what goes on the wire.
public struct HTTPClientURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http, https
        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public let scheme: Scheme
    /// The host name or IP address, IPv6 without brackets: what the resolver and TLS SNI take.
    public let host: String
    public let port: Int
    /// Path and query as sent on the request line, `/` when the URL has no path. Never empty.
    public let target: String

    /// The longest URL accepted, in bytes.
    public static let maximumLength = 16 * 1024

    public init(scheme: Scheme, host: String, port: Int? = nil, target: String = "/") throws(HTTPClientError) {
        guard Self.isValidHost(host) else { throw HTTPClientError(.invalidURL, "invalid host \(host.debugDescription)") }
        let port = port ?? scheme.defaultPort
        guard (1...65535).contains(port) else { throw HTTPClientError(.invalidURL, "port \(port) out of range") }
        guard target.utf8.first == UInt8(ascii: "/"), target.utf8.allSatisfy(Self.isTargetByte) else {
            throw HTTPClientError(.invalidURL, "target must start with / and be percent-encoded visible ASCII: \(target.prefix(200).debugDescription)")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target
    }

    public init(_ string: String) throws(HTTPClientError) {
        let bytes = Array(string.utf8)
        guard bytes.count <= Self.maximumLength else { throw HTTPClientError(.invalidURL, "URL longer than \(Self.maximumLength) bytes") }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes[colon...].starts(with: "://".utf8) else {
            throw HTTPClientError(.invalidURL, "expected scheme://host in \(string.prefix(200).debugDescription)")
        }
        let schemeText = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            throw HTTPClientError(.invalidURL, "scheme must be http or https, got \(schemeText.prefix(20).debugDescription)")
        }
        let authorityStart = colon + 3
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count, !"/?#".utf8.contains(bytes[authorityEnd]) { authorityEnd += 1 }
        let authority = bytes[authorityStart..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else {
            throw HTTPClientError(.invalidURL, "user info in URLs is not supported (credentials would be sent in clear)")
        }
        let (host, port) = try Self.splitAuthority(authority)
        var rest = bytes[authorityEnd...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }  // never sent
        var target = String(decoding: rest, as: UTF8.self)
        if target.isEmpty || target.utf8.first == UInt8(ascii: "?") { target = "/" + target }
        try self.init(scheme: scheme, host: host, port: port, target: target)
    }

    /// The value of the `Host` header: the host (IPv6 in brackets) and the port unless it is the
    /// scheme's default.
    public var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == scheme.defaultPort ? h : "\(h):\(port)"
    }

    /// The path without the query.
    public var path: Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// The query without `?`, or nil.
    public var query: Substring? {
        target.firstIndex(of: "?").map { target[target.index(after: $0)...] }
    }

    public var description: String { "\(scheme.rawValue)://\(hostHeader)\(target)" }

    /// Resolves a `Location` header value (RFC 9110 §10.2.2, RFC 3986 §5) against this URL:
    /// absolute, scheme-relative (`//host/path`), absolute-path and relative references.
    public func resolving(_ reference: String) throws(HTTPClientError) -> HTTPClientURL {
        // A scheme (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":") makes it absolute.
        if let colon = reference.firstIndex(of: ":"),
           let first = reference.first, first.isASCII, first.isLetter,
           reference[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
            return try HTTPClientURL(reference)
        }
        if reference.hasPrefix("//") { return try HTTPClientURL(scheme.rawValue + ":" + reference) }
        var ref = reference
        if let hash = ref.firstIndex(of: "#") { ref = String(ref[..<hash]) }
        if ref.isEmpty { return self }
        if ref.hasPrefix("/") { return try HTTPClientURL(scheme: scheme, host: host, port: port, target: ref) }
        if ref.hasPrefix("?") { return try HTTPClientURL(scheme: scheme, host: host, port: port, target: String(path) + ref) }
        // Relative path: merge with the base's directory, then remove dot segments.
        let base = path
        let directory = base[...(base.lastIndex(of: "/") ?? base.startIndex)]
        let (refPath, refQuery) = ref.firstIndex(of: "?").map { (String(ref[..<$0]), String(ref[$0...])) } ?? (ref, "")
        return try HTTPClientURL(scheme: scheme, host: host, port: port,
                                 target: Self.removeDotSegments(directory + refPath) + refQuery)
    }

    // MARK: parts

    static func splitAuthority(_ authority: ArraySlice<UInt8>) throws(HTTPClientError) -> (String, Int?) {
        var hostBytes = authority
        var portBytes: ArraySlice<UInt8>? = nil
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw HTTPClientError(.invalidURL, "unterminated IPv6 literal")
            }
            hostBytes = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw HTTPClientError(.invalidURL, "junk after IPv6 literal") }
                portBytes = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostBytes = authority[..<colon]
            portBytes = authority[(colon + 1)...]
            // An IPv6 literal must be in brackets (RFC 3986 §3.2.2): `http://::1/` is ambiguous.
            guard !hostBytes.contains(UInt8(ascii: ":")) else {
                throw HTTPClientError(.invalidURL, "an IPv6 address in a URL must be in brackets")
            }
        }
        var port: Int? = nil
        if let portBytes {
            guard !portBytes.isEmpty, portBytes.count <= 5, portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let p = Int(String(decoding: portBytes, as: UTF8.self)) else {
                throw HTTPClientError(.invalidURL, "invalid port \(String(decoding: portBytes.prefix(20), as: UTF8.self).debugDescription)")
            }
            port = p
        }
        return (String(decoding: hostBytes, as: UTF8.self).lowercased(), port)
    }

    /// Host names and IPv4 literals (letters, digits, `-`, `.`, `_`), or an IPv6 literal (which
    /// must then be one: `a:b` is neither).
    static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        if host.utf8.contains(UInt8(ascii: ":")) {
            // Checked byte by byte first: inet_pton stops at a NUL, so it alone would accept `::\0junk`.
            let isIPv6Byte: (UInt8) -> Bool = { b in
                b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || (b >= 0x30 && b <= 0x39)
                    || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
            }
            return host.utf8.allSatisfy(isIPv6Byte) && SocketAddress(numericHost: host, port: 1)?.family == .ipv6
        }
        return host.utf8.allSatisfy { b in
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }

    static func isTargetByte(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F && b != UInt8(ascii: "#") }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (i, segment) in segments.enumerated() {
            let isLast = i == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }
}
