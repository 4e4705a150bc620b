/// The one error type of the SigV4 module.
///
/// Signing errors reject unusable input (a header value with a line break, a 9-day expiry).
/// Verification errors say which check refused a request, so a server can answer with the
/// matching S3 error and an operator can tell a clock problem from a forged URL.
public struct SigV4Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        // Input that cannot be signed.
        case invalidHeader
        case invalidScope
        case invalidTime
        case invalidBucketName
        case invalidObjectKey
        case invalidEndpoint
        case invalidExpiry

        // Requests that cannot be parsed far enough to verify.
        case malformedURL
        case malformedAuthorization
        case missingParameter
        case duplicateParameter
        case unsupportedAlgorithm
        case malformedCredential
        case malformedDate
        case malformedExpires
        case malformedSignedHeaders
        case malformedSignature
        case limitExceeded

        // Verification outcomes, one per check.
        case unknownAccessKey
        case credentialDateMismatch
        case wrongRegion
        case wrongService
        case expired
        case notYetValid
        case lifetimeTooLong
        case hostNotSigned
        case signedHeaderMissing
        case headerNotSigned
        case missingPayloadHash
        case methodMismatch
        case signatureMismatch
    }

    public let code: Code
    public let message: String

    /// Only a clock problem can go away by itself: a request dated ahead of the server's clock
    /// becomes valid once the clocks agree. Everything else fails the same way every time.
    public var isRetriable: Bool { code == .notYetValid }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
