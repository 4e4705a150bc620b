import HTTP

/// What a handler returns: status, header fields and a body. The server adds the framing fields
/// (Content-Length or Transfer-Encoding), Date and Connection itself; do not set them.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public enum Body: Sendable {
        case empty
        case bytes([UInt8])
        /// Produced while it is sent (chunked on HTTP/1.1): `produce` writes through the writer and
        /// returns when the body is complete.
        case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: contentType("text/plain; charset=utf-8"), body: .bytes(Array(text.utf8)))
    }

    /// A response with `bytes` and their media type.
    public static func bytes(_ bytes: [UInt8], contentType: String = "application/octet-stream", status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: Self.contentType(contentType), body: .bytes(bytes))
    }

    /// One Content-Type field, without the array a dictionary literal would build first (these
    /// helpers run once per request).
    static func contentType(_ value: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: value)
        return headers
    }

    /// An empty response with `status`.
    public static func status(_ status: HTTPStatus) -> HTTPResponse {
        HTTPResponse(status: status)
    }

    /// A streamed response of `contentType`.
    public static func stream(contentType: String = "application/octet-stream", status: HTTPStatus = .ok,
                              _ produce: @escaping @Sendable (ResponseBodyWriter) async throws -> Void) -> HTTPResponse {
        HTTPResponse(status: status, headers: Self.contentType(contentType), body: .stream(produce))
    }
}
