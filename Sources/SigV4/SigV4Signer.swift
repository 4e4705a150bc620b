/// Signs requests for one set of credentials, region and service.
///
/// A value type: copy it freely between tasks (copies share the day slot). Each signer keeps
/// the current day's signing key and scope, and other days come from a `SigningKeyCache`
/// (shared by default), so the four key-derivation HMACs run once per day, not per request.
public struct SigV4Signer: Sendable {
    public let credentials: Credentials
    public let scope: ServiceScope
    public let rules: SigningRules
    let keys: SigningKeyCache
    let today = SigningDayCache()

    /// The longest lifetime SigV4 allows a presigned request: 7 days.
    public static let maximumExpiry = 604_800

    public init(credentials: Credentials, region: String, service: String, rules: SigningRules,
                keyCache: SigningKeyCache = .shared) throws(SigV4Error) {
        guard !credentials.accessKeyId.isEmpty,
              credentials.accessKeyId.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != ASCII.slash && $0 != ASCII.comma }) else {
            throw SigV4Error(.invalidScope, "access key id must be printable ASCII without '/' or ','")
        }
        if let token = credentials.sessionToken,
           token.utf8.contains(where: { $0 == ASCII.newline || $0 == ASCII.carriageReturn || $0 == 0 }) {
            throw SigV4Error(.invalidHeader, "session token contains CR, LF or NUL")
        }
        self.credentials = credentials
        self.scope = try ServiceScope(region: region, service: service)
        self.rules = rules
        self.keys = keyCache
    }

    // MARK: Authorization header

    /// Signs with an `Authorization` header. The request's headers must include `Host`; the
    /// result lists the headers to add.
    public func signHeaders(_ request: SignableRequest, payload: Payload, at date: AmzDate) throws(SigV4Error) -> HeaderSignature {
        try request.validate()
        try payload.validate()
        let payloadHash = payload.canonicalValue
        let token = credentials.sessionToken
        let stamp = date.description

        // The headers the signer sets replace any of the same name in the request.
        var entries = request.signableEntries.filter { e in
            !(e.name == Self.dateHeader || (token != nil && e.name == Self.tokenHeader)
              || (rules.sendsContentSHA256Header && e.name == Self.contentHashHeader))
        }
        var added: [HTTPHeader] = [HTTPHeader("X-Amz-Date", stamp)]
        entries.append((Self.dateHeader, stamp))
        if let token {
            added.append(HTTPHeader("X-Amz-Security-Token", token))
            if rules.signSessionToken { entries.append((Self.tokenHeader, token)) }
        }
        if rules.sendsContentSHA256Header {
            added.append(HTTPHeader("X-Amz-Content-SHA256", payloadHash))
            entries.append((Self.contentHashHeader, payloadHash))
        }

        let headers = CanonicalHeaders(lowercasedEntries: entries)
        var uri: [UInt8] = []
        rules.path.append(path: request.path, to: &uri)
        var query: [UInt8] = []
        CanonicalQuery.append(request.query, to: &query)
        let canonical = SignatureMath.canonicalRequest(method: request.method, uri: uri, query: query,
                                                       headers: headers, payloadHash: payloadHash)
        let day = today.state(for: date, signer: self)
        let sts = SignatureMath.stringToSign(date: date, credentialScope: day.credentialScope, canonicalRequest: canonical)
        let signature = SignatureMath.signature(key: day.key, stringToSign: sts)

        var authorization: [UInt8] = []
        authorization.reserveCapacity(day.credential.count + headers.signedHeaders.count + 140)
        authorization.append(ascii: "AWS4-HMAC-SHA256 Credential=")
        authorization.append(contentsOf: day.credential)
        authorization.append(ascii: ", SignedHeaders=")
        authorization.append(contentsOf: headers.signedHeaders)
        authorization.append(ascii: ", Signature=")
        authorization.append(contentsOf: signature)
        let authorizationText = ASCII.string(authorization)
        added.append(HTTPHeader("Authorization", authorizationText))
        return HeaderSignature(signature: ASCII.string(signature), signedHeaders: ASCII.string(headers.signedHeaders),
                               authorization: authorizationText, headersToAdd: added,
                               canonicalRequestBytes: canonical, stringToSignBytes: sts)
    }

    private static let dateHeader = Array("x-amz-date".utf8)
    private static let tokenHeader = Array("x-amz-security-token".utf8)
    private static let contentHashHeader = Array("x-amz-content-sha256".utf8)

    // MARK: Query (presigned)

    static let authParameterNames: Set<[UInt8]> = Set(
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
         "X-Amz-Security-Token", "X-Amz-Signature"].map { Array($0.utf8) })

    /// Presigns: the signature travels in the query string, valid for `expires` seconds
    /// (1 ... 604800) from `date`. S3 presigned URLs use `payload: .unsigned`.
    public func presign(_ request: SignableRequest, expires: Int, payload: Payload, at date: AmzDate) throws(SigV4Error) -> QuerySignature {
        try request.validate()
        try payload.validate()
        guard expires >= 1, expires <= Self.maximumExpiry else {
            throw SigV4Error(.invalidExpiry, "X-Amz-Expires must be 1...\(Self.maximumExpiry) seconds, got \(expires)")
        }
        if let clash = request.query.first(where: { Self.authParameterNames.contains($0.name) }) {
            throw SigV4Error(.duplicateParameter, "the request already has the signing parameter \(ASCII.string(clash.name))")
        }
        let headers = CanonicalHeaders(lowercasedEntries: request.signableEntries)
        let day = today.state(for: date, signer: self)
        var auth: [QueryParameter] = [
            QueryParameter(name: Array("X-Amz-Algorithm".utf8), value: Array(SignatureMath.algorithm.utf8)),
            QueryParameter(name: Array("X-Amz-Credential".utf8), value: day.credential),
            QueryParameter(name: Array("X-Amz-Date".utf8), value: date.bytes),
            QueryParameter(name: Array("X-Amz-Expires".utf8), value: Array(String(expires).utf8)),
            QueryParameter(name: Array("X-Amz-SignedHeaders".utf8), value: headers.signedHeaders),
        ]
        let tokenParameter = credentials.sessionToken.map {
            QueryParameter(name: Array("X-Amz-Security-Token".utf8), value: Array($0.utf8))
        }
        if let tokenParameter, rules.signSessionToken { auth.append(tokenParameter) }

        var uri: [UInt8] = []
        rules.path.append(path: request.path, to: &uri)
        var query: [UInt8] = []
        CanonicalQuery.append(request.query + auth, to: &query)
        let canonical = SignatureMath.canonicalRequest(method: request.method, uri: uri, query: query,
                                                       headers: headers, payloadHash: payload.canonicalValue)
        let sts = SignatureMath.stringToSign(date: date, credentialScope: day.credentialScope, canonicalRequest: canonical)
        let signature = SignatureMath.signature(key: day.key, stringToSign: sts)

        if let tokenParameter, !rules.signSessionToken { auth.append(tokenParameter) }
        var out: [UInt8] = []
        out.reserveCapacity(query.count + 96)
        for p in request.query + auth {
            if !out.isEmpty { out.append(ASCII.ampersand) }
            p.appendEncoded(to: &out)
        }
        out.append(ascii: "&X-Amz-Signature=")
        out.append(contentsOf: signature)
        return QuerySignature(signature: ASCII.string(signature), signedHeaders: ASCII.string(headers.signedHeaders),
                              queryBytes: out, canonicalRequestBytes: canonical, stringToSignBytes: sts)
    }
}
