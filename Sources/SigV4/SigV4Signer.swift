/// Signs requests for one set of credentials, region and service.
///
/// A value type: copy it freely between tasks. Signing keys come from a `SigningKeyCache`
/// (shared by default), so the four key-derivation HMACs run once per day, not per request.
public struct SigV4Signer: Sendable {
    public let credentials: Credentials
    public let scope: ServiceScope
    public let rules: SigningRules
    let keys: SigningKeyCache

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

        var replaced: Set<String> = ["x-amz-date"]
        if token != nil { replaced.insert("x-amz-security-token") }
        if rules.sendsContentSHA256Header { replaced.insert("x-amz-content-sha256") }
        var signed = request.signableHeaders.filter { !replaced.contains($0.lowercasedName) }
        var added: [HTTPHeader] = [HTTPHeader("X-Amz-Date", date.description)]
        if let token {
            added.append(HTTPHeader("X-Amz-Security-Token", token))
        }
        if rules.sendsContentSHA256Header {
            added.append(HTTPHeader("X-Amz-Content-SHA256", payloadHash))
        }
        for h in added where rules.signSessionToken || h.name != "X-Amz-Security-Token" {
            signed.append(h)
        }

        let headers = CanonicalHeaders(signed)
        var uri: [UInt8] = []
        rules.path.append(path: request.path, to: &uri)
        var query: [UInt8] = []
        CanonicalQuery.append(request.query, to: &query)
        let canonical = SignatureMath.canonicalRequest(method: request.method, uri: uri, query: query,
                                                       headers: headers, payloadHash: payloadHash)
        let credentialScope = scope.credentialScope(date)
        let sts = SignatureMath.stringToSign(date: date, credentialScope: credentialScope, canonicalRequest: canonical)
        let key = keys.key(secret: credentials.secretAccessKey, date: date, scope: scope)
        let signature = ASCII.string(SignatureMath.signature(key: key, stringToSign: sts))
        let signedHeaders = ASCII.string(headers.signedHeaders)
        let authorization = "\(SignatureMath.algorithm) Credential=\(credentials.accessKeyId)/\(ASCII.string(credentialScope)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        added.append(HTTPHeader("Authorization", authorization))
        return HeaderSignature(signature: signature, signedHeaders: signedHeaders, authorization: authorization,
                               headersToAdd: added, canonicalRequestBytes: canonical, stringToSignBytes: sts)
    }

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
        let headers = CanonicalHeaders(request.signableHeaders)
        let credentialScope = scope.credentialScope(date)

        var credential = Array(credentials.accessKeyId.utf8)
        credential.append(ASCII.slash)
        credential.append(contentsOf: credentialScope)
        var auth: [QueryParameter] = [
            QueryParameter(name: Array("X-Amz-Algorithm".utf8), value: Array(SignatureMath.algorithm.utf8)),
            QueryParameter(name: Array("X-Amz-Credential".utf8), value: credential),
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
        let sts = SignatureMath.stringToSign(date: date, credentialScope: credentialScope, canonicalRequest: canonical)
        let key = keys.key(secret: credentials.secretAccessKey, date: date, scope: scope)
        let signature = SignatureMath.signature(key: key, stringToSign: sts)

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
