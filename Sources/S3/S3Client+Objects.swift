import WireCore
import Crypto
import HTTP
import HTTPClient
import SigV4

extension S3Client {
    /// PutObject. In-memory bodies are signed by their SHA-256 and, with `contentMD5`, carry a
    /// `Content-MD5` that S3 checks too. `metadata` becomes `x-amz-meta-*` headers.
    @discardableResult
    public func putObject(bucket: String, key: String, body: S3Body, contentType: String? = nil,
                          metadata: [String: String] = [:], contentMD5: Bool = false) async throws(S3Error) -> S3PutObjectOutput {
        var operation = Operation(name: "PutObject", method: .put, bucket: bucket, key: key, body: body.operationBody)
        if body.bytes == nil {
            // A stream waits for S3's 100 Continue, so a refusal (auth, bucket, size) comes before
            // the upload rather than after it. Not signed: `Expect` is hop-by-hop.
            operation.headers.append(("Expect", "100-continue"))
        }
        if let contentType { operation.headers.append(("Content-Type", contentType)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { operation.headers.append(("x-amz-meta-" + name, value)) }
        if contentMD5 {
            guard let bytes = body.bytes else {
                throw S3Error(.invalidInput, "PutObject: Content-MD5 is computed for in-memory bodies only")
            }
            operation.headers.append(("Content-MD5", Base64.encode(Digest.hash(.md5, bytes))))
        }
        return try await perform(operation) { (response) async throws(S3Error) in
            try await discardBody(response, operation: "PutObject")
            return S3PutObjectOutput(eTag: response.headers["etag"], versionId: response.headers["x-amz-version-id"])
        }
    }

    /// GetObject, optionally a range (answered 206). The body streams from the connection: read it
    /// to the end (or `collect` it) so the connection can be reused.
    public func getObject(bucket: String, key: String, range: S3Range? = nil) async throws(S3Error) -> S3Object {
        var operation = Operation(name: "GetObject", method: .get, bucket: bucket, key: key)
        if let range { operation.headers.append(("Range", range.headerValue)) }
        return try await perform(operation) { (response) async throws(S3Error) in
            S3Object(metadata: S3ObjectMetadata(response.headers), status: response.status.code, body: response.body)
        }
    }

    /// HeadObject: the metadata, or `noSuchKey`.
    public func headObject(bucket: String, key: String) async throws(S3Error) -> S3ObjectMetadata {
        let operation = Operation(name: "HeadObject", method: .head, bucket: bucket, key: key)
        return try await perform(operation) { (response) async throws(S3Error) in
            try await discardBody(response, operation: "HeadObject")
            return S3ObjectMetadata(response.headers)
        }
    }

    /// DeleteObject (S3 answers 204 whether or not the key existed).
    public func deleteObject(bucket: String, key: String) async throws(S3Error) {
        let operation = Operation(name: "DeleteObject", method: .delete, bucket: bucket, key: key)
        try await perform(operation) { (response) async throws(S3Error) in try await discardBody(response, operation: "DeleteObject") }
    }

    /// CopyObject: a server-side copy of `sourceBucket/sourceKey` to `bucket/key`.
    @discardableResult
    public func copyObject(sourceBucket: String, sourceKey: String, bucket: String, key: String) async throws(S3Error) -> S3CopyObjectOutput {
        try Self.validateBucket(sourceBucket)
        guard !sourceKey.isEmpty, sourceKey.utf8.count <= 1024 else { throw S3Error(.invalidInput, "CopyObject: source key must be 1...1024 bytes") }
        var operation = Operation(name: "CopyObject", method: .put, bucket: bucket, key: key)
        // The source is `bucket/key`, URL-encoded (the key keeps its slashes).
        let source = sourceBucket + "/" + String(decoding: URIEncoding.encode(sourceKey.utf8, keepSlash: true), as: UTF8.self)
        operation.headers.append(("x-amz-copy-source", source))
        return try await perform(operation) { (response) async throws(S3Error) in
            let root = try await xmlBody(response, operation: "CopyObject")
            return S3CopyObjectOutput(eTag: root.text(of: "ETag"), lastModified: root.text(of: "LastModified"))
        }
    }

    /// One ListObjectsV2 page (at most `maxKeys`, S3 caps it at 1,000). Keys are requested
    /// URL-encoded (`encoding-type=url`, so that any key survives XML) and decoded here.
    public func listObjectsV2(bucket: String, prefix: String? = nil, delimiter: String? = nil, maxKeys: Int? = nil,
                              continuationToken: String? = nil, startAfter: String? = nil) async throws(S3Error) -> S3ListObjectsPage {
        var query = [QueryParameter("list-type", "2"), QueryParameter("encoding-type", "url")]
        if let prefix { query.append(QueryParameter("prefix", prefix)) }
        if let delimiter { query.append(QueryParameter("delimiter", delimiter)) }
        if let maxKeys { query.append(QueryParameter("max-keys", String(maxKeys))) }
        if let continuationToken { query.append(QueryParameter("continuation-token", continuationToken)) }
        if let startAfter { query.append(QueryParameter("start-after", startAfter)) }
        let operation = Operation(name: "ListObjectsV2", method: .get, bucket: bucket, query: query, notFoundCode: .noSuchBucket)
        return try await perform(operation) { (response) async throws(S3Error) in
            let root = try await xmlBody(response, operation: "ListObjectsV2")
            return try Self.listPage(root)
        }
    }

    /// Every object under `prefix`, following continuation tokens page by page.
    public func listAllObjects(bucket: String, prefix: String? = nil, pageSize: Int? = nil) async throws(S3Error) -> [S3ObjectSummary] {
        var all: [S3ObjectSummary] = []
        var token: String? = nil
        repeat {
            let page = try await listObjectsV2(bucket: bucket, prefix: prefix, maxKeys: pageSize, continuationToken: token)
            all += page.objects
            token = page.isTruncated ? page.nextContinuationToken : nil
            if page.isTruncated && token == nil {
                throw S3Error(.malformedResponse, "ListObjectsV2: a truncated page without NextContinuationToken")
            }
        } while token != nil
        return all
    }

    static func listPage(_ root: XMLElement) throws(S3Error) -> S3ListObjectsPage {
        guard root.localName == "ListBucketResult" else {
            throw S3Error(.malformedResponse, "ListObjectsV2: expected ListBucketResult, got \(root.name)")
        }
        let urlEncoded = root.text(of: "EncodingType") == "url"
        func decoded(_ text: String) -> String {
            urlEncoded ? PercentEncoding.decode(text[...], plusAsSpace: true) : text
        }
        var objects: [S3ObjectSummary] = []
        for entry in root.children("Contents") {
            guard let key = entry.text(of: "Key"), let size = entry.text(of: "Size").flatMap({ Int($0) }) else {
                throw S3Error(.malformedResponse, "ListObjectsV2: an entry without Key or Size")
            }
            objects.append(S3ObjectSummary(key: decoded(key), size: size, eTag: entry.text(of: "ETag"),
                                           lastModified: entry.text(of: "LastModified"), storageClass: entry.text(of: "StorageClass")))
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.text(of: "Prefix") }.map(decoded)
        return S3ListObjectsPage(objects: objects, commonPrefixes: prefixes,
                                 isTruncated: root.text(of: "IsTruncated") == "true",
                                 nextContinuationToken: root.text(of: "NextContinuationToken"),
                                 keyCount: root.text(of: "KeyCount").flatMap { Int($0) })
    }
}
