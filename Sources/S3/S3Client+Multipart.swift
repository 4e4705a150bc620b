import HTTP
import HTTPClient
import SigV4

extension S3Client {
    /// CreateMultipartUpload: returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String? = nil) async throws(S3Error) -> String {
        var operation = Operation(name: "CreateMultipartUpload", method: .post, bucket: bucket, key: key,
                                  query: [QueryParameter("uploads", "")])
        if let contentType { operation.headers.append(("Content-Type", contentType)) }
        return try await perform(operation) { (response) async throws(S3Error) in
            let root = try await xmlBody(response, operation: "CreateMultipartUpload")
            guard let id = root.text(of: "UploadId"), !id.isEmpty else {
                throw S3Error(.malformedResponse, "CreateMultipartUpload: no UploadId in the answer")
            }
            return id
        }
    }

    /// UploadPart: part numbers run 1...10,000; every part but the last must be at least 5 MiB.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: S3Body) async throws(S3Error) -> S3CompletedPart {
        guard (1...10_000).contains(partNumber) else { throw S3Error(.invalidInput, "UploadPart: part number \(partNumber) outside 1...10000") }
        let operation = Operation(name: "UploadPart", method: .put, bucket: bucket, key: key,
                                  query: [QueryParameter("partNumber", String(partNumber)), QueryParameter("uploadId", uploadId)],
                                  body: body.operationBody)
        return try await perform(operation) { (response) async throws(S3Error) in
            try await discardBody(response, operation: "UploadPart")
            guard let eTag = response.headers["etag"] else { throw S3Error(.malformedResponse, "UploadPart: no ETag in the answer") }
            return S3CompletedPart(partNumber: partNumber, eTag: eTag)
        }
    }

    /// CompleteMultipartUpload with the parts in ascending part number order.
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String,
                                        parts: [S3CompletedPart]) async throws(S3Error) -> S3CompleteMultipartUploadOutput {
        let sorted = parts.sorted { $0.partNumber < $1.partNumber }
        let body = XMLWriter.document(XMLElement("CompleteMultipartUpload", attributes: [("xmlns", Self.xmlNamespace)],
                                                 children: sorted.map { part in
            XMLElement("Part", children: [XMLElement("PartNumber", text: String(part.partNumber)), XMLElement("ETag", text: part.eTag)])
        }))
        var operation = Operation(name: "CompleteMultipartUpload", method: .post, bucket: bucket, key: key,
                                  query: [QueryParameter("uploadId", uploadId)], body: .bytes(body), notFoundCode: .noSuchUpload)
        operation.headers.append(("Content-Type", "application/xml"))
        return try await perform(operation) { (response) async throws(S3Error) in
            let root = try await xmlBody(response, operation: "CompleteMultipartUpload")
            return S3CompleteMultipartUploadOutput(eTag: root.text(of: "ETag"), location: root.text(of: "Location"))
        }
    }

    /// AbortMultipartUpload: frees the parts uploaded so far.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws(S3Error) {
        let operation = Operation(name: "AbortMultipartUpload", method: .delete, bucket: bucket, key: key,
                                  query: [QueryParameter("uploadId", uploadId)], notFoundCode: .noSuchUpload)
        try await perform(operation) { (response) async throws(S3Error) in
            try await discardBody(response, operation: "AbortMultipartUpload")
        }
    }

    /// Uploads a stream of unknown length as a multipart upload, one part in memory at a time
    /// (so memory stays near `partSize`), each part signed and retried on its own. On any
    /// failure the upload is aborted and the error rethrown.
    @discardableResult
    public func uploadMultipart<S: AsyncSequence & Sendable>(bucket: String, key: String, partSize: Int = 8 * 1024 * 1024,
                                                             contentType: String? = nil,
                                                             from source: S) async throws(S3Error) -> S3CompleteMultipartUploadOutput
    where S.Element == [UInt8] {
        guard partSize >= 5 * 1024 * 1024 else { throw S3Error(.invalidInput, "parts must be at least 5 MiB, got \(partSize)") }
        let uploadId = try await createMultipartUpload(bucket: bucket, key: key, contentType: contentType)
        do throws(S3Error) {
            var parts: [S3CompletedPart] = []
            var buffer: [UInt8] = []
            buffer.reserveCapacity(partSize)
            var iterator = source.makeAsyncIterator()
            while true {
                let chunk: [UInt8]?
                do { chunk = try await iterator.next() } catch { throw S3Error(.invalidInput, "the upload source failed: \(error)") }
                if let chunk { buffer += chunk }
                // Full parts go as soon as they are complete; the remainder is the last part.
                while buffer.count >= partSize || (chunk == nil && !buffer.isEmpty) {
                    let size = min(partSize, buffer.count)
                    let part = Array(buffer[..<size])
                    buffer.removeFirst(size)
                    parts.append(try await uploadPart(bucket: bucket, key: key, uploadId: uploadId,
                                                      partNumber: parts.count + 1, body: .bytes(part)))
                }
                if chunk == nil { break }
            }
            if parts.isEmpty {
                // An empty source: S3 needs at least one (empty) part.
                parts.append(try await uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: 1, body: .bytes([])))
            }
            return try await completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: parts)
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId)
            throw error
        }
    }
}
