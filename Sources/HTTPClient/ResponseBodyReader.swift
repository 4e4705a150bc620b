import Synchronization
import Transport

/// Pulls one response's body from its leased connection for `HTTPClientResponse.Body`, and hands
/// the connection back when the body ends (reusable if the response allows keep-alive) or
/// closes it on an error or when abandoned.
///
/// One iterator owns it (`claim`), so the connection is never read by two tasks at once.
final class ResponseBodyReader: Sendable {
    private let lease: ConnectionLease
    private let readTimeout: Duration
    /// The Content-Length, when the response has one.
    let expectedLength: Int?
    private let claimed = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    init(lease: ConnectionLease, readTimeout: Duration, expectedLength: Int?) {
        self.lease = lease
        self.readTimeout = readTimeout
        self.expectedLength = expectedLength
    }

    /// True for the first caller only.
    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }

    func next() async throws(HTTPClientError) -> [UInt8]? {
        guard !finished.load(ordering: .acquiring) else { return nil }
        do {
            if let chunk = try await lease.connection.readBodyChunk(deadline: .after(readTimeout)) { return chunk }
        } catch {
            finished.store(true, ordering: .releasing)
            lease.release(reusable: false)
            throw error
        }
        finished.store(true, ordering: .releasing)
        lease.release(reusable: lease.connection.reusable)
        return nil
    }

    /// Gives up on the rest of the body: the connection cannot be reused.
    func abandon() {
        finished.store(true, ordering: .releasing)
        lease.release(reusable: false)
    }
}
