import XCTest
import Transport

final class BackoffTests: XCTestCase {
    func testCeilingDoublesUntilTheCap() {
        let backoff = Backoff(initial: .milliseconds(10), maximum: .milliseconds(100))
        XCTAssertEqual((0..<6).map { backoff.ceilingNanoseconds(forAttempt: $0) / 1_000_000 }, [10, 20, 40, 80, 100, 100])
        XCTAssertEqual(backoff.ceilingNanoseconds(forAttempt: 1000), 100_000_000)
    }

    func testDelayIsJitteredWithinTheCeilingAndResetStartsOver() {
        var backoff = Backoff(initial: .milliseconds(10), maximum: .seconds(1))
        XCTAssertEqual(backoff.nextDelay(unitRandom: { 0.5 }), .milliseconds(5))
        XCTAssertEqual(backoff.nextDelay(unitRandom: { 0.5 }), .milliseconds(10))
        XCTAssertEqual(backoff.nextDelay(unitRandom: { 0 }), .zero)
        XCTAssertEqual(backoff.attempt, 3)
        backoff.reset()
        XCTAssertEqual(backoff.nextDelay(unitRandom: { 0.999 }) <= .milliseconds(10), true)
    }
}
