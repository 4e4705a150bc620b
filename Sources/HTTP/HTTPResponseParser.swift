/// An incremental HTTP/1.1 response parser (RFC 9112), the counterpart of `HTTPRequestParser`.
///
/// A response's framing depends on the request it answers: set `requestMethod` before its head
/// arrives (HEAD responses and 1xx/204/304 have no body; a 2xx to CONNECT and a 101 end HTTP on
/// the connection). A response without Content-Length or chunked coding is delimited by the end
/// of the connection: call `markEndOfInput()` when the socket reports EOF to get its `end`.
public struct HTTPResponseParser: Sendable {
    var core: HTTPMessageParser

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        core = HTTPMessageParser(kind: .response, limits: limits)
    }

    public var limits: HTTPParserLimits {
        get { core.limits }
        set { core.limits = newValue }
    }

    /// The method of the request the next response answers.
    public var requestMethod: HTTPMethod {
        get { core.requestMethod }
        set { core.requestMethod = newValue }
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 { core.append(bytes) }

    /// Calls `receive` with the parser's own buffer to append to (see `HTTPRequestParser.receive`).
    public mutating func receive<E: Error>(_ receive: (inout [UInt8]) async throws(E) -> Int) async throws(E) -> Int {
        try await core.receive(receive)
    }

    /// The peer closed: a close-delimited body ends; any other unfinished message throws `.truncatedMessage`.
    public mutating func markEndOfInput() { core.markEndOfInput() }

    public mutating func next() throws(HTTPError) -> HTTPResponsePart? {
        switch try core.next() {
        case nil: return nil
        case .head(.response(let head))?: return .head(head)
        case .head(.request)?: return nil  // a response parser makes response heads only
        case .body(let bytes)?: return .body(bytes)
        case .end(let trailers)?: return .end(trailers: trailers)
        }
    }

    public var framing: HTTPBodyFraming { core.framing }
    public var bufferedByteCount: Int { core.bufferedByteCount }
    public var isAtMessageBoundary: Bool { core.isAtMessageBoundary }

    /// True after a `101 Switching Protocols` or a 2xx answer to CONNECT has ended: the
    /// connection now carries another protocol, whose first bytes are `unparsedBytes`.
    public var isUpgraded: Bool { core.state == .upgraded }

    /// Bytes received but not parsed (after an upgrade: the new protocol's).
    public var unparsedBytes: ArraySlice<UInt8> { core.unparsedBytes }
}
