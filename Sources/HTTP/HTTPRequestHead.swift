/// The request line and header fields of a request.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target exactly as sent: origin-form (`/a/b?x=1`), absolute-form
    /// (`http://host/a`), authority-form (`host:443`, CONNECT) or `*` (OPTIONS).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, still percent-encoded (`/` for absolute-form without a path,
    /// empty for authority-form and `*`).
    public var rawPath: Substring {
        let utf8 = target.utf8
        var start = utf8.startIndex
        if utf8.first != UInt8(ascii: "/") {
            // absolute-form: skip "scheme://authority"
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return "" }
            let afterColon = utf8.index(after: colon)
            guard utf8[afterColon...].starts(with: "//".utf8) else { return "" }
            let authority = utf8.index(afterColon, offsetBy: 2)
            guard let slash = utf8[authority...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
                  utf8[slash] == UInt8(ascii: "/") else { return "/" }
            start = slash
        }
        let end = utf8[start...].firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? utf8.endIndex
        return target[start..<end]
    }

    /// The path, percent-decoded. Routing should split `rawPath` on `/` and decode each
    /// segment, so that an encoded `%2F` stays inside its segment.
    public var path: String { PercentEncoding.decode(rawPath, plusAsSpace: false) }

    /// The query after `?` (without `#fragment`), still encoded; nil if there is none.
    public var rawQuery: Substring? {
        let utf8 = target.utf8
        guard let q = utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let start = utf8.index(after: q)
        let end = utf8[start...].firstIndex(of: UInt8(ascii: "#")) ?? utf8.endIndex
        return target[start..<end]
    }

    /// `name=value` pairs of the query, percent-decoded with `+` as space, in order, duplicates kept.
    public var queryItems: [HTTPQueryItem] { HTTPQueryItem.parse(rawQuery ?? "") }

    /// The first query value named `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the connection stays open after this exchange (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        if version.minor >= 1 || version.major > 1 { return !headers.containsToken("close", in: "connection") }
        return headers.containsToken("keep-alive", in: "connection")
    }

    /// Whether the client waits for `100 Continue` before sending its body (ignored from
    /// HTTP/1.0 clients, which cannot understand an interim response: RFC 9110 §10.1.1).
    public var expectsContinue: Bool {
        version != .http1_0 && headers.containsToken("100-continue", in: "expect")
    }
}

/// One `name=value` pair of a query string.
public struct HTTPQueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Splits `a=1&b=2&c` (items without `=` have an empty value; empty items are skipped).
    public static func parse(_ query: Substring) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                items.append(HTTPQueryItem(name: PercentEncoding.decode(part[..<eq], plusAsSpace: true),
                                           value: PercentEncoding.decode(part[part.index(after: eq)...], plusAsSpace: true)))
            } else {
                items.append(HTTPQueryItem(name: PercentEncoding.decode(part, plusAsSpace: true), value: ""))
            }
        }
        return items
    }
}

/// Percent-encoding (RFC 3986 §2.1).
public enum PercentEncoding {
    /// Decodes `%XX` escapes (and `+` as space when asked, as in form-encoded queries). An
    /// invalid escape is kept as it is; bytes that are not UTF-8 become U+FFFD.
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                let h = utf8.index(after: i)
                if h != utf8.endIndex, utf8.index(after: h) != utf8.endIndex,
                   let hi = hexValue(utf8[h]), let lo = hexValue(utf8[utf8.index(after: h)]) {
                    bytes.append(hi << 4 | lo)
                    i = utf8.index(h, offsetBy: 2)
                    continue
                }
                bytes.append(b)
            } else if plusAsSpace && b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(b)
            }
            i = utf8.index(after: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes every byte outside RFC 3986 `unreserved` (and `/` when `keepSlash`).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
