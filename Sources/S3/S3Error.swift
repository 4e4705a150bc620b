import HTTPClient

/// The one error type of the S3 client: an error S3 answered (its XML `<Error>` body, or the
/// status of a bodiless HEAD), or a failure on our side.
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        // S3's own error codes (the `<Code>` element), the ones callers branch on.
        case noSuchBucket = "NoSuchBucket"
        case noSuchKey = "NoSuchKey"
        case noSuchUpload = "NoSuchUpload"
        case bucketAlreadyExists = "BucketAlreadyExists"
        case bucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou"
        case bucketNotEmpty = "BucketNotEmpty"
        case accessDenied = "AccessDenied"
        case invalidAccessKeyId = "InvalidAccessKeyId"
        case signatureDoesNotMatch = "SignatureDoesNotMatch"
        case invalidRange = "InvalidRange"
        case invalidPart = "InvalidPart"
        case invalidPartOrder = "InvalidPartOrder"
        case entityTooSmall = "EntityTooSmall"
        case badDigest = "BadDigest"
        case invalidDigest = "InvalidDigest"
        case preconditionFailed = "PreconditionFailed"
        case invalidBucketName = "InvalidBucketName"
        case invalidArgument = "InvalidArgument"
        case slowDown = "SlowDown"
        case internalError = "InternalError"
        case serviceUnavailable = "ServiceUnavailable"
        case requestTimeout = "RequestTimeout"
        /// Any other code S3 sent: see `serviceCode`.
        case otherServiceError = "OtherServiceError"
        /// A non-2xx status without an error body (HEAD responses have none): see `status`.
        case unexpectedStatus = "UnexpectedStatus"

        // Failures on our side.
        /// A bucket name, key, part number or range the client refuses to send.
        case invalidInput = "InvalidInput"
        /// A response S3 should not have sent: bad XML, a missing header or element.
        case malformedResponse = "MalformedResponse"
        /// The HTTP exchange failed (connect, timeout, closed connection): see `message`.
        case httpFailure = "HTTPFailure"
        /// The request could not be signed.
        case signingFailed = "SigningFailed"
    }

    public let code: Code
    public let message: String
    /// S3's `<Code>` text when S3 answered with an error body.
    public let serviceCode: String?
    /// S3's `<RequestId>` (or the `x-amz-request-id` header): what AWS support asks for.
    public let requestId: String?
    /// The HTTP status of S3's answer, when there was one.
    public let status: Int?
    /// Whether the HTTP failure underneath may pass on another try (for `httpFailure`).
    let transportRetriable: Bool

    public init(_ code: Code, _ message: String, serviceCode: String? = nil, requestId: String? = nil, status: Int? = nil) {
        self.init(code, message, serviceCode: serviceCode, requestId: requestId, status: status, transportRetriable: false)
    }

    init(_ code: Code, _ message: String, serviceCode: String?, requestId: String?, status: Int?, transportRetriable: Bool) {
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.requestId = requestId
        self.status = status
        self.transportRetriable = transportRetriable
    }

    init(_ error: HTTPClientError) {
        self.init(.httpFailure, error.description, serviceCode: nil, requestId: nil, status: nil,
                  transportRetriable: error.isRetriable)
    }

    /// S3's throttling codes (several spellings across S3 and its clones).
    static let throttlingCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
        "RequestThrottled", "ProvisionedThroughputExceededException", "BandwidthLimitExceeded",
    ]

    /// 5xx, throttling, timeouts and dropped connections: trying again after a pause may succeed.
    public var isRetriable: Bool {
        switch code {
        case .slowDown, .internalError, .serviceUnavailable, .requestTimeout: return true
        case .httpFailure: return transportRetriable
        default:
            if let status, status >= 500 || status == 429 { return true }
            if let serviceCode, Self.throttlingCodes.contains(serviceCode) { return true }
            return false
        }
    }

    public var description: String {
        var text = "S3Error.\(code)"
        if let status { text += " (\(status))" }
        if let serviceCode, code == .otherServiceError { text += " \(serviceCode)" }
        text += ": \(message)"
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }

    /// From S3's error body (already parsed) and status.
    static func service(code serviceCode: String, message: String, requestId: String?, status: Int) -> S3Error {
        let code = Code(rawValue: serviceCode).flatMap { c -> Code? in
            switch c {
            case .otherServiceError, .unexpectedStatus, .invalidInput, .malformedResponse, .httpFailure, .signingFailed: nil
            default: c
            }
        } ?? .otherServiceError
        return S3Error(code, message.isEmpty ? serviceCode : message, serviceCode: serviceCode, requestId: requestId, status: status)
    }
}
