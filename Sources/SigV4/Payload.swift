import Crypto

/// What the last line of the canonical request says about the body.
public enum Payload: Sendable, Hashable {
    /// The body itself; its SHA-256 is signed.
    case bytes([UInt8])
    /// A SHA-256 the caller already computed (64 lowercase hex digits).
    case sha256Hex(String)
    /// `UNSIGNED-PAYLOAD`: S3 over TLS, and every presigned S3 URL.
    case unsigned
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: an aws-chunked body whose chunks are signed.
    case streaming
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks plus signed trailers.
    case streamingWithTrailer
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks, unsigned trailer.
    case streamingUnsignedWithTrailer

    public static let empty = Payload.bytes([])
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The text placed on the canonical request's last line (and in `x-amz-content-sha256`).
    public var canonicalValue: String {
        switch self {
        case .bytes(let body): body.isEmpty ? Self.emptySHA256 : HexEncoding.string(Digest.sha256(body))
        case .sha256Hex(let hex): hex
        case .unsigned: "UNSIGNED-PAYLOAD"
        case .streaming: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        case .streamingWithTrailer: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        case .streamingUnsignedWithTrailer: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        }
    }

    func validate() throws(SigV4Error) {
        if case .sha256Hex(let hex) = self, !HexEncoding.isLowercaseHex(hex.utf8, count: 64) {
            throw SigV4Error(.invalidHeader, "payload hash must be 64 lowercase hex digits, got \(hex.prefix(80).debugDescription)")
        }
    }
}
