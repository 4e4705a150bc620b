import HTTP
import HTTPClient
import SigV4
import Transport

/// An S3 client on our HTTP client, signing every request with SigV4 (Authorization header).
///
/// ```swift
/// let s3 = try S3Client(configuration: S3Configuration(
///     endpoint: try S3Endpoint(scheme: "http", host: "127.0.0.1", port: 4566), region: "us-east-1",
///     credentials: Credentials(accessKeyId: "test", secretAccessKey: "test")))
/// try await s3.createBucket("photos")
/// try await s3.putObject(bucket: "photos", key: "a b.jpg", body: .bytes(jpeg), contentType: "image/jpeg")
/// let object = try await s3.getObject(bucket: "photos", key: "a b.jpg", range: .bytes(0...99))
/// ```
///
/// Failures are `S3Error`s: S3's XML error bodies become typed codes with S3's message and
/// request id. Retriable failures (5xx, throttling, dropped connections) are retried with
/// exponential backoff when the request body can be sent again (always, except for streams).
public final class S3Client: Sendable {
    public let configuration: S3Configuration
    let http: HTTPClient
    private let ownsHTTPClient: Bool
    let signer: SigV4Signer

    /// Uses `httpClient` when given (its pools are shared with other users), else makes its own.
    public init(configuration: S3Configuration, httpClient: HTTPClient? = nil) throws(S3Error) {
        self.configuration = configuration
        do {
            signer = try SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3", rules: .s3)
        } catch {
            throw S3Error(.signingFailed, error.description)
        }
        if let httpClient {
            http = httpClient
            ownsHTTPClient = false
        } else {
            var httpConfiguration = HTTPClientConfiguration()
            httpConfiguration.requestTimeout = configuration.requestTimeout
            // S3 retries itself, with backoff, on a fresh signature.
            httpConfiguration.maxRetries = 1
            http = HTTPClient(configuration: httpConfiguration)
            ownsHTTPClient = true
        }
    }

    /// Shuts down the HTTP client if this S3 client made it.
    public func shutdown() {
        if ownsHTTPClient { http.shutdown() }
    }

    // MARK: one operation

    /// One S3 request before signing.
    struct Operation: Sendable {
        var name: String
        var method: HTTPMethod
        var bucket: String
        var key: String?
        /// Decoded query parameters (subresources like `uploads` have an empty value).
        var query: [QueryParameter] = []
        var headers: [(name: String, value: String)] = []
        var body: Body = .empty
        /// What a 404 without an error body means (HEAD answers have no body).
        var notFoundCode: S3Error.Code = .noSuchKey

        enum Body: Sendable {
            case empty
            /// In memory: its SHA-256 is signed, and it can be sent again on a retry.
            case bytes([UInt8])
            /// Streamed once, with `UNSIGNED-PAYLOAD` unless the caller knows the SHA-256.
            case stream(length: Int, sha256Hex: String?, write: @Sendable (HTTPClientRequest.Body.Writer) async throws -> Void)
        }

        var isReplayable: Bool {
            if case .stream = body { return false }
            return true
        }
    }

    /// Sends `operation` (retrying as allowed) and hands the 2xx response to `handle`, whose own
    /// retriable errors (S3 answering 200 with an error body) are retried the same way.
    func perform<T: Sendable>(_ operation: Operation,
                              _ handle: (HTTPClientResponse) async throws(S3Error) -> T) async throws(S3Error) -> T {
        var backoff = configuration.backoff
        var attempt = 1
        while true {
            do {
                let response = try await sendOnce(operation)
                return try await handle(response)
            } catch {
                guard error.isRetriable, operation.isReplayable, attempt < configuration.maxAttempts else { throw error }
                attempt += 1
                do {
                    try await EventLoop.shared.sleep(until: .after(backoff.nextDelay()))
                } catch {
                    throw S3Error(.httpFailure, "\(operation.name): cancelled while waiting to retry")
                }
            }
        }
    }

    /// One signed exchange; non-2xx answers become `S3Error`s.
    private func sendOnce(_ operation: Operation) async throws(S3Error) -> HTTPClientResponse {
        let request = try signedRequest(operation)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw S3Error(.httpFailure, "\(operation.name): \(error.description)", serviceCode: nil, requestId: nil,
                          status: nil, transportRetriable: error.isRetriable)
        }
        guard response.status.isSuccess else {
            throw await errorFrom(response, operation: operation)
        }
        return response
    }

    /// The HTTP request for `operation`, signed now.
    func signedRequest(_ operation: Operation) throws(S3Error) -> HTTPClientRequest {
        let (host, path) = try address(bucket: operation.bucket, key: operation.key)
        var signable = [HTTPHeader("Host", host)]
        for h in operation.headers { signable.append(HTTPHeader(h.name, h.value)) }
        let payload: Payload
        let body: HTTPClientRequest.Body
        switch operation.body {
        case .empty:
            payload = .empty
            body = .empty
        case .bytes(let bytes):
            payload = .bytes(bytes)
            body = .bytes(bytes)
        case .stream(let length, let sha256Hex, let write):
            payload = sha256Hex.map { .sha256Hex($0) } ?? .unsigned
            body = .stream(length: length, write)
        }
        let signed: HeaderSignature
        do {
            let date = try AmzDate(secondsSinceEpoch: configuration.clock())
            signed = try signer.signHeaders(SignableRequest(method: operation.method.rawValue, encodedPath: path,
                                                            query: operation.query, headers: signable),
                                            payload: payload, at: date)
        } catch {
            throw S3Error(.signingFailed, "\(operation.name): \(error.description)")
        }
        var headers = HTTPHeaders()
        for h in signable { headers.add(name: h.name, value: h.value) }
        for h in signed.headersToAdd { headers.add(name: h.name, value: h.value) }
        var target = String(decoding: path, as: UTF8.self)
        if !operation.query.isEmpty {
            target += "?" + operation.query.map { p in
                let name = String(decoding: URIEncoding.encode(p.name, keepSlash: false), as: UTF8.self)
                return p.value.isEmpty ? name : name + "=" + String(decoding: URIEncoding.encode(p.value, keepSlash: false), as: UTF8.self)
            }.joined(separator: "&")
        }
        let url: HTTPClientURL
        do {
            let endpoint = configuration.endpoint
            var connectHost = endpoint.host
            if connectHost.hasPrefix("[") && connectHost.hasSuffix("]") { connectHost = String(connectHost.dropFirst().dropLast()) }
            if configuration.addressingStyle == .virtualHosted { connectHost = operation.bucket + "." + connectHost }
            url = try HTTPClientURL(scheme: endpoint.scheme == "https" ? .https : .http, host: connectHost,
                                    port: endpoint.port, target: target)
        } catch {
            throw S3Error(.invalidInput, "\(operation.name): \(error.message)")
        }
        var request = HTTPClientRequest(method: operation.method, url: url, headers: headers, body: body)
        request.timeout = configuration.requestTimeout
        return request
    }

    /// The Host header and the encoded path of a bucket (no key) or an object.
    func address(bucket: String, key: String?) throws(S3Error) -> (host: String, path: [UInt8]) {
        try Self.validateBucket(bucket)
        if let key {
            do {
                let a = try S3ObjectAddress(bucket: bucket, key: key, endpoint: configuration.endpoint, style: configuration.addressingStyle)
                return (a.host, a.path)
            } catch {
                throw S3Error(.invalidInput, error.description)
            }
        }
        let endpoint = configuration.endpoint
        var host = endpoint.host
        if let port = endpoint.port, !(endpoint.scheme == "https" && port == 443), !(endpoint.scheme == "http" && port == 80) {
            host += ":\(port)"
        }
        switch configuration.addressingStyle {
        case .path:
            return (host, [UInt8(ascii: "/")] + URIEncoding.encode(bucket.utf8, keepSlash: false))
        case .virtualHosted:
            return (bucket + "." + host, [UInt8(ascii: "/")])
        }
    }

    /// S3's naming rules, checked before anything is sent: 3-63 of `a-z 0-9 . -`.
    static func validateBucket(_ bucket: String) throws(S3Error) {
        let b = Array(bucket.utf8)
        guard (3...63).contains(b.count), b.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }),
              let first = b.first, let last = b.last, first != 0x2E, first != 0x2D, last != 0x2E, last != 0x2D else {
            throw S3Error(.invalidInput, "invalid bucket name \(bucket.debugDescription): 3-63 characters of a-z, 0-9, '.', '-'")
        }
    }

    // MARK: errors

    /// The typed error for a non-2xx answer: S3's XML error body when there is one, else the status.
    private func errorFrom(_ response: HTTPClientResponse, operation: Operation) async -> S3Error {
        let status = response.status.code
        let headerRequestId = response.headers["x-amz-request-id"]
        let body: [UInt8]
        do {
            body = try await response.collect(upTo: 64 * 1024)
        } catch {
            return S3Error(.httpFailure, "\(operation.name): HTTP \(status), then reading the error body failed: \(error)",
                           serviceCode: nil, requestId: headerRequestId, status: status, transportRetriable: error.isRetriable)
        }
        if let root = try? XMLReader().parse(body), root.localName == "Error" {
            return Self.serviceError(root, status: status, fallbackRequestId: headerRequestId)
        }
        let code: S3Error.Code
        switch status {
        case 404: code = operation.notFoundCode
        case 403: code = .accessDenied
        case 412: code = .preconditionFailed
        case 416: code = .invalidRange
        case 503: code = .serviceUnavailable
        case 500: code = .internalError
        default: code = .unexpectedStatus
        }
        return S3Error(code, "\(operation.name): HTTP \(response.status)", serviceCode: nil, requestId: headerRequestId, status: status)
    }

    static func serviceError(_ root: XMLElement, status: Int, fallbackRequestId: String?) -> S3Error {
        S3Error.service(code: root.text(of: "Code") ?? "Unknown", message: root.text(of: "Message") ?? "",
                        requestId: root.text(of: "RequestId") ?? fallbackRequestId, status: status)
    }

    /// Reads a 2xx XML answer. S3 may answer CopyObject and CompleteMultipartUpload with 200 and
    /// an `<Error>` body when it fails after sending the status: that is an error too.
    func xmlBody(_ response: HTTPClientResponse, operation: String) async throws(S3Error) -> XMLElement {
        let bytes: [UInt8]
        do {
            bytes = try await response.collect(upTo: configuration.maxResponseXMLBytes)
        } catch {
            throw S3Error(.httpFailure, "\(operation): reading the response: \(error)", serviceCode: nil,
                          requestId: response.headers["x-amz-request-id"], status: response.status.code,
                          transportRetriable: error.isRetriable)
        }
        let root = try XMLReader(limits: XMLReader.Limits(maxInputBytes: configuration.maxResponseXMLBytes)).parse(bytes)
        if root.localName == "Error" {
            throw Self.serviceError(root, status: response.status.code, fallbackRequestId: response.headers["x-amz-request-id"])
        }
        return root
    }

    /// Drops a 2xx body we do not need, so the connection goes back to the pool.
    func discardBody(_ response: HTTPClientResponse, operation: String) async throws(S3Error) {
        do {
            _ = try await response.collect(upTo: configuration.maxResponseXMLBytes)
        } catch {
            throw S3Error(error)
        }
    }
}
