/// What `HTTPRequestParser.next()` yields, in order for each request: one `head`, zero or more
/// `body` pieces (chunked framing already removed), one `end` with the trailer fields (empty
/// unless the body was chunked and had trailers).
public enum HTTPRequestPart: Sendable, Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end(trailers: HTTPHeaders)
}

/// What `HTTPResponseParser.next()` yields: as for requests. An interim (1xx) response is a
/// `head` followed at once by `end`; the final response follows.
public enum HTTPResponsePart: Sendable, Equatable {
    case head(HTTPResponseHead)
    case body([UInt8])
    case end(trailers: HTTPHeaders)
}

/// How the body of the message whose head was parsed last is delimited (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body at all.
    case none
    /// Exactly this many bytes (more than zero).
    case contentLength(Int)
    /// Transfer-Encoding: chunked.
    case chunked
    /// A response body that ends when the server closes the connection.
    case untilClose
}
