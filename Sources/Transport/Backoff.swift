/// Exponential backoff with full jitter, as a plain value: the caller owns the clock and the sleeping.
///
/// Every client reconnects through this, so reconnect storms after a broker restart spread out
/// (full jitter: a uniform delay in [0, min(cap, base * 2^attempt)], the AWS "Exponential Backoff
/// and Jitter" scheme). The random source is injected so tests are deterministic.
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public private(set) var attempt: Int = 0

    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt; advances the attempt counter.
    /// `unitRandom` returns a value in [0, 1).
    public mutating func nextDelay(unitRandom: () -> Double = { Double.random(in: 0..<1) }) -> Duration {
        let ceiling = ceilingNanoseconds(forAttempt: attempt)
        attempt = min(attempt + 1, 62)
        let jittered = Double(ceiling) * min(max(unitRandom(), 0), 1)
        return .nanoseconds(Int64(jittered))
    }

    /// Forget past failures after a success.
    public mutating func reset() { attempt = 0 }

    /// The upper bound of the delay for a given attempt: initial * 2^attempt, capped at maximum.
    public func ceilingNanoseconds(forAttempt attempt: Int) -> Int64 {
        let base = Self.nanoseconds(initial)
        let cap = Self.nanoseconds(maximum)
        let shift = min(attempt, 40)
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? cap : min(scaled, cap)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
