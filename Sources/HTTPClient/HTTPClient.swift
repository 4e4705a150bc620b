import HTTP
import Transport

/// An HTTP/1.1 client on Transport: per-host keep-alive pools, connect and request timeouts,
/// retries of idempotent requests, streaming request and response bodies, TLS, and redirects
/// when asked for.
///
/// ```swift
/// let client = HTTPClient()
/// let response = try await client.get("http://127.0.0.1:8080/hello")
/// let bytes = try await response.collect(upTo: 1 << 20)
/// client.shutdown()
/// ```
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let pool: ConnectionPool

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
        pool = ConnectionPool(maxConnectionsPerHost: configuration.maxConnectionsPerHost,
                              idleTimeout: configuration.idleTimeout,
                              connector: Connector(configuration: configuration))
    }

    deinit { pool.shutdown() }

    /// Closes idle connections and fails later requests with `shutdown`. Connections still in
    /// use are closed when their responses finish.
    public func shutdown() { pool.shutdown() }

    /// Connections to one host (scheme, host, port of `url`): idle in the pool and in use.
    public struct PoolStatistics: Sendable, Equatable {
        public let idle: Int
        public let inUse: Int

        public init(idle: Int, inUse: Int) {
            self.idle = idle
            self.inUse = inUse
        }
    }

    public func poolStatistics(for url: HTTPClientURL) -> PoolStatistics { pool.statistics(PoolKey(url)) }

    /// Hosts the pool keeps state for: in use, waited for, or with idle connections. A host is
    /// forgotten once none of these holds, so calling many hosts does not grow the pool for ever.
    public var pooledHostCount: Int { pool.hostCount }

    // MARK: convenience

    public func get(_ url: String, headers: HTTPHeaders = HTTPHeaders()) async throws(HTTPClientError) -> HTTPClientResponse {
        try await execute(HTTPClientRequest(method: .get, url: url, headers: headers))
    }

    public func post(_ url: String, headers: HTTPHeaders = HTTPHeaders(), body: HTTPClientRequest.Body) async throws(HTTPClientError) -> HTTPClientResponse {
        try await execute(HTTPClientRequest(method: .post, url: url, headers: headers, body: body))
    }

    public func put(_ url: String, headers: HTTPHeaders = HTTPHeaders(), body: HTTPClientRequest.Body) async throws(HTTPClientError) -> HTTPClientResponse {
        try await execute(HTTPClientRequest(method: .put, url: url, headers: headers, body: body))
    }

    public func delete(_ url: String, headers: HTTPHeaders = HTTPHeaders()) async throws(HTTPClientError) -> HTTPClientResponse {
        try await execute(HTTPClientRequest(method: .delete, url: url, headers: headers))
    }

    // MARK: execute

    /// Sends `request` and returns once the response head has arrived; the body streams from
    /// `response.body`. Follows redirects only as `configuration.redirects` allows.
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let deadline = Deadline.after(request.timeout ?? configuration.requestTimeout)
        var current = request
        var redirectsFollowed = 0
        while true {
            let response = try await executeRetrying(current, deadline: deadline)
            guard case .follow(let maxRedirects) = configuration.redirects,
                  let next = try redirect(from: current, response: response) else {
                return response
            }
            guard redirectsFollowed < maxRedirects else {
                response.body.reader?.abandon()
                throw HTTPClientError(.tooManyRedirects, "more than \(maxRedirects) redirects, last to \(next.url)")
            }
            redirectsFollowed += 1
            // Read a short redirect body so the connection is reused; close on a long one.
            do { _ = try await response.body.collect(upTo: 64 * 1024) } catch { response.body.reader?.abandon() }
            current = next
        }
    }

    /// The request a redirect response leads to, or nil when it is not a redirect we can follow
    /// (the response then goes to the caller as it is).
    private func redirect(from request: HTTPClientRequest, response: HTTPClientResponse) throws(HTTPClientError) -> HTTPClientRequest? {
        let code = response.status.code
        guard [301, 302, 303, 307, 308].contains(code), let location = response.headers["location"] else { return nil }
        var next = request
        next.url = try request.url.resolving(location)
        let becomesGet = code == 303 ? request.method != .head : ((code == 301 || code == 302) && request.method == .post)
        if becomesGet {
            next.method = .get
            next.body = .empty
            next.isIdempotent = true
            for name in ["content-length", "content-type", "transfer-encoding", "content-encoding"] { next.headers.remove(name) }
        } else if !request.body.isReplayable {
            return nil  // 307/308 must repeat the body, and a streamed body cannot be sent twice
        }
        if PoolKey(next.url) != PoolKey(request.url) {
            // Credentials were meant for the original origin only.
            for name in ["authorization", "cookie", "proxy-authorization"] { next.headers.remove(name) }
        }
        next.headers.remove("host")
        return next
    }

    /// How one attempt failed, and whether sending the request again is safe.
    private struct AttemptFailure: Error {
        let error: HTTPClientError
        /// Nothing reached the server, or a reused connection closed before any response byte.
        let safeToRetry: Bool
        /// A connect failure: wait before the next attempt. A stale keep-alive connection is retried at once.
        let backOff: Bool
    }

    private func executeRetrying(_ request: HTTPClientRequest, deadline: Deadline) async throws(HTTPClientError) -> HTTPClientResponse {
        let head = try requestHead(for: request)
        var backoff = configuration.retryBackoff
        var retries = 0
        var bodyStarted = false
        while true {
            do {
                return try await attempt(request, head: head, deadline: deadline, bodyStarted: &bodyStarted)
            } catch {
                let canRetry = error.safeToRetry && request.isIdempotent && retries < configuration.maxRetries
                    && !bodyStarted && !deadline.hasPassed && !Task.isCancelled
                guard canRetry else { throw error.error }
                retries += 1
                if error.backOff {
                    let wake = min(Deadline.after(backoff.nextDelay()), deadline)
                    do { try await EventLoop.shared.sleep(until: wake) } catch { throw HTTPClientError(.cancelled, "cancelled while waiting to retry") }
                }
            }
        }
    }

    private func attempt(_ request: HTTPClientRequest, head: [UInt8], deadline: Deadline,
                         bodyStarted: inout Bool) async throws(AttemptFailure) -> HTTPClientResponse {
        let lease: ConnectionLease
        do {
            lease = try await pool.lease(PoolKey(request.url), deadline: deadline, connectTimeout: configuration.connectTimeout)
        } catch {
            let connectFailure = error.code == .connectFailed || error.code == .connectTimeout
            throw AttemptFailure(error: error, safeToRetry: connectFailure, backOff: true)
        }
        let connection = lease.connection
        do {
            if let early = try await connection.send(head: head, method: request.method,
                                                     wantsClose: request.headers.containsToken("close", in: "connection"),
                                                     body: request.body,
                                                     expectContinue: request.headers.containsToken("100-continue", in: "expect"),
                                                     continueTimeout: configuration.continueTimeout,
                                                     deadline: deadline, bodyStarted: &bodyStarted) {
                return response(early, lease: lease, connection: connection)
            }
        } catch {
            // A server may answer before it has read the whole body (413, 401...) and close: that
            // answer, if it came, says more than the failed write.
            if error.code == .connectionClosed,
               let early = try? await connection.readHead(deadline: min(deadline, .after(.seconds(1)))) {
                connection.markNotReusable()
                return response(early, lease: lease, connection: connection)
            }
            lease.release(reusable: false)
            // A reused connection that fails while we write was closed by the server before it
            // read our request (its idle timeout racing ours).
            throw AttemptFailure(error: error, safeToRetry: lease.isReused && error.code == .connectionClosed, backOff: false)
        }
        let responseHead: HTTPResponseHead
        do {
            responseHead = try await connection.readHead(deadline: deadline)
        } catch {
            lease.release(reusable: false)
            let staleConnection = lease.isReused && error.code == .connectionClosed && !connection.receivedResponseBytes
            throw AttemptFailure(error: error, safeToRetry: staleConnection, backOff: false)
        }
        return response(responseHead, lease: lease, connection: connection)
    }

    /// The response for a head just read: complete at once when it has no body, else streaming.
    private func response(_ head: HTTPResponseHead, lease: ConnectionLease, connection: ClientConnection) -> HTTPClientResponse {
        if connection.responseComplete {
            lease.release(reusable: connection.reusable)
            return HTTPClientResponse(head: head, body: .empty)
        }
        let reader = ResponseBodyReader(lease: lease, readTimeout: configuration.readTimeout,
                                        expectedLength: connection.expectedBodyLength)
        return HTTPClientResponse(head: head, body: HTTPClientResponse.Body(reader: reader))
    }

    /// The serialized request head with the headers the client owns: Host, framing, User-Agent.
    private func requestHead(for request: HTTPClientRequest) throws(HTTPClientError) -> [UInt8] {
        var headers = request.headers
        if !headers.contains("host") { headers.add(name: "Host", value: request.url.hostHeader) }
        if let agent = configuration.userAgent, !headers.contains("user-agent") { headers.add(name: "User-Agent", value: agent) }
        // Framing comes from the body, never from caller headers that could disagree with it.
        headers.remove("content-length")
        headers.remove("transfer-encoding")
        switch request.body.storage {
        case .empty:
            if [HTTPMethod.post, .put, .patch].contains(request.method) { headers.add(name: "Content-Length", value: "0") }
        case .bytes(let bytes):
            headers.add(name: "Content-Length", value: String(bytes.count))
        case .stream(let length, _):
            if let length {
                guard length >= 0 else { throw HTTPClientError(.invalidRequest, "negative body length \(length)") }
                headers.add(name: "Content-Length", value: String(length))
            } else {
                headers.add(name: "Transfer-Encoding", value: "chunked")
            }
        }
        let head = HTTPRequestHead(method: request.method, target: request.url.target, headers: headers)
        var bytes: [UInt8] = []
        do {
            try head.write(into: &bytes)
            return bytes
        } catch {
            throw HTTPClientError(.invalidRequest, error.description)
        }
    }
}
