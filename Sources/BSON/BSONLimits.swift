/// Bounds a decoder or builder enforces so hostile input cannot exhaust memory or the stack.
public struct BSONLimits: Sendable, Equatable {
    /// The largest document accepted, in bytes (the int32 length prefix included).
    public var maxDocumentSize: Int
    /// How many documents/arrays may nest inside the top-level one (the top level is depth 1).
    public var maxDepth: Int

    public init(maxDocumentSize: Int = BSONLimits.defaultMaxDocumentSize, maxDepth: Int = BSONLimits.defaultMaxDepth) {
        self.maxDocumentSize = maxDocumentSize
        self.maxDepth = maxDepth
    }

    /// MongoDB's maximum user document size (16 MiB) plus the 16 KiB the server allows for command overhead.
    public static let defaultMaxDocumentSize = 16 * 1024 * 1024 + 16 * 1024
    /// MongoDB refuses documents nested deeper than 100 levels; we allow the same plus command wrappers.
    public static let defaultMaxDepth = 128

    public static let `default` = BSONLimits()
}
