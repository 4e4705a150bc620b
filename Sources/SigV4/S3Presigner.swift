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
    /// The session token, encoded once.
    private let encodedToken: [UInt8]?

    public init(credentials: Credentials, region: String, endpoint: S3Endpoint? = nil,
                style: S3AddressingStyle = .virtualHosted, keyCache: SigningKeyCache = .shared) throws(SigV4Error) {
        self.signer = try SigV4Signer(credentials: credentials, region: region, service: "s3", rules: .s3, keyCache: keyCache)
        if let endpoint { self.endpoint = endpoint } else { self.endpoint = try S3Endpoint.aws(region: region) }
        self.style = style
        self.encodedToken = credentials.sessionToken.map { URIEncoding.encode($0.utf8, keepSlash: false) }
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
        if let clash = query.first(where: { SigV4Signer.authParameterNames.contains($0.name) }) {
            throw SigV4Error(.duplicateParameter, "the request already has the signing parameter \(ASCII.string(clash.name))")
        }
        let extraHeaders = headers.filter { h in
            let lower = h.name.lowercased()
            return lower != "host" && !HTTPHeader.unsignable.contains(lower)
        }
        for h in extraHeaders { try h.validateForSigning() }

        let (host, path) = try S3ObjectAddress.bytes(bucket: bucket, key: key, endpoint: endpoint, style: style)

        // Signed headers: host alone, or host with the caller's headers in canonical form.
        let canonicalHeaders: [UInt8]
        let signedHeaders: [UInt8]
        if extraHeaders.isEmpty {
            canonicalHeaders = Array("host:".utf8) + host + [ASCII.newline]
            signedHeaders = Array("host".utf8)
        } else {
            let all = CanonicalHeaders([HTTPHeader("host", ASCII.string(host))] + extraHeaders)
            canonicalHeaders = all.block
            signedHeaders = all.signedHeaders
        }

        let day = signer.today.state(for: date, signer: signer)
        let auth = AuthParameters(encodedCredential: day.encodedCredential, date: date.bytes, expires: expires,
                                  encodedToken: encodedToken, signedHeaders: signedHeaders)

        // The canonical request.
        var canonical: [UInt8] = []
        canonical.reserveCapacity(path.count + canonicalHeaders.count + 400 + (encodedToken?.count ?? 0))
        canonical.append(utf8: method)
        canonical.append(ASCII.newline)
        canonical.append(contentsOf: path)
        canonical.append(ASCII.newline)
        var encodedQuery: [(name: [UInt8], value: [UInt8])] = []
        if query.isEmpty {
            auth.append(to: &canonical, botocoreOrder: false)
        } else {
            // Operation parameters sort among the X-Amz-* ones: sort them all as pairs.
            encodedQuery = query.map { (URIEncoding.encode($0.name, keepSlash: false), URIEncoding.encode($0.value, keepSlash: false)) }
            var authText: [UInt8] = []
            auth.append(to: &authText, botocoreOrder: false)
            let authPairs = authText.split(separator: ASCII.ampersand).map { pair -> (name: [UInt8], value: [UInt8]) in
                let eq = pair.firstIndex(of: ASCII.equals) ?? pair.endIndex
                return (Array(pair[..<eq]), Array(pair[eq...].dropFirst()))
            }
            let sorted = (encodedQuery + authPairs).sorted { a, b in
                a.name == b.name ? a.value.lexicographicallyPrecedes(b.value) : a.name.lexicographicallyPrecedes(b.name)
            }
            for (i, p) in sorted.enumerated() {
                if i > 0 { canonical.append(ASCII.ampersand) }
                canonical.append(contentsOf: p.name)
                canonical.append(ASCII.equals)
                canonical.append(contentsOf: p.value)
            }
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
        url.append(utf8: endpoint.scheme)
        url.append(ascii: "://")
        url.append(contentsOf: host)
        url.append(contentsOf: path)
        url.append(ASCII.question)
        for (name, value) in encodedQuery {
            url.append(contentsOf: name)
            url.append(ASCII.equals)
            url.append(contentsOf: value)
            url.append(ASCII.ampersand)
        }
        auth.append(to: &url, botocoreOrder: true)
        url.append(ascii: "&X-Amz-Signature=")
        HexEncoding.append(signature, to: &url)
        return url
    }

    /// The X-Amz-* parameters, written already encoded.
    private struct AuthParameters {
        let encodedCredential: [UInt8]
        let date: [UInt8]
        let expires: Int
        let encodedToken: [UInt8]?
        let signedHeaders: [UInt8]

        /// Canonical (sorted) order: Algorithm, Credential, Date, Expires, Security-Token,
        /// SignedHeaders. botocore's URL order puts SignedHeaders before Security-Token.
        func append(to out: inout [UInt8], botocoreOrder: Bool) {
            out.append(ascii: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=")
            out.append(contentsOf: encodedCredential)
            out.append(ascii: "&X-Amz-Date=")
            out.append(contentsOf: date)
            out.append(ascii: "&X-Amz-Expires=")
            S3Presigner.appendDecimal(expires, to: &out)
            if botocoreOrder {
                appendSignedHeaders(to: &out)
                appendToken(to: &out)
            } else {
                appendToken(to: &out)
                appendSignedHeaders(to: &out)
            }
        }

        private func appendToken(to out: inout [UInt8]) {
            guard let encodedToken else { return }
            out.append(ascii: "&X-Amz-Security-Token=")
            out.append(contentsOf: encodedToken)
        }

        private func appendSignedHeaders(to out: inout [UInt8]) {
            out.append(ascii: "&X-Amz-SignedHeaders=")
            URIEncoding.append(signedHeaders, keepSlash: false, to: &out)
        }
    }

    /// Decimal digits of a non-negative number, without building a String.
    fileprivate static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        let v = max(0, value)
        var divisor = 1
        while divisor <= v / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + v / divisor % 10))
            divisor /= 10
        }
    }

}
