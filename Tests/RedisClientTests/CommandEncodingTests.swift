import RESP
@testable import RedisClient
import XCTest

/// Commands encode as RESP arrays of bulk strings, byte for byte what RESPEncoder.encodeCommand writes.
final class CommandEncodingTests: XCTestCase {
    private func assertEncodes(_ command: some RedisCommand, _ words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(RedisCommandEncoder.encode(command), RESPEncoder.encodeCommand(words), file: file, line: line)
    }

    func testStrings() {
        assertEncodes(GET("k"), ["GET", "k"])
        assertEncodes(SET("k", "v"), ["SET", "k", "v"])
        assertEncodes(SET("k", "v", condition: .ifNotExists, expiry: .seconds(10)), ["SET", "k", "v", "NX", "EX", "10"])
        assertEncodes(SET("k", [UInt8]([0, 13, 10]), condition: .ifExists, expiry: .milliseconds(1500), returnOld: true),
                      ["SET", "k", "\u{0}\r\n", "XX", "GET", "PX", "1500"])
        assertEncodes(INCR("n"), ["INCR", "n"])
        assertEncodes(INCRBY("n", by: -42), ["INCRBY", "n", "-42"])
        assertEncodes(INCRBY("n", by: Int.min), ["INCRBY", "n", String(Int.min)])
        assertEncodes(MSET([("a", "1"), ("b", "2")]), ["MSET", "a", "1", "b", "2"])
        assertEncodes(EXPIRE("k", after: .milliseconds(2500)), ["PEXPIRE", "k", "2500"])
        assertEncodes(EXPIRE("k", after: .seconds(7)), ["EXPIRE", "k", "7"])
    }

    func testOthers() {
        assertEncodes(ZADD("z", [(score: 1.5, member: "a"), (score: -.infinity, member: "b")], condition: .ifGreater, countChanged: true),
                      ["ZADD", "z", "GT", "CH", "1.5", "a", "-inf", "b"])
        assertEncodes(BLPOP(["a", "b"], timeout: .milliseconds(1500)), ["BLPOP", "a", "b", "1.5"])
        assertEncodes(XREADGROUP(group: "g", consumer: "c", streams: [(key: "s1", id: ">"), (key: "s2", id: "0")], count: 10, block: .seconds(2)),
                      ["XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "2000", "STREAMS", "s1", "s2", ">", "0"])
        assertEncodes(SCAN(cursor: "17", match: "user:*", count: 100), ["SCAN", "17", "MATCH", "user:*", "COUNT", "100"])
        assertEncodes(RawCommand("CLIENT", "INFO"), ["CLIENT", "INFO"])
    }

    func testPipelineConcatenatesCommands() {
        var pipeline = RedisPipeline()
        pipeline.append(GET("a"))
        pipeline.append(SET("b", "1"))
        XCTAssertEqual(pipeline.count, 2)
        XCTAssertEqual(pipeline.encoded, RESPEncoder.encodeCommand(["GET", "a"]) + RESPEncoder.encodeCommand(["SET", "b", "1"]))
    }

    func testScriptDigestIsSHA1OfSource() {
        // SCRIPT LOAD "return 1" answers this digest.
        XCTAssertEqual(RedisScript("return 1").sha1, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    func testServerErrorKeepsPrefix() {
        let error = RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")
        XCTAssertEqual(error.code, .server)
        XCTAssertEqual(error.serverPrefix, "WRONGTYPE")
        XCTAssertEqual(error.message, "Operation against a key holding the wrong kind of value")
        XCTAssertFalse(error.isRetriable)
        XCTAssertTrue(RedisError.server("MOVED 3999 127.0.0.1:6381").isRetriable)
    }
}
