import Crypto

/// What a verified request was signed with, for the caller's authorisation decision.
public struct VerifiedRequest: Sendable, Hashable {
    public let accessKeyId: String
    public let date: AmzDate
    /// Presigned requests only: seconds of validity from `date`.
    public let expires: Int?
    /// Lowercase names of the signed headers.
    public let signedHeaders: [String]
    /// The `X-Amz-Security-Token` sent, if any (signed unless `rules.signSessionToken` is off). Not
    /// checked here: with temporary credentials the caller must check that it belongs to
    /// `accessKeyId`.
    public let sessionToken: String?
    /// The payload line that was signed (`UNSIGNED-PAYLOAD`, a SHA-256, `STREAMING-...`): a
    /// server must still check a SHA-256 against the body it receives.
    public let payloadHash: String
    /// The signature, which seeds the chunk signatures of a streaming upload.
    public let signature: String
}

/// Checks SigV4-signed requests on the receiving side and says which check failed.
///
/// Checks run in this order, each with its own `SigV4Error.Code`: structure (malformed* /
/// missingParameter / duplicateParameter / unsupportedAlgorithm), scope (credentialDateMismatch,
/// wrongRegion, wrongService), time (lifetimeTooLong, notYetValid, expired), headers
/// (hostNotSigned, signedHeaderMissing, headerNotSigned), key (unknownAccessKey), and last the
/// signature (methodMismatch when the signature is right for another method, else
/// signatureMismatch). A wrong secret and a tampered signature are the same event for a verifier:
/// both are signatureMismatch.
public struct SigV4Verifier: Sendable {
    /// Secret access key by access key id; nil when the id is unknown.
    public typealias SecretLookup = @Sendable (String) -> String?

    public let scope: ServiceScope
    public let rules: SigningRules
    /// How far a request's date may be ahead of the verifier's clock (and, for header-signed
    /// requests, behind it). AWS uses 15 minutes.
    public var clockSkew: Int64 = 900
    /// The longest presigned lifetime accepted; SigV4 caps it at 7 days.
    public var maximumExpiry: Int = SigV4Signer.maximumExpiry
    /// Refuse requests carrying `x-amz-*` headers that were not signed (S3's HeadersNotSigned).
    public var requireAmzHeadersSigned = true
    /// Limits on what is parsed from an untrusted request.
    public var maximumTargetLength = 16_384
    public var maximumQueryParameters = 256
    public var maximumHeaders = 256

    let secretFor: SecretLookup
    let keys: SigningKeyCache

    public init(scope: ServiceScope, rules: SigningRules, keyCache: SigningKeyCache = .shared,
                secretFor: @escaping SecretLookup) {
        self.scope = scope
        self.rules = rules
        self.keys = keyCache
        self.secretFor = secretFor
    }

    // MARK: Presigned

    /// Verifies a presigned request as received: method, request target (`/path?query`),
    /// headers (with `Host`). `now` is the verifier's clock.
    public func verifyPresigned(method: String, target: String, headers: [HTTPHeader], payload: Payload = .unsigned,
                                now: AmzDate) throws(SigV4Error) -> VerifiedRequest {
        let (path, rawQuery) = try splitTarget(target)
        let parameters = try QueryParameter.parse(rawQuery, limit: maximumQueryParameters)
        var auth: [String: [UInt8]] = [:]
        var signed: [QueryParameter] = []
        for p in parameters {
            if SigV4Signer.authParameterNames.contains(p.name) {
                let name = ASCII.string(p.name)
                guard auth[name] == nil else { throw SigV4Error(.duplicateParameter, "\(name) appears twice") }
                auth[name] = p.value
            }
            if p.name.elementsEqual("X-Amz-Signature".utf8) { continue }
            // Services that attach the token after signing leave it out of the canonical query.
            if !rules.signSessionToken && p.name.elementsEqual("X-Amz-Security-Token".utf8) { continue }
            signed.append(p)
        }
        func required(_ name: String) throws(SigV4Error) -> [UInt8] {
            guard let v = auth[name] else { throw SigV4Error(.missingParameter, "presigned request lacks \(name)") }
            return v
        }
        guard try required("X-Amz-Algorithm").elementsEqual(SignatureMath.algorithm.utf8) else {
            throw SigV4Error(.unsupportedAlgorithm, "X-Amz-Algorithm is not AWS4-HMAC-SHA256")
        }
        let (id, credentialDate, region, service) = try SignatureClaim.parseCredential(try required("X-Amz-Credential"))
        let date = try AmzDate(parsing: try required("X-Amz-Date"))
        let expiresText = try required("X-Amz-Expires")
        let names = try SignatureClaim.parseSignedHeaders(try required("X-Amz-SignedHeaders"), limit: maximumHeaders)
        let signature = try required("X-Amz-Signature")
        try SignatureClaim.checkSignatureFormat(signature)
        let claim = SignatureClaim(accessKeyId: id, credentialDate: credentialDate, region: region, service: service,
                                   signedHeaders: names, signature: signature)
        try checkScope(claim, date: date)

        guard !expiresText.isEmpty, expiresText.count <= 10, expiresText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let expires = Int(ASCII.string(expiresText)), expires >= 1 else {
            throw SigV4Error(.malformedExpires, "X-Amz-Expires must be a positive number of seconds")
        }
        let skew = boundedSkew
        guard expires <= maximumExpiry else {
            throw SigV4Error(.lifetimeTooLong, "X-Amz-Expires=\(expires) exceeds the \(maximumExpiry)-second maximum")
        }
        if date.secondsSinceEpoch > now.secondsSinceEpoch + skew {
            throw SigV4Error(.notYetValid, "request is dated \(date), ahead of \(now) by more than \(skew)s")
        }
        if now.secondsSinceEpoch > date.secondsSinceEpoch + Int64(expires) {
            throw SigV4Error(.expired, "request signed at \(date) for \(expires)s expired before \(now)")
        }
        let token = auth["X-Amz-Security-Token"].map { ASCII.string($0) }
        return try checkSignature(claim, method: method, path: path, query: signed, headers: headers,
                                  payloadHash: payload.canonicalValue, date: date, expires: expires, sessionToken: token)
    }

    /// Verifies a full presigned URL (`https://host/path?query`); `Host` is taken from the URL.
    public func verifyPresignedURL(_ url: String, method: String, headers: [HTTPHeader] = [],
                                   now: AmzDate) throws(SigV4Error) -> VerifiedRequest {
        let parsed = try PresignedURL(url, maximumLength: maximumTargetLength)
        var all = headers.filter { $0.name.lowercased() != "host" }
        all.append(HTTPHeader("host", parsed.authority))
        return try verifyPresigned(method: method, target: parsed.target, headers: all, now: now)
    }

    // MARK: Authorization header

    /// Verifies a header-signed request. `payload` is what the server knows of the body
    /// (`.bytes(body)`, `.sha256Hex`...); nil takes the claimed `x-amz-content-sha256` header,
    /// which S3 requires and checks against the body later.
    public func verifyAuthorization(method: String, target: String, headers: [HTTPHeader], payload: Payload?,
                                    now: AmzDate) throws(SigV4Error) -> VerifiedRequest {
        guard headers.count <= maximumHeaders else { throw SigV4Error(.limitExceeded, "more than \(maximumHeaders) headers") }
        let (path, rawQuery) = try splitTarget(target)
        let parameters = try QueryParameter.parse(rawQuery, limit: maximumQueryParameters)
        func single(_ name: String) throws(SigV4Error) -> String? {
            let found = headers.filter { $0.name.lowercased() == name }
            guard found.count <= 1 else { throw SigV4Error(.duplicateParameter, "\(name) header appears \(found.count) times") }
            return found.first?.value
        }
        guard let authorization = try single("authorization") else {
            throw SigV4Error(.missingParameter, "no Authorization header")
        }
        let claim = try AuthorizationHeader.parse(authorization, signedHeaderLimit: maximumHeaders)
        guard let dateText = try single("x-amz-date") else {
            throw SigV4Error(.missingParameter, "no X-Amz-Date header")
        }
        let date = try AmzDate(parsing: Array(dateText.utf8))
        try checkScope(claim, date: date)
        let skew = boundedSkew
        if date.secondsSinceEpoch > now.secondsSinceEpoch + skew {
            throw SigV4Error(.notYetValid, "request is dated \(date), ahead of \(now) by more than \(skew)s")
        }
        if now.secondsSinceEpoch > date.secondsSinceEpoch + skew {
            throw SigV4Error(.expired, "request dated \(date) is older than \(skew)s at \(now)")
        }
        let payloadHash: String
        if let payload {
            try payload.validate()
            payloadHash = payload.canonicalValue
        } else if let claimed = try single("x-amz-content-sha256") {
            payloadHash = claimed
        } else {
            throw SigV4Error(.missingPayloadHash, "no payload given and no x-amz-content-sha256 header")
        }
        let token = try single("x-amz-security-token")
        return try checkSignature(claim, method: method, path: path, query: parameters, headers: headers,
                                  payloadHash: payloadHash, date: date, expires: nil, sessionToken: token)
    }

    // MARK: Shared checks

    /// The configured skew within 0 ... 1 year, so date arithmetic cannot overflow.
    private var boundedSkew: Int64 { min(max(clockSkew, 0), 31_536_000) }

    private func splitTarget(_ target: String) throws(SigV4Error) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        let bytes = Array(target.utf8)
        guard bytes.count <= maximumTargetLength else {
            throw SigV4Error(.limitExceeded, "request target longer than \(maximumTargetLength) bytes")
        }
        guard let q = bytes.firstIndex(of: ASCII.question) else { return (bytes[...], []) }
        return (bytes[..<q], bytes[(q + 1)...])
    }

    private func checkScope(_ claim: SignatureClaim, date: AmzDate) throws(SigV4Error) {
        guard claim.credentialDate.elementsEqual(date.dateStamp) else {
            throw SigV4Error(.credentialDateMismatch, "credential scope date \(ASCII.string(claim.credentialDate)) is not the date of \(date)")
        }
        guard claim.region == scope.region else {
            throw SigV4Error(.wrongRegion, "signed for region \(claim.region.prefix(64).debugDescription), this is \(scope.region)")
        }
        guard claim.service == scope.service else {
            throw SigV4Error(.wrongService, "signed for service \(claim.service.prefix(64).debugDescription), this is \(scope.service)")
        }
    }

    private func checkSignature(_ claim: SignatureClaim, method: String, path: ArraySlice<UInt8>, query: [QueryParameter],
                                headers: [HTTPHeader], payloadHash: String, date: AmzDate, expires: Int?,
                                sessionToken: String?) throws(SigV4Error) -> VerifiedRequest {
        guard headers.count <= maximumHeaders else { throw SigV4Error(.limitExceeded, "more than \(maximumHeaders) headers") }
        let signedNames = Set(claim.signedHeaders.map { ASCII.string($0) })
        guard signedNames.contains("host") else { throw SigV4Error(.hostNotSigned, "the host header is not signed") }
        var present = Set<String>()
        var selected: [HTTPHeader] = []
        for h in headers {
            let lower = h.name.lowercased()
            present.insert(lower)
            if signedNames.contains(lower) {
                selected.append(h)
            } else if requireAmzHeadersSigned && lower.hasPrefix("x-amz-") {
                throw SigV4Error(.headerNotSigned, "header \(lower.prefix(64)) is present but not signed")
            }
        }
        if let missing = signedNames.sorted().first(where: { !present.contains($0) }) {
            throw SigV4Error(.signedHeaderMissing, "signed header \(missing.prefix(64)) is not in the request")
        }
        guard let secret = secretFor(claim.accessKeyId) else {
            throw SigV4Error(.unknownAccessKey, "unknown access key id \(claim.accessKeyId.prefix(64).debugDescription)")
        }
        let key = keys.key(secret: secret, date: date, scope: scope)
        let canonicalHeaders = CanonicalHeaders(selected)
        var uri: [UInt8] = []
        rules.path.append(path: path, to: &uri)
        var canonicalQuery: [UInt8] = []
        CanonicalQuery.append(query, to: &canonicalQuery)
        let credentialScope = scope.credentialScope(date)

        func expected(for method: String) -> [UInt8] {
            let canonical = SignatureMath.canonicalRequest(method: method, uri: uri, query: canonicalQuery,
                                                           headers: canonicalHeaders, payloadHash: payloadHash)
            let sts = SignatureMath.stringToSign(date: date, credentialScope: credentialScope, canonicalRequest: canonical)
            return SignatureMath.signature(key: key, stringToSign: sts)
        }
        guard SignatureMath.constantTimeEqual(expected(for: method), claim.signature) else {
            // Only on failure: name the method the signature was made for, the usual cause of a
            // presigned PUT URL "not working" when opened in a browser.
            for other in ["GET", "PUT", "HEAD", "POST", "DELETE"] where other != method {
                if SignatureMath.constantTimeEqual(expected(for: other), claim.signature) {
                    throw SigV4Error(.methodMismatch, "signature is valid for \(other), request method is \(method.prefix(16))")
                }
            }
            // The hash (not the text, which may hold a session token) lets a client compare
            // with the canonical request it hashed.
            let canonical = SignatureMath.canonicalRequest(method: method, uri: uri, query: canonicalQuery,
                                                           headers: canonicalHeaders, payloadHash: payloadHash)
            throw SigV4Error(.signatureMismatch,
                             "signature does not match; our canonical request hashes to \(HexEncoding.string(Digest.sha256(canonical)))")
        }
        return VerifiedRequest(accessKeyId: claim.accessKeyId, date: date, expires: expires,
                               signedHeaders: claim.signedHeaders.map { ASCII.string($0) }, sessionToken: sessionToken,
                               payloadHash: payloadHash, signature: ASCII.string(claim.signature))
    }
}
