import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire redis` against redis-server from the peers harness.
final class WireRedisCommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    func redis(_ arguments: [String]) throws -> ProcessResult {
        let url = try PeerEnvironment.load().require("SWITCHYARD_REDIS_URL")
        return try ProcessRunner.run(switchyard, ["wire", "redis", "--url", url] + arguments)
    }

    func testCommandsPrintLikeRedisCliAndAsJSON() throws {
        let key = "wire:\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(try redis(["SET", key, "hello world"]).stdout, "OK\n")
        XCTAssertEqual(try redis(["GET", key]).stdout, "\"hello world\"\n")
        XCTAssertEqual(try redis(["--json", "GET", key]).stdout, "\"hello world\"\n")
        XCTAssertEqual(try redis(["HSET", key + ":h", "a", "1", "b", "2"]).stdout, "(integer) 2\n")
        XCTAssertEqual(try redis(["--resp3", "HGETALL", key + ":h"]).stdout, "1) \"a\" => \"1\"\n2) \"b\" => \"2\"\n")
        XCTAssertEqual(try redis(["--resp3", "--json", "HGETALL", key + ":h"]).stdout, "{\"a\":\"1\",\"b\":\"2\"}\n")
        XCTAssertEqual(try redis(["GET", key + ":missing"]).stdout, "(nil)\n")
        let wrongType = try redis(["LPUSH", key, "x"])
        XCTAssertNotEqual(wrongType.status, 0)
        XCTAssertTrue(wrongType.stderr.contains("WRONGTYPE"), wrongType.stderr)
    }

    func testTraceAnnotatesEveryTokenAndPcapHoldsTheConversation() throws {
        let pcap = FileManager.default.temporaryDirectory.appendingPathComponent("wire-redis-\(UInt32.random(in: 0...UInt32.max)).pcap")
        defer { try? FileManager.default.removeItem(at: pcap) }
        let result = try redis(["--resp3", "--trace", "--pcap", pcap.path, "ECHO", "abc"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "\"abc\"\n")
        for line in [">>> sent RESP, 22 bytes: array (2): \"HELLO\" \"3\"",
                     ">>> sent RESP, 23 bytes: array (2): \"ECHO\" \"abc\"",
                     "0000  2a 32 0d 0a                          array header                 2 elements",
                     "0008  45 43 48 4f 0d 0a                      bulk string                \"ECHO\"",
                     "<<< received RESP, 9 bytes: bulk string \"abc\""] {
            XCTAssertTrue(result.stderr.contains(line), "trace lacks: \(line)\n\(result.stderr)")
        }
        let bytes = try [UInt8](Data(contentsOf: pcap))
        XCTAssertEqual(Array(bytes.prefix(4)), [0xD4, 0xC3, 0xB2, 0xA1])
        // The request's bytes are in the capture, after the handshake.
        XCTAssertNotNil(bytes.firstRange(of: Array("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n".utf8)))
    }

    func testSubscribeReceivesWhatIsPublished() throws {
        let channel = "wire-news-\(UInt32.random(in: 0...UInt32.max))"
        let url = try PeerEnvironment.load().require("SWITCHYARD_REDIS_URL")
        let binary = switchyard
        let publisher = Thread {
            for _ in 0..<50 {
                usleep(100_000)
                if let result = try? ProcessRunner.run(binary, ["wire", "redis", "--url", url, "PUBLISH", channel, "hi"]),
                   result.stdout != "(integer) 0\n" { return }
            }
        }
        publisher.start()
        let result = try ProcessRunner.run(switchyard, ["wire", "redis", "--url", url, "--json", "--max", "1", "SUBSCRIBE", channel])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "{\"subscribed\":[\"\(channel)\"]}\n{\"channel\":\"\(channel)\",\"pattern\":null,\"message\":\"hi\"}\n")
    }
}
