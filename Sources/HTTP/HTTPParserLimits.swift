/// Bounds on what a parser accepts, so a peer cannot make it buffer without end.
/// Each limit maps to the status a server answers (see `HTTPError.status`).
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line or status line, without its CRLF. Over it: 414 (RFC 9112 §3).
    public var maxStartLineLength: Int
    /// Largest header section (all field lines and their CRLFs, after the start line); applies to
    /// the trailer section too. Over it: 431.
    public var maxHeaderBytes: Int
    /// Most field lines in a header or trailer section. Over it: 431.
    public var maxHeaderCount: Int
    /// Largest body (after removing chunked framing). Over it: 413.
    public var maxBodySize: Int
    /// Longest chunk-size line, extensions included. Over it: 400.
    public var maxChunkLineLength: Int

    public init(maxStartLineLength: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodySize: Int = 8 * 1024 * 1024, maxChunkLineLength: Int = 1024) {
        self.maxStartLineLength = maxStartLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
        self.maxChunkLineLength = maxChunkLineLength
    }
}
