/// The one error type of the HTTP codec: a malformed or over-limit message, or a value that
/// cannot be serialized.
///
/// "Need more data" is not an error: the parsers return nil for it. After a parse error the
/// byte stream cannot be resynchronised, so the connection must be closed once the error
/// response (`status`) is sent.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The request line or status line does not have the RFC 9112 shape.
        case malformedStartLine
        /// The request-target holds a byte outside visible ASCII, or is empty.
        case invalidTarget
        /// The version is well formed but not HTTP/1.x.
        case unsupportedVersion
        /// A field line is not `token ":" OWS value OWS`, or a value holds a control byte.
        case malformedHeader
        /// An HTTP/1.1 request without a Host field, or with more than one (RFC 9112 §3.2).
        case invalidHost
        /// A field line starts with whitespace (obsolete line folding, RFC 9112 §5.2).
        case obsoleteLineFolding
        /// A line ends in LF without CR, or a CR is not followed by LF.
        case bareLineEnding
        /// The request line (or status line) is longer than `HTTPParserLimits.maxStartLineLength`.
        case startLineTooLong
        /// The header section is larger than `HTTPParserLimits.maxHeaderBytes`.
        case headerSectionTooLarge
        /// More fields than `HTTPParserLimits.maxHeaderCount`.
        case tooManyHeaders
        /// The body is longer than `HTTPParserLimits.maxBodySize`.
        case bodyTooLarge
        /// Transfer-Encoding names a coding other than chunked before its final `chunked`.
        case unsupportedTransferCoding
        /// Both Content-Length and Transfer-Encoding: a request-smuggling vector (RFC 9112 §6.3).
        case contentLengthWithTransferEncoding
        /// Content-Length fields (or list elements) that disagree.
        case conflictingContentLength
        /// A Content-Length that is not a decimal number.
        case invalidContentLength
        /// A request's Transfer-Encoding whose final coding is not chunked, chunked given twice,
        /// or Transfer-Encoding on an HTTP/1.0 message.
        case invalidTransferEncoding
        /// A chunk-size line, chunk extension or chunk terminator that is malformed.
        case malformedChunk
        /// A chunk-size line longer than `HTTPParserLimits.maxChunkLineLength`.
        case chunkLineTooLong
        /// The input ended in the middle of a message.
        case truncatedMessage
        /// A value given to a serializer would produce invalid bytes (a header name that is not a
        /// token, a value with CR or LF, a bad method or target).
        case invalidFieldForSerialization
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The status a server answers this error with.
    public var status: HTTPStatus {
        switch code {
        case .startLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .unsupportedVersion: .httpVersionNotSupported
        case .invalidFieldForSerialization: .internalServerError
        case .malformedStartLine, .invalidTarget, .invalidHost, .malformedHeader, .obsoleteLineFolding, .bareLineEnding,
             .contentLengthWithTransferEncoding, .conflictingContentLength, .invalidContentLength,
             .invalidTransferEncoding, .malformedChunk, .chunkLineTooLong, .truncatedMessage:
            .badRequest
        }
    }

    /// Whether the connection must be closed after the error response. Every parse error does:
    /// the parser cannot find the start of the next message. Only serializer errors leave the
    /// connection usable (nothing was written).
    public var closesConnection: Bool { code != .invalidFieldForSerialization }

    /// Whether the ambiguity in message framing could let one party see a different request
    /// than another (request smuggling). These are always answered 400 and closed.
    public var isFramingAttack: Bool {
        switch code {
        case .contentLengthWithTransferEncoding, .conflictingContentLength, .invalidContentLength, .invalidTransferEncoding:
            true
        default:
            false
        }
    }

    /// Whether sending the same message again could succeed: only when the connection dropped
    /// mid-message (a client may retry an idempotent request on a new connection).
    public var isRetriable: Bool { code == .truncatedMessage }

    public var description: String { "HTTP \(code.rawValue) (\(status.code)): \(message)" }
}
