/// One query parameter, decoded (the bytes before percent-encoding).
///
/// Bytes rather than `String` because a received `%FF` is not UTF-8 and must survive the
/// decode/encode round trip unchanged.
public struct QueryParameter: Sendable, Hashable {
    public var name: [UInt8]
    public var value: [UInt8]

    public init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }

    /// Splits a wire query string (`a=1&b&c=%20`) into decoded parameters. Empty pieces
    /// (`&&`) are skipped; a piece without `=` has an empty value (`?lifecycle` -> `lifecycle=`).
    public static func parse(_ query: some Collection<UInt8>, limit: Int = 1000) throws(SigV4Error) -> [QueryParameter] {
        var out: [QueryParameter] = []
        for piece in query.split(separator: ASCII.ampersand, omittingEmptySubsequences: true) {
            guard out.count < limit else {
                throw SigV4Error(.limitExceeded, "more than \(limit) query parameters")
            }
            if let eq = piece.firstIndex(of: ASCII.equals) {
                out.append(QueryParameter(name: URIEncoding.decode(piece[piece.startIndex..<eq]),
                                          value: URIEncoding.decode(piece[piece.index(after: eq)...])))
            } else {
                out.append(QueryParameter(name: URIEncoding.decode(piece), value: []))
            }
        }
        return out
    }

    /// `name=value`, both encoded.
    func appendEncoded(to out: inout [UInt8]) {
        URIEncoding.append(name, keepSlash: false, to: &out)
        out.append(ASCII.equals)
        URIEncoding.append(value, keepSlash: false, to: &out)
    }
}

/// The canonical query string: every parameter encoded, sorted by encoded name and then by
/// encoded value, joined with `&`.
enum CanonicalQuery {
    static func append(_ parameters: [QueryParameter], to out: inout [UInt8]) {
        if parameters.isEmpty { return }
        var encoded: [(name: [UInt8], value: [UInt8])] = []
        encoded.reserveCapacity(parameters.count)
        for p in parameters {
            encoded.append((URIEncoding.encode(p.name, keepSlash: false), URIEncoding.encode(p.value, keepSlash: false)))
        }
        encoded.sort { a, b in
            a.name == b.name ? a.value.lexicographicallyPrecedes(b.value) : a.name.lexicographicallyPrecedes(b.name)
        }
        for (i, e) in encoded.enumerated() {
            if i > 0 { out.append(ASCII.ampersand) }
            out.append(contentsOf: e.name)
            out.append(ASCII.equals)
            out.append(contentsOf: e.value)
        }
    }
}
