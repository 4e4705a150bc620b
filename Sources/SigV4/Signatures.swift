/// The result of signing with an `Authorization` header.
public struct HeaderSignature: Sendable {
    /// 64 lowercase hex digits.
    public let signature: String
    /// `host;x-amz-date;...`.
    public let signedHeaders: String
    /// `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
    public let authorization: String
    /// What to add to the request, replacing any header of the same name: `X-Amz-Date`,
    /// `X-Amz-Security-Token` (with a session token), `X-Amz-Content-SHA256` (S3), `Authorization`.
    public let headersToAdd: [HTTPHeader]
    let canonicalRequestBytes: [UInt8]
    let stringToSignBytes: [UInt8]

    /// The canonical request that was hashed, for debugging a SignatureDoesNotMatch.
    public var canonicalRequest: String { ASCII.string(canonicalRequestBytes) }
    public var stringToSign: String { ASCII.string(stringToSignBytes) }
}

/// The result of query (presigned) signing.
public struct QuerySignature: Sendable {
    public let signature: String
    public let signedHeaders: String
    /// The whole query string to send, without `?`: the request's own parameters in their
    /// order, then `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`, `-SignedHeaders`,
    /// `-Security-Token` and last `X-Amz-Signature` (botocore's order).
    public let queryBytes: [UInt8]
    let canonicalRequestBytes: [UInt8]
    let stringToSignBytes: [UInt8]

    public var queryString: String { ASCII.string(queryBytes) }
    public var canonicalRequest: String { ASCII.string(canonicalRequestBytes) }
    public var stringToSign: String { ASCII.string(stringToSignBytes) }
}
