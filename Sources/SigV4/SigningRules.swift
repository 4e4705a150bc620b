/// The per-service choices the SigV4 specification leaves open.
public struct SigningRules: Sendable, Hashable {
    /// Path normalisation and encoding (S3: neither).
    public var path: PathCanonicalization
    /// Whether the session token is part of what is signed. Most services want it signed; a
    /// few expect it added after signing (the suites' `post-sts-header-after` case).
    public var signSessionToken: Bool
    /// S3 requires `x-amz-content-sha256` on header-signed requests, holding the payload line.
    public var sendsContentSHA256Header: Bool

    public init(path: PathCanonicalization, signSessionToken: Bool = true, sendsContentSHA256Header: Bool) {
        self.path = path
        self.signSessionToken = signSessionToken
        self.sendsContentSHA256Header = sendsContentSHA256Header
    }

    public static let standard = SigningRules(path: .standard, sendsContentSHA256Header: false)
    public static let s3 = SigningRules(path: .s3, sendsContentSHA256Header: true)
}
