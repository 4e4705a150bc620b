import RedisClient
import XCTest

final class RedisConfigurationTests: XCTestCase {
    func testFullURL() throws {
        let c = try RedisConfiguration(url: "redis://alice:s%40cret@cache.example:6380/3")
        XCTAssertEqual(c.host, "cache.example")
        XCTAssertEqual(c.port, 6380)
        XCTAssertEqual(c.username, "alice")
        XCTAssertEqual(c.password, "s@cret")
        XCTAssertEqual(c.database, 3)
        XCTAssertNil(c.tls)
    }

    func testDefaultsAndPasswordOnly() throws {
        let plain = try RedisConfiguration(url: "redis://localhost")
        XCTAssertEqual(plain.port, 6379)
        XCTAssertEqual(plain.database, 0)
        XCTAssertNil(plain.username)
        XCTAssertNil(plain.password)
        let passwordOnly = try RedisConfiguration(url: "redis://:pw@h:1")
        XCTAssertNil(passwordOnly.username)
        XCTAssertEqual(passwordOnly.password, "pw")
        let lone = try RedisConfiguration(url: "redis://pw@h")
        XCTAssertEqual(lone.password, "pw")
    }

    func testTLSAndIPv6() throws {
        let c = try RedisConfiguration(url: "rediss://[::1]:7000/1")
        XCTAssertNotNil(c.tls)
        XCTAssertEqual(c.host, "::1")
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.database, 1)
    }

    func testRejectsBadURLs() {
        for url in ["http://h", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x", "redis://h/db", "redis://u:%zz@h", "redis://[::1"] {
            XCTAssertThrowsError(try RedisConfiguration(url: url), url) { error in
                XCTAssertEqual((error as? RedisError)?.code, .invalidArgument, url)
            }
        }
    }
}
