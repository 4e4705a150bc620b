/// The status line and header fields of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: HTTPStatus
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(status: HTTPStatus, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.version = version
        self.headers = headers
    }

    public static func == (lhs: HTTPResponseHead, rhs: HTTPResponseHead) -> Bool {
        lhs.status == rhs.status && lhs.status.reasonPhrase == rhs.status.reasonPhrase
            && lhs.version == rhs.version && lhs.headers == rhs.headers
    }

    /// Whether the server keeps the connection open after this response (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if version.minor >= 1 || version.major > 1 { return !headers.containsToken("close", in: "connection") }
        return headers.containsToken("keep-alive", in: "connection")
    }
}
