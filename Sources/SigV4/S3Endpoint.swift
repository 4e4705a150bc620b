/// Where S3 requests go: scheme, host and optional port.
public struct S3Endpoint: Sendable, Hashable {
    public let scheme: String
    public let host: String
    public let port: Int?

    public init(scheme: String = "https", host: String, port: Int? = nil) throws(SigV4Error) {
        let s = scheme.lowercased()
        guard s == "https" || s == "http" else {
            throw SigV4Error(.invalidEndpoint, "scheme must be http or https, got \(scheme.debugDescription)")
        }
        // A host name or an IPv4/bracketed IPv6 literal; anything else would change the URL's meaning.
        guard !host.isEmpty, host.utf8.count <= 253, host.utf8.allSatisfy({ b in
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5B, 0x5D, 0x3A: return true
            default: return false
            }
        }) else {
            throw SigV4Error(.invalidEndpoint, "invalid host \(host.debugDescription)")
        }
        if let port, !(1...65535).contains(port) {
            throw SigV4Error(.invalidEndpoint, "port \(port) out of range")
        }
        self.scheme = s
        self.host = host
        self.port = port
    }

    /// The public AWS endpoint of a region: `s3.amazonaws.com` for us-east-1 (the global
    /// endpoint botocore uses by default), `s3.<region>.amazonaws.com` elsewhere.
    public static func aws(region: String) throws(SigV4Error) -> S3Endpoint {
        try S3Endpoint(host: region == "us-east-1" ? "s3.amazonaws.com" : "s3.\(region).amazonaws.com")
    }

    /// `:port` after the host in `Host`, or nothing for the scheme's default port (as HTTP
    /// clients send it).
    var portSuffix: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return "" }
        return ":\(port)"
    }
}

/// Path-style `https://s3.<region>.amazonaws.com/bucket/key` or virtual-hosted
/// `https://bucket.s3.<region>.amazonaws.com/key`.
public enum S3AddressingStyle: Sendable, Hashable {
    case virtualHosted
    case path
}

/// Builds the host and the encoded path of an object URL from a bucket and a raw key.
public struct S3ObjectAddress: Sendable, Hashable {
    /// The `Host` header value (with a non-default port).
    public let host: String
    /// The request path, percent-encoded: `/` + key (virtual-hosted) or `/bucket/key` (path style).
    public let path: [UInt8]

    /// The longest key S3 accepts, in UTF-8 bytes.
    public static let maximumKeyLength = 1024

    public init(bucket: String, key: String, endpoint: S3Endpoint, style: S3AddressingStyle) throws(SigV4Error) {
        let (host, path) = try Self.bytes(bucket: bucket, key: key, endpoint: endpoint, style: style)
        self.host = ASCII.string(host)
        self.path = path
    }

    /// Host and path as bytes, the form the presigner writes into its buffers.
    static func bytes(bucket: String, key: String, endpoint: S3Endpoint,
                      style: S3AddressingStyle) throws(SigV4Error) -> (host: [UInt8], path: [UInt8]) {
        guard !key.isEmpty, key.utf8.count <= maximumKeyLength else {
            throw SigV4Error(.invalidObjectKey, "object key must be 1...\(maximumKeyLength) UTF-8 bytes, got \(key.utf8.count)")
        }
        var host: [UInt8] = []
        host.reserveCapacity(bucket.utf8.count + endpoint.host.utf8.count + 8)
        var path: [UInt8] = []
        path.reserveCapacity(bucket.utf8.count + key.utf8.count * 3 + 2)
        path.append(ASCII.slash)
        switch style {
        case .virtualHosted:
            try validateVirtualHostedBucket(bucket, scheme: endpoint.scheme)
            host.append(utf8: bucket)
            host.append(ASCII.dot)
            host.append(utf8: endpoint.host)
        case .path:
            guard !bucket.isEmpty, bucket.utf8.count <= 255 else {
                throw SigV4Error(.invalidBucketName, "bucket name must be 1...255 bytes")
            }
            host.append(utf8: endpoint.host)
            URIEncoding.append(bucket.utf8, keepSlash: false, to: &path)
            path.append(ASCII.slash)
        }
        host.append(utf8: endpoint.portSuffix)
        // Keys keep their `/` (S3 "folders"), everything else outside the unreserved set is
        // escaped byte by byte from UTF-8. Nothing here can fail, whatever the key holds.
        URIEncoding.append(key.utf8, keepSlash: true, to: &path)
        return (host, path)
    }

    /// A bucket becomes a DNS label: 3-63 lowercase letters, digits and hyphens, starting and
    /// ending with a letter or digit. Dots are refused over https, where the certificate's
    /// `*.s3.amazonaws.com` wildcard would not match `a.b.s3.amazonaws.com`.
    static func validateVirtualHostedBucket(_ bucket: String, scheme: String) throws(SigV4Error) {
        let b = Array(bucket.utf8)
        func isAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard (3...63).contains(b.count), let first = b.first, let last = b.last, isAlnum(first), isAlnum(last),
              b.allSatisfy({ isAlnum($0) || $0 == 0x2D || ($0 == ASCII.dot && scheme == "http") }) else {
            throw SigV4Error(.invalidBucketName,
                             "\(bucket.debugDescription) cannot be a virtual-hosted bucket; use path-style addressing")
        }
    }
}
