import Transport

/// How an `HTTPClient` connects, times out, pools and retries.
public struct HTTPClientConfiguration: Sendable {
    /// TCP connect plus TLS handshake.
    public var connectTimeout: Duration = .seconds(10)
    /// From the call to `execute` until the response head has arrived: waiting for a pooled
    /// connection, connecting, sending the request and the server's think time. A request's own
    /// `timeout` overrides it.
    public var requestTimeout: Duration = .seconds(30)
    /// The longest a response body read may wait for the next bytes: a stalled download fails
    /// instead of hanging, and a slow but steady one is never cut off.
    public var readTimeout: Duration = .seconds(30)
    /// At most this many connections per host (scheme, host, port), in use or idle; further
    /// requests wait for one to come free.
    public var maxConnectionsPerHost: Int = 8
    /// An idle keep-alive connection is closed after this long unused.
    public var idleTimeout: Duration = .seconds(60)
    /// Automatic retries of idempotent requests that failed before anything was sent, or whose
    /// reused keep-alive connection turned out closed. 0 disables them.
    public var maxRetries: Int = 2
    /// Delay between retries after a failed connect (a stale keep-alive connection is retried at once).
    public var retryBackoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(2))
    /// A request with `Expect: 100-continue` waits this long for `100 Continue` before sending
    /// its body anyway.
    public var continueTimeout: Duration = .seconds(1)
    /// Redirects are returned to the caller unless this allows following them.
    public var redirects: RedirectPolicy = .none
    /// TLS settings for https URLs.
    public var tls: TLSConfiguration = .client()
    /// Limits for parsing response heads (status line, header section size and count).
    public var maxResponseHeadBytes: Int = 64 * 1024
    /// Bytes asked of the socket per read while streaming a response body.
    public var readChunkSize: Int = 64 * 1024
    /// The `User-Agent` sent when a request has none; nil sends none.
    public var userAgent: String? = "switchyard-http-client"

    public init() {}

    public enum RedirectPolicy: Sendable, Equatable {
        /// 3xx responses are returned as they are.
        case none
        /// Follow up to `max` redirects (301, 302, 303, 307, 308), then fail with `tooManyRedirects`.
        /// 303 (and 301/302 after a POST) become a GET without body, as browsers and RFC 9110 §15.4 do;
        /// 307/308 repeat the method and body, so they are followed only with a replayable body.
        case follow(max: Int)
    }
}
