/// Bounds on what `RESPDecoder` accepts, so a hostile peer cannot make it allocate or recurse without end.
public struct RESPLimits: Sendable, Equatable {
    /// Deepest nesting of aggregates (an array directly holding scalars is depth 1).
    public var maxDepth: Int
    /// Most elements one aggregate may announce (a map of n pairs counts 2n).
    public var maxElementCount: Int
    /// Longest bulk string, bulk error or verbatim string body in bytes.
    public var maxBulkLength: Int
    /// Longest line (between the type byte and CR LF) in bytes.
    public var maxLineLength: Int

    public init(maxDepth: Int = 32, maxElementCount: Int = 1 << 20, maxBulkLength: Int = 512 << 20,
                maxLineLength: Int = 64 << 10) {
        self.maxDepth = maxDepth
        self.maxElementCount = maxElementCount
        self.maxBulkLength = maxBulkLength
        self.maxLineLength = maxLineLength
    }
}
