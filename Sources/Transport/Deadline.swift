#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock. Operations take deadlines rather than timeouts so that a
/// multi-step operation (resolve, connect, handshake) shares one budget.
public struct Deadline: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func now() -> Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }

    public static func after(_ duration: Duration) -> Deadline { now() + duration }
    public static func after(seconds: Double) -> Deadline { now() + .nanoseconds(Int64(seconds * 1e9)) }

    /// A deadline so far away that it never fires.
    public static let distantFuture = Deadline(nanoseconds: UInt64.max / 2)

    public static func + (lhs: Deadline, rhs: Duration) -> Deadline {
        let (seconds, attoseconds) = rhs.components
        let ns = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if ns <= 0 { return Deadline(nanoseconds: lhs.nanoseconds &- UInt64(min(-ns, Int64(lhs.nanoseconds)))) }
        return Deadline(nanoseconds: min(lhs.nanoseconds &+ UInt64(ns), distantFuture.nanoseconds))
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public var hasPassed: Bool { self <= Deadline.now() }

    /// Time left, zero if passed.
    public var remaining: Duration {
        let now = Deadline.now().nanoseconds
        return nanoseconds > now ? .nanoseconds(Int64(nanoseconds - now)) : .zero
    }

    public var description: String { "Deadline(\(nanoseconds)ns)" }
}
