import PeerTestSupport
import RESP
import RedisClient
import XCTest

/// An ACL user limited to a key pattern: what it may not touch comes back as a typed NOPERM error.
final class ACLTests: XCTestCase {
    func testUserLimitedToKeyPatternGetsNOPERM() async throws {
        let admin = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { admin.close() }
        let user = "switchyard-limited-\(UInt32.random(in: 0..<UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0..<UInt64.max))"
        try await admin.send(["ACL", "SETUSER", user, "reset", "on", ">\(password)", "~allowed:*", "+@all"])
        defer { Task { try? await admin.send(["ACL", "DELUSER", user]) } }

        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.username = user
        configuration.password = password
        let limited = try await RedisConnection.connect(configuration)
        defer { limited.close() }

        let allowed = "allowed:\(UInt64.random(in: 0..<UInt64.max))"
        await assertEqual(try await limited.send(SET(allowed, "yes")).wasSet, true)
        await assertEqual(try await limited.send(GET(allowed))?.text, "yes")
        do {
            _ = try await limited.send(GET("forbidden:\(UInt64.random(in: 0..<UInt64.max))"))
            XCTFail("the user may not read outside ~allowed:*")
        } catch {
            XCTAssertEqual(error.code, .server)
            XCTAssertEqual(error.serverPrefix, "NOPERM")
            XCTAssertFalse(error.isRetriable)
            XCTAssertTrue(error.message.contains("key"), error.message)
        }
        // The connection goes on after the refusal.
        await assertEqual(try await limited.send(DEL(allowed)), 1)
    }

    func testWrongPasswordFailsTheHandshakeWithItsPrefix() async throws {
        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.username = "nobody-\(UInt32.random(in: 0..<UInt32.max))"
        configuration.password = "wrong"
        do {
            _ = try await RedisConnection.connect(configuration)
            XCTFail("the handshake must fail")
        } catch {
            XCTAssertEqual(error.code, .connectFailed)
            XCTAssertEqual(error.serverPrefix, "WRONGPASS")
        }
    }
}
