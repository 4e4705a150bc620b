import Crypto
import XCTest

final class SecureRandomTests: XCTestCase {
    func testReturnsTheCountAsked() throws {
        for count in [0, 1, 16, 32, 1000, 65_537] {
            XCTAssertEqual(try SecureRandom.bytes(count).count, count)
        }
    }

    /// Two 32-byte draws collide with probability 2^-256; a repeat means the generator is broken.
    func testDiffersBetweenCalls() throws {
        var seen = Set<[UInt8]>()
        for _ in 0..<100 {
            XCTAssertTrue(seen.insert(try SecureRandom.bytes(32)).inserted, "repeated 32-byte output")
        }
        // Not all zero: the buffer starts zeroed, so an unfilled buffer would show here.
        let big = try SecureRandom.bytes(4096)
        XCTAssertNotEqual(big, [UInt8](repeating: 0, count: 4096))
        // Every byte value turns up in 64 KiB (missing one has probability about 256 * e^-256).
        let histogram = Set(try SecureRandom.bytes(65_536))
        XCTAssertEqual(histogram.count, 256)
    }

    func testRejectsNegativeCount() {
        for count in [-1, Int.min, Int(Int32.max) + 1] {
            XCTAssertThrowsError(try SecureRandom.bytes(count), "count \(count)") { error in
                XCTAssertEqual((error as? CryptoError)?.code, .invalidParameter)
            }
        }
    }
}
