import HTTPClient
import SigV4
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Where an `S3Client` sends requests and how it signs and retries them.
public struct S3Configuration: Sendable {
    public var endpoint: S3Endpoint
    public var region: String
    public var credentials: Credentials
    /// `.path` (`/bucket/key`, what local servers like LocalStack expect) or `.virtualHosted`
    /// (`bucket.host/key`, AWS's default).
    public var addressingStyle: S3AddressingStyle
    /// Tries per operation, the first included: 5xx, throttling and dropped connections are
    /// retried with `backoff` as long as the request body can be sent again.
    public var maxAttempts: Int = 4
    public var backoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
    /// Each request's time limit, from the first byte sent to the response head (bodies included).
    public var requestTimeout: Duration = .seconds(300)
    /// Largest XML answer read into memory (list and error bodies).
    public var maxResponseXMLBytes: Int = 16 * 1024 * 1024
    /// The wall clock, in seconds since 1970: the signer never reads one itself.
    public var clock: @Sendable () -> Int64 = { Int64(time(nil)) }

    public init(endpoint: S3Endpoint, region: String, credentials: Credentials, addressingStyle: S3AddressingStyle = .path) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.addressingStyle = addressingStyle
    }
}
