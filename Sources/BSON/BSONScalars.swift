/// A BSON timestamp (type 0x11): MongoDB's internal replication clock, an increment within a second.
/// On the wire the increment comes first (low 32 bits), then the seconds.
public struct BSONTimestamp: Sendable, Hashable, Comparable {
    public var seconds: UInt32
    public var increment: UInt32

    public init(seconds: UInt32, increment: UInt32) {
        self.seconds = seconds
        self.increment = increment
    }

    public static func < (a: BSONTimestamp, b: BSONTimestamp) -> Bool {
        (a.seconds, a.increment) < (b.seconds, b.increment)
    }
}

/// A BSON regular expression (type 0x0B): pattern and option letters, both NUL-terminated on the wire.
public struct BSONRegex: Sendable, Hashable {
    public var pattern: String
    /// Option letters; the encoder writes them sorted, as the spec requires.
    public var options: String

    public init(pattern: String, options: String) {
        self.pattern = pattern
        self.options = options
    }

    /// The options in alphabetical order (what encoders must emit).
    public var sortedOptions: String { String(options.sorted()) }
}

/// A deprecated DBPointer (type 0x0C): a namespace string and an ObjectId.
public struct BSONDBPointer: Sendable, Hashable {
    public var ref: String
    public var id: ObjectId

    public init(ref: String, id: ObjectId) {
        self.ref = ref
        self.id = id
    }
}

/// Deprecated JavaScript code with a scope document (type 0x0F).
public struct BSONCodeWithScope: Sendable, Hashable {
    public var code: String
    public var scope: BSONDocument

    public init(code: String, scope: BSONDocument) {
        self.code = code
        self.scope = scope
    }
}
