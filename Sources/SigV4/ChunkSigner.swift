import Crypto

/// Signatures of an S3 chunked upload (`Content-Encoding: aws-chunked`,
/// `x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`).
///
/// Each chunk's signature chains the previous one, starting from the seed signature of the
/// request headers:
///
///     AWS4-HMAC-SHA256-PAYLOAD \n date \n scope \n previous \n sha256("") \n sha256(chunk)
///
/// and an optional signed trailer ends the chain:
///
///     AWS4-HMAC-SHA256-TRAILER \n date \n scope \n last chunk signature \n sha256(trailer lines)
///
/// A sender calls `signChunk` for each chunk (ending with an empty one); a receiver calls
/// `verifyChunk` with the signature it read from the chunk header.
public struct ChunkSigner: Sendable {
    let key: HMACKey
    let date: AmzDate
    let credentialScope: [UInt8]
    /// The signature the next chunk chains from (the seed before the first chunk).
    public private(set) var previousSignature: [UInt8]

    init(key: HMACKey, date: AmzDate, credentialScope: [UInt8], seedSignature: [UInt8]) {
        self.key = key
        self.date = date
        self.credentialScope = credentialScope
        self.previousSignature = seedSignature
    }

    private static let emptyHash = Array("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".utf8)

    /// The signature of the next chunk (an empty chunk ends the body).
    public mutating func signChunk(_ data: some Collection<UInt8>) -> String {
        var sts: [UInt8] = []
        sts.reserveCapacity(256)
        sts.append(ascii: "AWS4-HMAC-SHA256-PAYLOAD\n")
        appendCommon(to: &sts)
        sts.append(contentsOf: Self.emptyHash)
        sts.append(ASCII.newline)
        HexEncoding.append(Digest.sha256(data), to: &sts)
        previousSignature = SignatureMath.signature(key: key, stringToSign: sts)
        return ASCII.string(previousSignature)
    }

    /// The signature of the trailing headers, given exactly as sent: `name:value\n` per header.
    public mutating func signTrailer(_ trailer: some Collection<UInt8>) -> String {
        var sts: [UInt8] = []
        sts.reserveCapacity(256)
        sts.append(ascii: "AWS4-HMAC-SHA256-TRAILER\n")
        appendCommon(to: &sts)
        HexEncoding.append(Digest.sha256(trailer), to: &sts)
        previousSignature = SignatureMath.signature(key: key, stringToSign: sts)
        return ASCII.string(previousSignature)
    }

    /// Checks a received chunk against the signature from its header and advances the chain.
    public mutating func verifyChunk(_ data: some Collection<UInt8>, signature: String) throws(SigV4Error) {
        var copy = self
        let expected = copy.signChunk(data)
        guard SignatureMath.constantTimeEqual(expected.utf8, signature.utf8) else {
            throw SigV4Error(.signatureMismatch, "chunk signature does not match")
        }
        self = copy
    }

    /// The chunk header line: `<size hex>;chunk-signature=<signature>\r\n`.
    public static func chunkHeader(size: Int, signature: String) -> String {
        "\(String(max(0, size), radix: 16));chunk-signature=\(signature)\r\n"
    }

    /// The `Content-Length` of an aws-chunked body (without trailers) carrying `decodedLength`
    /// bytes in chunks of `chunkSize` (the last one shorter), plus the final empty chunk.
    /// Nil for a negative length, a chunk size below 1, or sizes past 2^50 / 2^40 (S3 objects end at 5 TiB).
    public static func encodedContentLength(decodedLength: Int, chunkSize: Int) -> Int? {
        guard decodedLength >= 0, decodedLength <= 1 << 50, chunkSize > 0, chunkSize <= 1 << 40 else { return nil }
        // "<hex size>;chunk-signature=<64 hex>\r\n<data>\r\n"
        func framed(_ size: Int) -> Int { String(size, radix: 16).utf8.count + 17 + 64 + 2 + size + 2 }
        let full = decodedLength / chunkSize, rest = decodedLength % chunkSize
        return full * framed(chunkSize) + (rest > 0 ? framed(rest) : 0) + framed(0)
    }

    private func appendCommon(to sts: inout [UInt8]) {
        sts.append(contentsOf: date.bytes)
        sts.append(ASCII.newline)
        sts.append(contentsOf: credentialScope)
        sts.append(ASCII.newline)
        sts.append(contentsOf: previousSignature)
        sts.append(ASCII.newline)
    }
}

extension SigV4Signer {
    /// The chunk signer that continues a header signature made with `.streaming` or
    /// `.streamingWithTrailer` at `date`.
    public func chunkSigner(seed: HeaderSignature, at date: AmzDate) -> ChunkSigner {
        let day = today.state(for: date, signer: self)
        return ChunkSigner(key: day.key, date: date, credentialScope: day.credentialScope,
                           seedSignature: Array(seed.signature.utf8))
    }
}

extension SigV4Verifier {
    /// The chunk verifier for a verified streaming upload: its signature is the seed.
    public func chunkVerifier(for request: VerifiedRequest) throws(SigV4Error) -> ChunkSigner {
        guard let secret = secretFor(request.accessKeyId) else {
            throw SigV4Error(.unknownAccessKey, "unknown access key id \(request.accessKeyId.prefix(64).debugDescription)")
        }
        return ChunkSigner(key: keys.key(secret: secret, date: request.date, scope: scope), date: request.date,
                           credentialScope: scope.credentialScope(request.date), seedSignature: Array(request.signature.utf8))
    }
}
