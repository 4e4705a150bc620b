/// How a service turns the request path into the canonical URI.
///
/// Most AWS services normalise the path (remove `.`/`..` segments and empty segments) and
/// percent-encode the path as sent, so an already-encoded `%20` becomes `%2520` ("double
/// encoding"). S3 does neither: object keys may contain `//` and `..`, and the path as sent is
/// the canonical URI.
public struct PathCanonicalization: Sendable, Hashable {
    public var normalize: Bool
    public var encode: Bool

    public init(normalize: Bool, encode: Bool) {
        self.normalize = normalize
        self.encode = encode
    }

    /// Every service except S3.
    public static let standard = PathCanonicalization(normalize: true, encode: true)
    /// S3: the path is used verbatim.
    public static let s3 = PathCanonicalization(normalize: false, encode: false)

    func append(path: some Collection<UInt8>, to out: inout [UInt8]) {
        if path.isEmpty {
            out.append(ASCII.slash)
            return
        }
        if normalize {
            let normalized = Self.removeDotSegments(Array(path))
            if encode { URIEncoding.append(normalized, keepSlash: true, to: &out) } else { out.append(contentsOf: normalized) }
        } else if encode {
            URIEncoding.append(path, keepSlash: true, to: &out)
        } else {
            out.append(contentsOf: path)
        }
    }

    /// RFC 3986 section 5.2.4 plus what AWS adds: empty segments (`//`) are dropped too.
    /// A trailing `/` is kept when anything remains.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        guard let first = path.first, let last = path.last else { return [ASCII.slash] }
        var kept: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: ASCII.slash, omittingEmptySubsequences: true) {
            if segment.count == 1 && segment.first == ASCII.dot { continue }
            if segment.count == 2 && segment.allSatisfy({ $0 == ASCII.dot }) {
                if !kept.isEmpty { kept.removeLast() }
                continue
            }
            kept.append(segment)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.count)
        if first == ASCII.slash { out.append(ASCII.slash) }
        for (i, s) in kept.enumerated() {
            if i > 0 { out.append(ASCII.slash) }
            out.append(contentsOf: s)
        }
        if last == ASCII.slash && !kept.isEmpty { out.append(ASCII.slash) }
        return out
    }
}
