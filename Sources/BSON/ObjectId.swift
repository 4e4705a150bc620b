import Synchronization
import WireCore

/// A 12-byte MongoDB ObjectId: 4-byte big-endian seconds since the epoch, 5 random bytes fixed per
/// process, and a 3-byte big-endian counter.
public struct ObjectId: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 12 bytes, in wire order.
    public let bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    public init(bytes b: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        self.bytes = b
    }

    /// nil unless `array` holds exactly 12 bytes.
    public init?<C: Collection>(_ array: C) where C.Element == UInt8 {
        guard array.count == 12 else { return nil }
        let a = Array(array)
        bytes = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11])
    }

    /// Parses 24 hex digits (either case); nil otherwise.
    public init?(hex: String) {
        guard hex.utf8.count == 24, let raw = Hex.decode(hex) else { return nil }
        self.init(raw)
    }

    /// A new, process-unique id for the current time.
    public init() {
        let seconds = UInt32(truncatingIfNeeded: Int64(Self.nowSeconds()))
        let count = ObjectId.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let r = ObjectId.processRandom
        bytes = (UInt8(truncatingIfNeeded: seconds >> 24), UInt8(truncatingIfNeeded: seconds >> 16),
                 UInt8(truncatingIfNeeded: seconds >> 8), UInt8(truncatingIfNeeded: seconds),
                 r.0, r.1, r.2, r.3, r.4,
                 UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count))
    }

    /// The creation time encoded in the first four bytes, in seconds since the Unix epoch.
    public var timestampSeconds: UInt32 {
        UInt32(bytes.0) << 24 | UInt32(bytes.1) << 16 | UInt32(bytes.2) << 8 | UInt32(bytes.3)
    }

    public var array: [UInt8] {
        withUnsafeBytes(of: bytes) { Array($0) }
    }

    /// 24 lowercase hex digits, as Extended JSON writes them.
    public var hex: String { Hex.encode(array) }
    public var description: String { hex }

    public static func == (a: ObjectId, b: ObjectId) -> Bool { a.array == b.array }
    public func hash(into hasher: inout Hasher) { withUnsafeBytes(of: bytes) { hasher.combine(bytes: $0) } }
    public static func < (a: ObjectId, b: ObjectId) -> Bool { a.array.lexicographicallyPrecedes(b.array) }

    private static let counter = Atomic<UInt32>(UInt32.random(in: 0...0xFFFFFF))
    private static let processRandom: (UInt8, UInt8, UInt8, UInt8, UInt8) = {
        var g = SystemRandomNumberGenerator()
        let v = g.next() as UInt64
        return (UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16),
                UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 32))
    }()

    private static func nowSeconds() -> Int64 {
        BSONDateTime.now().millisecondsSinceEpoch / 1000
    }
}

