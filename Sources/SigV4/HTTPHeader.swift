/// One HTTP header field as the caller has it (any case; repeated names allowed).
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Header names that are never signed: hop-by-hop fields a proxy may change or drop, and
    /// fields that HTTP clients add on their own (the list botocore uses, plus `authorization`).
    static let unsignable: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// The name's bytes in ASCII lowercase: what the canonical form uses.
    var lowercasedNameBytes: [UInt8] { name.utf8.map(ASCII.lowercased) }

    static let unsignableNames: Set<[UInt8]> = Set(unsignable.map { Array($0.utf8) })

    /// A header to be signed must be a token name with a value free of line breaks and NUL:
    /// the canonical form joins headers with newlines, so a `\n` in a value could forge a line.
    func validateForSigning() throws(SigV4Error) {
        guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTokenCharacter) else {
            throw SigV4Error(.invalidHeader, "header name \(name.debugDescription) is not an HTTP token")
        }
        guard !value.utf8.contains(where: { $0 == ASCII.newline || $0 == ASCII.carriageReturn || $0 == 0 }) else {
            throw SigV4Error(.invalidHeader, "value of header \(name) contains CR, LF or NUL")
        }
    }
}

/// The canonical headers block and the signed-headers list of a set of headers.
///
/// Names are lowercased and sorted; the values of a repeated name are joined with `,` in the
/// order they appeared; each value is trimmed and its inner whitespace runs become one space
/// (SigV4's Trimall, which also unfolds obsolete multi-line values).
struct CanonicalHeaders {
    /// `name:value\n` for each name.
    var block: [UInt8] = []
    /// `name;name;...`.
    var signedHeaders: [UInt8] = []

    init(_ headers: [HTTPHeader]) {
        self.init(lowercasedEntries: headers.map { ($0.lowercasedNameBytes, $0.value) })
    }

    /// From names already lowercased.
    init(lowercasedEntries entries: [(name: [UInt8], value: String)]) {
        // Stable: repeated names keep their order of appearance.
        let order = entries.indices.sorted { a, b in
            let na = entries[a].name, nb = entries[b].name
            return na == nb ? a < b : na.lexicographicallyPrecedes(nb)
        }
        block.reserveCapacity(64 * entries.count)
        var previous: [UInt8]? = nil
        for i in order {
            let e = entries[i]
            if e.name == previous {
                // Same name again: continue the value line.
                block.removeLast()
                block.append(ASCII.comma)
            } else {
                if previous != nil { signedHeaders.append(ASCII.semicolon) }
                signedHeaders.append(contentsOf: e.name)
                block.append(contentsOf: e.name)
                block.append(ASCII.colon)
                previous = e.name
            }
            Self.appendTrimmed(e.value.utf8, to: &block)
            block.append(ASCII.newline)
        }
    }

    /// Trimall: no leading or trailing whitespace, inner runs collapsed to one space.
    static func appendTrimmed(_ value: some Sequence<UInt8>, to out: inout [UInt8]) {
        var pendingSpace = false
        var started = false
        for b in value {
            if ASCII.isWhitespace(b) {
                pendingSpace = started
            } else {
                if pendingSpace { out.append(ASCII.space) }
                out.append(b)
                pendingSpace = false
                started = true
            }
        }
    }
}
