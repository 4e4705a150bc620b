/// An access key pair, optionally with the session token of temporary (STS) credentials.
public struct Credentials: Sendable, Hashable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible {
    /// Names the key but never prints the secret or the token, so logging a signer is safe.
    public var description: String {
        "Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }

    public var debugDescription: String { description }
}

/// Region and service: with the date they form the credential scope
/// `YYYYMMDD/region/service/aws4_request`.
public struct ServiceScope: Sendable, Hashable {
    public let region: String
    public let service: String

    /// Region and service appear between `/` in the scope and unencoded in the string to sign,
    /// so they must be non-empty tokens without `/`, whitespace or control bytes.
    public init(region: String, service: String) throws(SigV4Error) {
        for (what, value) in [("region", region), ("service", service)] {
            guard !value.isEmpty, value.utf8.count <= 64,
                  value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != ASCII.slash }) else {
                throw SigV4Error(.invalidScope, "\(what) must be 1-64 printable ASCII bytes without '/', got \(value.debugDescription)")
            }
        }
        self.region = region
        self.service = service
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    func credentialScope(_ date: AmzDate) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        out.append(contentsOf: date.dateStamp)
        out.append(ASCII.slash)
        out.append(utf8: region)
        out.append(ASCII.slash)
        out.append(utf8: service)
        out.append(ascii: "/aws4_request")
        return out
    }
}
