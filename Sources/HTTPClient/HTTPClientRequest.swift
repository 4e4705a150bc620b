import HTTP

/// One request to send: method, URL, headers and body.
///
/// The client adds `Host`, `Content-Length` or `Transfer-Encoding: chunked` (from the body),
/// and `User-Agent` (from the configuration) unless the request has them.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    public var url: HTTPClientURL
    public var headers: HTTPHeaders
    public var body: Body
    /// Overrides `HTTPClientConfiguration.requestTimeout` for this request.
    public var timeout: Duration?
    /// Whether the client may send this request twice. Defaults to the method's idempotency
    /// (GET, HEAD, PUT, DELETE, OPTIONS, TRACE); set it for a POST that is safe to repeat
    /// (one carrying an idempotency key, say), or clear it to forbid any retry.
    public var isIdempotent: Bool

    public init(method: HTTPMethod = .get, url: HTTPClientURL, headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isIdempotent = method.isIdempotent
    }

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty) throws(HTTPClientError) {
        self.init(method: method, url: try HTTPClientURL(url), headers: headers, body: body)
    }

    /// A request body: nothing, bytes in memory, or a stream of chunks written as they come.
    public struct Body: Sendable {
        enum Storage: Sendable {
            case empty
            case bytes([UInt8])
            case stream(length: Int?, write: @Sendable (Writer) async throws -> Void)
        }
        let storage: Storage

        /// No body (and no `Content-Length` unless the method is one that expects a body).
        public static let empty = Body(storage: .empty)

        public static func bytes(_ bytes: [UInt8]) -> Body { Body(storage: .bytes(bytes)) }

        public static func string(_ text: String) -> Body { Body(storage: .bytes(Array(text.utf8))) }

        /// A body produced by `sequence`, sent with `Content-Length: length` when the length is
        /// known and with chunked transfer coding otherwise. Each chunk goes to the socket as it
        /// arrives (waiting while the socket is full), so memory stays bounded by one chunk.
        /// A streamed body is never sent twice: a request whose stream has started is not retried.
        public static func stream<S: AsyncSequence & Sendable>(_ sequence: S, length: Int? = nil) -> Body where S.Element == [UInt8] {
            Body(storage: .stream(length: length) { writer in
                for try await chunk in sequence { try await writer.write(chunk) }
            })
        }

        /// A body written by `produce`, which calls `writer.write` for each chunk.
        public static func stream(length: Int? = nil, _ produce: @escaping @Sendable (Writer) async throws -> Void) -> Body {
            Body(storage: .stream(length: length, write: produce))
        }

        /// The length when known up front.
        public var knownLength: Int? {
            switch storage {
            case .empty: 0
            case .bytes(let b): b.count
            case .stream(let length, _): length
            }
        }

        /// Whether the body can be sent again for a retry or a 307/308 redirect.
        var isReplayable: Bool {
            if case .stream = storage { return false }
            return true
        }

        /// Receives a streamed body's chunks and sends them on the connection.
        public struct Writer: Sendable {
            let send: @Sendable ([UInt8]) async throws(HTTPClientError) -> Void
            public func write(_ chunk: [UInt8]) async throws(HTTPClientError) { try await send(chunk) }
        }
    }
}
