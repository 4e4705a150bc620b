import HTTP
import HTTPClient

/// A request body for PutObject and UploadPart.
public struct S3Body: Sendable {
    let operationBody: S3Client.Operation.Body

    /// Bytes in memory: signed by SHA-256, and resent if a retry is needed.
    public static func bytes(_ bytes: [UInt8]) -> S3Body { S3Body(operationBody: .bytes(bytes)) }

    /// A stream of exactly `length` bytes (S3 needs the length up front: for unknown lengths use
    /// `uploadMultipart`). Sent with `UNSIGNED-PAYLOAD` unless `sha256Hex` (of the whole body) is
    /// given, in which case S3 checks it. A stream is sent once: failures are not retried.
    public static func stream<S: AsyncSequence & Sendable>(_ sequence: S, length: Int, sha256Hex: String? = nil) -> S3Body
    where S.Element == [UInt8] {
        S3Body(operationBody: .stream(length: length, sha256Hex: sha256Hex) { writer in
            for try await chunk in sequence { try await writer.write(chunk) }
        })
    }

    var bytes: [UInt8]? {
        if case .bytes(let b) = operationBody { return b }
        return nil
    }
}

/// Part of an object: `bytes=first-last`, the last `n` bytes, or everything from an offset.
public enum S3Range: Sendable, Hashable {
    case bytes(ClosedRange<Int>)
    case suffix(Int)
    case from(Int)

    var headerValue: String {
        switch self {
        case .bytes(let r): "bytes=\(r.lowerBound)-\(r.upperBound)"
        case .suffix(let n): "bytes=-\(n)"
        case .from(let n): "bytes=\(n)-"
        }
    }
}

/// What HeadObject and GetObject say about an object.
public struct S3ObjectMetadata: Sendable, Equatable {
    /// The bytes in this answer (the range's length for a ranged GET).
    public let contentLength: Int?
    public let contentType: String?
    /// As S3 sends it, quotes included.
    public let eTag: String?
    public let lastModified: String?
    public let versionId: String?
    /// `bytes first-last/total` for a ranged GET.
    public let contentRange: String?
    /// User metadata (`x-amz-meta-*`), names lowercased without the prefix.
    public let metadata: [String: String]

    init(_ headers: HTTPHeaders) {
        contentLength = headers["content-length"].flatMap { Int($0) }
        contentType = headers["content-type"]
        eTag = headers["etag"]
        lastModified = headers["last-modified"]
        versionId = headers["x-amz-version-id"]
        contentRange = headers["content-range"]
        var meta: [String: String] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix("x-amz-meta-") { meta[String(lower.dropFirst(11))] = value }
        }
        metadata = meta
    }
}

/// A GetObject answer: the metadata, and the body streaming from the connection.
public struct S3Object: Sendable {
    public let metadata: S3ObjectMetadata
    /// 200, or 206 for a range.
    public let status: Int
    public let body: HTTPClientResponse.Body

    /// Reads the whole body, failing past `maxBytes`.
    public func collect(upTo maxBytes: Int) async throws(S3Error) -> [UInt8] {
        do { return try await body.collect(upTo: maxBytes) } catch { throw S3Error(error) }
    }
}

public struct S3PutObjectOutput: Sendable, Equatable {
    public let eTag: String?
    public let versionId: String?
}

public struct S3CopyObjectOutput: Sendable, Equatable {
    public let eTag: String?
    public let lastModified: String?
}

/// One entry of a ListObjectsV2 page.
public struct S3ObjectSummary: Sendable, Equatable {
    public let key: String
    public let size: Int
    public let eTag: String?
    public let lastModified: String?
    public let storageClass: String?
}

/// One ListObjectsV2 page.
public struct S3ListObjectsPage: Sendable, Equatable {
    public let objects: [S3ObjectSummary]
    /// With a delimiter: the "folders" at this level.
    public let commonPrefixes: [String]
    public let isTruncated: Bool
    /// Pass to the next call to get the next page; nil on the last page.
    public let nextContinuationToken: String?
    public let keyCount: Int?
}

/// A part uploaded to a multipart upload: what CompleteMultipartUpload needs.
public struct S3CompletedPart: Sendable, Equatable {
    public let partNumber: Int
    public let eTag: String

    public init(partNumber: Int, eTag: String) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

public struct S3CompleteMultipartUploadOutput: Sendable, Equatable {
    public let eTag: String?
    public let location: String?
}
