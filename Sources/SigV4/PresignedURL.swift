/// A URL split into what a server sees: the `Host` value and the request target.
struct PresignedURL {
    let authority: String
    /// `/path?query`, without the fragment.
    let target: String

    init(_ url: String, maximumLength: Int) throws(SigV4Error) {
        let bytes = Array(url.utf8)
        guard bytes.count <= maximumLength else { throw SigV4Error(.limitExceeded, "URL longer than \(maximumLength) bytes") }
        guard let colon = bytes.firstIndex(of: ASCII.colon),
              bytes[colon...].starts(with: "://".utf8) else {
            throw SigV4Error(.malformedURL, "URL has no scheme://")
        }
        let scheme = ASCII.string(bytes[..<colon].map(ASCII.lowercased))
        guard scheme == "https" || scheme == "http" else { throw SigV4Error(.malformedURL, "scheme must be http or https") }
        let rest = bytes[(colon + 3)...]
        let end = rest.firstIndex { $0 == ASCII.slash || $0 == ASCII.question || $0 == ASCII.hash } ?? rest.endIndex
        let authority = rest[..<end]
        guard !authority.isEmpty, !authority.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == 0x40 }) else {
            throw SigV4Error(.malformedURL, "URL has an empty or invalid host")
        }
        var target = rest[end...]
        if let fragment = target.firstIndex(of: ASCII.hash) { target = target[..<fragment] }
        self.authority = ASCII.string(authority)
        self.target = target.first == ASCII.slash ? ASCII.string(target) : "/" + ASCII.string(target)
    }
}
