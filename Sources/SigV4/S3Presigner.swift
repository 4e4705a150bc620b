/// Presigned S3 URLs: what `generate_presigned_url` does in botocore, byte for byte.
///
/// The URL is `scheme://host/path?<query parameters>&X-Amz-Algorithm=...&X-Amz-Signature=...`,
/// signed with `UNSIGNED-PAYLOAD`, the path used verbatim (S3 rules), and only `host` plus the
/// caller's extra headers signed.
public struct S3Presigner: Sendable {
    public let signer: SigV4Signer
    public let endpoint: S3Endpoint
    public let style: S3AddressingStyle

    public init(credentials: Credentials, region: String, endpoint: S3Endpoint? = nil,
                style: S3AddressingStyle = .virtualHosted, keyCache: SigningKeyCache = .shared) throws(SigV4Error) {
        self.signer = try SigV4Signer(credentials: credentials, region: region, service: "s3", rules: .s3, keyCache: keyCache)
        if let endpoint { self.endpoint = endpoint } else { self.endpoint = try S3Endpoint.aws(region: region) }
        self.style = style
    }

    /// - Parameters:
    ///   - query: operation parameters (`versionId`, `response-content-disposition`, `partNumber`...),
    ///     decoded, in the order they should appear.
    ///   - headers: headers the URL's user must send with exactly these values (`Content-Type`,
    ///     `x-amz-meta-*`, `Range`...); they become signed headers.
    public func presignedURL(method: String, bucket: String, key: String, expires: Int, at date: AmzDate,
                             query: [QueryParameter] = [], headers: [HTTPHeader] = []) throws(SigV4Error) -> String {
        let address = try S3ObjectAddress(bucket: bucket, key: key, endpoint: endpoint, style: style)
        var allHeaders = [HTTPHeader("host", address.host)]
        allHeaders.append(contentsOf: headers.filter { $0.name.lowercased() != "host" })
        let request = SignableRequest(method: method, path: address.path, query: query, headers: allHeaders)
        let signed = try signer.presign(request, expires: expires, payload: .unsigned, at: date)
        var url: [UInt8] = []
        url.reserveCapacity(endpoint.scheme.utf8.count + address.host.utf8.count + address.path.count + signed.queryBytes.count + 5)
        url.append(utf8: endpoint.scheme)
        url.append(ascii: "://")
        url.append(utf8: address.host)
        url.append(contentsOf: address.path)
        url.append(ASCII.question)
        url.append(contentsOf: signed.queryBytes)
        return ASCII.string(url)
    }
}

extension SignableRequest {
    init(method: String, path: [UInt8], query: [QueryParameter], headers: [HTTPHeader]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}
