import Transport

/// How long and how often retriable failures are retried: exponential backoff with full
/// jitter (Transport's `Backoff`) until the time budget is spent.
public struct KafkaRetryPolicy: Sendable {
    public var initialBackoff: Duration = .milliseconds(50)
    public var maximumBackoff: Duration = .seconds(1)
    /// The whole budget of one operation, first attempt included.
    public var timeout: Duration = .seconds(30)

    public init(initialBackoff: Duration = .milliseconds(50), maximumBackoff: Duration = .seconds(1),
                timeout: Duration = .seconds(30)) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.timeout = timeout
    }

    /// Runs `operation` until it succeeds, fails with a non-retriable error, or the budget is
    /// spent (then the last error is thrown). `onRetry` runs before each new attempt (say, to
    /// refresh metadata).
    public func run<T>(_ context: String,
                       isolation: isolated (any Actor)? = #isolation,
                       onRetry: (KafkaError) async -> Void = { _ in },
                       _ operation: () async throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let deadline = Deadline.after(timeout)
        var backoff = Backoff(initial: initialBackoff, maximum: maximumBackoff)
        while true {
            do {
                return try await operation()
            } catch {
                guard error.isRetriable, !Task.isCancelled else { throw error }
                let wake = Deadline.now() + backoff.nextDelay()
                guard wake < deadline else {
                    throw KafkaError(error.code, "\(context): gave up after \(timeout): \(error.message)",
                                     retriable: true, brokerError: error.brokerError)
                }
                do {
                    try await EventLoop.shared.sleep(until: wake)
                } catch {
                    throw KafkaError.cancelled(context)
                }
                await onRetry(error)
            }
        }
    }
}
