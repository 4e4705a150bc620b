import HTTP
import Synchronization
import Transport

/// Code that runs around handlers: it may change the request or context, answer by itself, or
/// change the response. Call `next` to go on to the inner middleware or the handler.
public protocol HTTPMiddleware: Sendable {
    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse
}

struct ClosureMiddleware: HTTPMiddleware {
    let body: @Sendable (HTTPRequest, RequestContext, HTTPHandler) async throws -> HTTPResponse
    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse {
        try await body(request, context, next)
    }
}

/// Gives every request an id: the client's `X-Request-ID` if it is a sane token, else a new
/// random one. The id goes into `context.requestID` and back in the response header.
public struct RequestIDMiddleware: HTTPMiddleware {
    public let headerName: String

    public init(headerName: String = "X-Request-ID") { self.headerName = headerName }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse {
        var context = context
        let id: String
        if let given = request.headers[headerName], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            id = given
        } else {
            id = Self.newID()
        }
        context.requestID = id
        do {
            var response = try await next(request, context)
            response.headers.set(name: headerName, value: id)
            return response
        } catch {
            // Errors become problem responses here so the id is on them too.
            var response = HTTPResponse.problem(for: error, instance: request.head.rawPath)
            response.headers.set(name: headerName, value: id)
            return response
        }
    }

    /// 128 random bits as 32 hex digits.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let a = generator.next() as UInt64, b = generator.next() as UInt64
        let hex = String(a, radix: 16), hex2 = String(b, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 16 - hex2.count) + hex2
    }
}

/// One finished request, for an access log.
public struct AccessLogEntry: Sendable {
    public let method: HTTPMethod
    public let target: String
    public let route: String?
    public let status: Int
    public let requestID: String?
    public let remoteAddress: SocketAddress?
    /// Time from the head's arrival to the handler's return (a streamed body is still being sent).
    public let duration: Duration
}

/// Calls `log` once per request with what happened. Errors thrown by inner handlers are turned
/// into their problem responses first, so the entry has the status the client gets.
public struct AccessLogMiddleware: HTTPMiddleware {
    let log: @Sendable (AccessLogEntry) -> Void

    public init(_ log: @escaping @Sendable (AccessLogEntry) -> Void) { self.log = log }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse {
        let start = Deadline.now()
        let response: HTTPResponse
        do {
            response = try await next(request, context)
        } catch {
            response = HTTPResponse.problem(for: error, instance: request.head.rawPath)
        }
        log(AccessLogEntry(method: request.method, target: request.head.target, route: context.route,
                           status: response.status.code, requestID: context.requestID,
                           remoteAddress: context.remoteAddress, duration: Deadline.now().elapsed(since: start)))
        return response
    }
}

/// Reports each request to a metrics system: method, route pattern (never the raw path, which
/// would explode label cardinality), status and duration.
public struct MetricsMiddleware: HTTPMiddleware {
    public typealias Recorder = @Sendable (_ method: HTTPMethod, _ route: String, _ status: Int, _ duration: Duration) -> Void
    let record: Recorder

    public init(_ record: @escaping Recorder) { self.record = record }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse {
        let start = Deadline.now()
        let route = context.route ?? "unmatched"
        do {
            let response = try await next(request, context)
            record(request.method, route, response.status.code, Deadline.now().elapsed(since: start))
            return response
        } catch {
            let status = (error as? HTTPServerError)?.status.code ?? 500
            record(request.method, route, status, Deadline.now().elapsed(since: start))
            throw error
        }
    }
}

/// Asks `authenticate` who sent the request. A principal goes into `context.principal`; nil is
/// answered `401` with `WWW-Authenticate: <challenge>`. Paths for which `isPublic` says true skip it.
public struct AuthMiddleware: HTTPMiddleware {
    let authenticate: @Sendable (HTTPRequest) async throws -> (any Sendable)?
    let challenge: String
    let isPublic: @Sendable (HTTPRequest) -> Bool

    public init(challenge: String = "Bearer", isPublic: @escaping @Sendable (HTTPRequest) -> Bool = { _ in false },
                authenticate: @escaping @Sendable (HTTPRequest) async throws -> (any Sendable)?) {
        self.authenticate = authenticate
        self.challenge = challenge
        self.isPublic = isPublic
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPHandler) async throws -> HTTPResponse {
        if isPublic(request) { return try await next(request, context) }
        guard let principal = try await authenticate(request) else {
            var response = HTTPResponse.problem(for: HTTPServerError.problem(.unauthorized, "missing or invalid credentials"),
                                                instance: request.head.rawPath)
            response.headers.add(name: "WWW-Authenticate", value: challenge)
            return response
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

extension Deadline {
    func elapsed(since start: Deadline) -> Duration {
        nanoseconds > start.nanoseconds ? .nanoseconds(Int64(nanoseconds - start.nanoseconds)) : .zero
    }
}
