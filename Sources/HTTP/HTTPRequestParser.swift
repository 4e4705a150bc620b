/// An incremental HTTP/1.1 request parser (RFC 9112): append bytes as they arrive, then call
/// `next()` until it returns nil ("need more data"). It never blocks and never reads a socket.
///
/// Requests on one connection follow each other (pipelining): after a request's `end`, `next()`
/// goes on with the next request already in the buffer. After an error the stream cannot be
/// resynchronised and `next()` keeps throwing it; answer with `error.status` and close.
public struct HTTPRequestParser: Sendable {
    var core: HTTPMessageParser

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        core = HTTPMessageParser(kind: .request, limits: limits)
    }

    /// The limits. A change applies from the next head on (and to the rest of a chunked body in
    /// progress); a Content-Length is checked against `maxBodySize` when its head is parsed.
    public var limits: HTTPParserLimits {
        get { core.limits }
        set { core.limits = newValue }
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 { core.append(bytes) }

    /// Calls `receive` with the parser's own buffer to append to (as `ByteStream.read(into:)` does),
    /// so received bytes are parsed where they land. Returns what `receive` returns.
    public mutating func receive<E: Error>(_ receive: (inout [UInt8]) async throws(E) -> Int) async throws(E) -> Int {
        try await core.receive(receive)
    }

    /// Tells the parser no more bytes will come: a message cut short then throws
    /// `.truncatedMessage`; at a message boundary `next()` just returns nil.
    public mutating func markEndOfInput() { core.markEndOfInput() }

    /// The next part of the request stream, or nil if more bytes are needed.
    public mutating func next() throws(HTTPError) -> HTTPRequestPart? {
        switch try core.next() {
        case nil: return nil
        case .head(.request(let head))?: return .head(head)
        case .head(.response)?: return nil  // a request parser makes request heads only
        case .body(let bytes)?: return .body(bytes)
        case .end(let trailers)?: return .end(trailers: trailers)
        }
    }

    /// How the body of the request whose head was returned last is framed.
    public var framing: HTTPBodyFraming { core.framing }

    /// Bytes buffered and not yet returned.
    public var bufferedByteCount: Int { core.bufferedByteCount }

    /// True between requests with no byte of the next one received (a keep-alive connection is idle).
    public var isAtMessageBoundary: Bool { core.isAtMessageBoundary }
}
