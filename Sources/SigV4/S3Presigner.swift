import Crypto
import Synchronization

/// Presigned S3 URLs: what `generate_presigned_url` does in botocore, byte for byte.
///
/// The URL is `scheme://host/path?<query parameters>&X-Amz-Algorithm=...&X-Amz-Signature=...`,
/// signed with `UNSIGNED-PAYLOAD`, the path used verbatim (S3 rules), and only `host` plus the
/// caller's extra headers signed.
///
/// This is the hot path of a storage gateway handing out download links, so it writes the
/// canonical request and the URL straight into byte buffers, and keeps the signing key and
/// the encoded credential of the current day; `SigV4Signer.presign` computes the same
/// signature the general way (the tests hold the two equal).
public struct S3Presigner: Sendable {
    public let signer: SigV4Signer
    public let endpoint: S3Endpoint
    public let style: S3AddressingStyle
    private let constants: Constants
    private let today: DayCache

    public init(credentials: Credentials, region: String, endpoint: S3Endpoint? = nil,
                style: S3AddressingStyle = .virtualHosted, keyCache: SigningKeyCache = .shared) throws(SigV4Error) {
        self.signer = try SigV4Signer(credentials: credentials, region: region, service: "s3", rules: .s3, keyCache: keyCache)
        if let endpoint { self.endpoint = endpoint } else { self.endpoint = try S3Endpoint.aws(region: region) }
        self.style = style
        self.constants = Constants(credentials: credentials, endpoint: self.endpoint)
        self.today = DayCache()
    }

    /// - Parameters:
    ///   - query: operation parameters (`versionId`, `response-content-disposition`, `partNumber`...),
    ///     decoded, in the order they should appear.
    ///   - headers: headers the URL's user must send with exactly these values (`Content-Type`,
    ///     `x-amz-meta-*`, `Range`...); they become signed headers.
    public func presignedURL(method: String, bucket: String, key: String, expires: Int, at date: AmzDate,
                             query: [QueryParameter] = [], headers: [HTTPHeader] = []) throws(SigV4Error) -> String {
        ASCII.string(try presignedURLBytes(method: method, bucket: bucket, key: key, expires: expires, at: date,
                                           query: query, headers: headers))
    }

    public func presignedURLBytes(method: String, bucket: String, key: String, expires: Int, at date: AmzDate,
                                  query: [QueryParameter] = [], headers: [HTTPHeader] = []) throws(SigV4Error) -> [UInt8] {
        guard !method.isEmpty, method.utf8.allSatisfy(ASCII.isTokenCharacter) else {
            throw SigV4Error(.invalidHeader, "method \(method.debugDescription) is not an HTTP token")
        }
        guard expires >= 1, expires <= SigV4Signer.maximumExpiry else {
            throw SigV4Error(.invalidExpiry, "X-Amz-Expires must be 1...\(SigV4Signer.maximumExpiry) seconds, got \(expires)")
        }
        guard !key.isEmpty, key.utf8.count <= S3ObjectAddress.maximumKeyLength else {
            throw SigV4Error(.invalidObjectKey, "object key must be 1...\(S3ObjectAddress.maximumKeyLength) UTF-8 bytes, got \(key.utf8.count)")
        }
        if let clash = query.first(where: { SigV4Signer.authParameterNames.contains($0.name) }) {
            throw SigV4Error(.duplicateParameter, "the request already has the signing parameter \(ASCII.string(clash.name))")
        }
        let extraHeaders = headers.filter { h in
            let lower = h.name.lowercased()
            return lower != "host" && !HTTPHeader.unsignable.contains(lower)
        }
        for h in extraHeaders { try h.validateForSigning() }

        // Host and path.
        var host: [UInt8] = []
        host.reserveCapacity(bucket.utf8.count + constants.endpointHost.count + 8)
        var path: [UInt8] = []
        path.reserveCapacity(bucket.utf8.count + key.utf8.count * 3 + 2)
        path.append(ASCII.slash)
        switch style {
        case .virtualHosted:
            try S3ObjectAddress.validateVirtualHostedBucket(bucket, scheme: endpoint.scheme)
            host.append(utf8: bucket)
            host.append(ASCII.dot)
            host.append(contentsOf: constants.endpointHost)
        case .path:
            guard !bucket.isEmpty, bucket.utf8.count <= 255 else {
                throw SigV4Error(.invalidBucketName, "bucket name must be 1...255 bytes")
            }
            host.append(contentsOf: constants.endpointHost)
            URIEncoding.append(bucket.utf8, keepSlash: false, to: &path)
            path.append(ASCII.slash)
        }
        host.append(contentsOf: constants.portSuffix)
        URIEncoding.append(key.utf8, keepSlash: true, to: &path)

        // Signed headers: host alone, or host with the caller's headers in canonical form.
        var canonicalHeaders: [UInt8]
        var signedHeaders: [UInt8]
        if extraHeaders.isEmpty {
            canonicalHeaders = Array("host:".utf8)
            canonicalHeaders.append(contentsOf: host)
            canonicalHeaders.append(ASCII.newline)
            signedHeaders = Array("host".utf8)
        } else {
            let all = CanonicalHeaders([HTTPHeader("host", ASCII.string(host))] + extraHeaders)
            canonicalHeaders = all.block
            signedHeaders = all.signedHeaders
        }

        let day = today.state(for: date, signer: signer)
        var expiresText: [UInt8] = []
        Self.appendDecimal(expires, to: &expiresText)
        var encodedSignedHeaders: [UInt8] = []
        URIEncoding.append(signedHeaders, keepSlash: false, to: &encodedSignedHeaders)
        // The X-Amz-* parameters, encoded, in sorted order (the canonical query's order).
        var auth: [(name: [UInt8], value: [UInt8])] = [
            (Self.algorithmName, Self.algorithmValue),
            (Self.credentialName, day.encodedCredential),
            (Self.dateName, date.bytes),
            (Self.expiresName, expiresText),
        ]
        if let token = constants.encodedToken { auth.append((Self.tokenName, token)) }
        auth.append((Self.signedHeadersName, encodedSignedHeaders))

        // The canonical request.
        var canonical: [UInt8] = []
        canonical.reserveCapacity(path.count + canonicalHeaders.count + 400 + (constants.encodedToken?.count ?? 0))
        canonical.append(utf8: method)
        canonical.append(ASCII.newline)
        canonical.append(contentsOf: path)
        canonical.append(ASCII.newline)
        var encodedQuery: [(name: [UInt8], value: [UInt8])] = []
        if query.isEmpty {
            Self.appendJoined(auth, to: &canonical)
        } else {
            encodedQuery = query.map { (URIEncoding.encode($0.name, keepSlash: false), URIEncoding.encode($0.value, keepSlash: false)) }
            let sorted = (encodedQuery + auth).sorted { a, b in
                a.name == b.name ? a.value.lexicographicallyPrecedes(b.value) : a.name.lexicographicallyPrecedes(b.name)
            }
            Self.appendJoined(sorted, to: &canonical)
        }
        canonical.append(ASCII.newline)
        canonical.append(contentsOf: canonicalHeaders)
        canonical.append(ASCII.newline)
        canonical.append(contentsOf: signedHeaders)
        canonical.append(ascii: "\nUNSIGNED-PAYLOAD")

        let sts = SignatureMath.stringToSign(date: date, credentialScope: day.credentialScope, canonicalRequest: canonical)
        let signature = day.key.authenticate(sts)

        // The URL: operation parameters first in the caller's order, then botocore's order.
        var url: [UInt8] = []
        url.reserveCapacity(canonical.count + host.count + 120)
        url.append(contentsOf: constants.schemePrefix)
        url.append(contentsOf: host)
        url.append(contentsOf: path)
        url.append(ASCII.question)
        for (name, value) in encodedQuery {
            url.append(contentsOf: name)
            url.append(ASCII.equals)
            url.append(contentsOf: value)
            url.append(ASCII.ampersand)
        }
        let hasToken = constants.encodedToken != nil
        // Sorted order is Algorithm, Credential, Date, Expires, [Security-Token], SignedHeaders;
        // botocore sends SignedHeaders before Security-Token.
        let urlOrder = hasToken ? [0, 1, 2, 3, 5, 4] : [0, 1, 2, 3, 4]
        for i in urlOrder {
            url.append(contentsOf: auth[i].name)
            url.append(ASCII.equals)
            url.append(contentsOf: auth[i].value)
            url.append(ASCII.ampersand)
        }
        url.append(ascii: "X-Amz-Signature=")
        HexEncoding.append(signature, to: &url)
        return url
    }

    private static let algorithmName = Array("X-Amz-Algorithm".utf8)
    private static let algorithmValue = Array("AWS4-HMAC-SHA256".utf8)
    private static let credentialName = Array("X-Amz-Credential".utf8)
    private static let dateName = Array("X-Amz-Date".utf8)
    private static let expiresName = Array("X-Amz-Expires".utf8)
    private static let tokenName = Array("X-Amz-Security-Token".utf8)
    private static let signedHeadersName = Array("X-Amz-SignedHeaders".utf8)

    private static func appendJoined(_ pairs: [(name: [UInt8], value: [UInt8])], to out: inout [UInt8]) {
        for (i, p) in pairs.enumerated() {
            if i > 0 { out.append(ASCII.ampersand) }
            out.append(contentsOf: p.name)
            out.append(ASCII.equals)
            out.append(contentsOf: p.value)
        }
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var v = value
        repeat {
            digits.append(UInt8(truncatingIfNeeded: 0x30 + v % 10))
            v /= 10
        } while v > 0
        out.append(contentsOf: digits.reversed())
    }

    /// Bytes that depend only on the credentials and the endpoint.
    private struct Constants: Sendable {
        let schemePrefix: [UInt8]
        let endpointHost: [UInt8]
        let portSuffix: [UInt8]
        let encodedToken: [UInt8]?

        init(credentials: Credentials, endpoint: S3Endpoint) {
            schemePrefix = Array("\(endpoint.scheme)://".utf8)
            endpointHost = Array(endpoint.host.utf8)
            let authority = endpoint.authority(host: "")
            portSuffix = Array(authority.utf8)
            encodedToken = credentials.sessionToken.map { URIEncoding.encode($0.utf8, keepSlash: false) }
        }
    }
}

/// The signing key and the encoded credential of the day last signed for. Days change rarely,
/// so one slot is enough; the shared `SigningKeyCache` serves other days.
private final class DayCache: Sendable {
    struct State: Sendable {
        let day: Int64
        let key: HMACKey
        let credentialScope: [UInt8]
        /// `AKID%2FYYYYMMDD%2Fregion%2Fs3%2Faws4_request`.
        let encodedCredential: [UInt8]
    }

    private let slot = Mutex<State?>(nil)

    func state(for date: AmzDate, signer: SigV4Signer) -> State {
        if let current = slot.withLock({ $0 }), current.day == date.day { return current }
        let scope = signer.scope.credentialScope(date)
        var credential = Array(signer.credentials.accessKeyId.utf8)
        credential.append(ASCII.slash)
        credential.append(contentsOf: scope)
        let state = State(day: date.day,
                          key: signer.keys.key(secret: signer.credentials.secretAccessKey, date: date, scope: signer.scope),
                          credentialScope: scope, encodedCredential: URIEncoding.encode(credential, keepSlash: false))
        slot.withLock { $0 = state }
        return state
    }
}
