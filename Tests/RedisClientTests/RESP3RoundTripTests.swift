import PeerTestSupport
import RESP
import RedisClient
import Transport
import XCTest

/// Every reply type redis-server can produce, made with DEBUG PROTOCOL (the peers harness starts the
/// server with `--enable-debug-command local`), decoded and re-encoded byte for byte.
///
/// Not covered because redis-server never sends them: the bulk error `!` (the server only sends `-`
/// errors) and streamed strings/aggregates (RESP3's `$?` / `*?`, unimplemented in Redis).
final class RESP3RoundTripTests: XCTestCase {
    private static let cases: [(name: String, value: RESPValue)] = [
        ("string", .bulk("Hello World")),
        ("integer", .integer(12345)),
        ("double", .double(3.141)),
        ("bignum", .bigNumber("1234567999999999999999999999999999999")),
        ("null", .null),
        ("array", .array([.integer(0), .integer(1), .integer(2)])),
        ("set", .set([.integer(0), .integer(1), .integer(2)])),
        ("map", .map([RESPPair(.integer(0), .boolean(false)), RESPPair(.integer(1), .boolean(true)),
                      RESPPair(.integer(2), .boolean(false))])),
        ("attrib", .attribute([RESPPair(.bulk("key-popularity"), .array([.bulk("key:123"), .integer(90)]))],
                              .bulk("Some real reply following the attribute"))),
        ("push", .push([.bulk("server-cpu-usage"), .integer(42)])),
        ("verbatim", .verbatimString(format: "txt", text: Array("This is a verbatim\nstring".utf8))),
        ("true", .boolean(true)),
        ("false", .boolean(false)),
    ]

    /// Raw bytes from the server: decode whole, byte by byte, and re-encode to the same bytes.
    func testEveryTypeDecodesAndReencodesExactly() async throws {
        let configuration = try PeerEnvironment.redisConfiguration()
        let tcp = try await TCPConnection.connect(host: configuration.host, port: configuration.port, deadline: .after(.seconds(5)))
        defer { tcp.close() }
        var decoder = RESPDecoder()
        _ = try await exchange(tcp, &decoder, ["HELLO", "3"])
        var checked = 0
        for (name, expected) in Self.cases {
            let (values, bytes) = try await exchange(tcp, &decoder, ["DEBUG", "PROTOCOL", name],
                                                     replies: name == "push" ? 2 : 1)
            XCTAssertEqual(values[0], expected, name)
            if name == "push" { XCTAssertEqual(values[1], .bulk("Some real reply following the push reply")) }
            var reencoded: [UInt8] = []
            for value in values { try RESPEncoder.encode(value, into: &reencoded) }
            XCTAssertEqual(reencoded, bytes, "\(name): re-encoding differs from the server's bytes")
            var drip = RESPDecoder()
            var dripped: [RESPValue] = []
            for byte in bytes {
                drip.append([byte])
                while let value = try drip.next() { dripped.append(value) }
            }
            XCTAssertEqual(dripped, values, "\(name) byte by byte")
            checked += 1
        }
        print("RESP3 round trips: \(checked) of \(Self.cases.count) reply types checked")
        XCTAssertEqual(checked, Self.cases.count)
    }

    /// The same replies through the client: attributes are stripped for typed commands and kept by raw
    /// `send`; the push frame is routed aside and the ordinary reply after it is the answer.
    func testClientReceivesEveryType() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        XCTAssertEqual(connection.protocolVersion, 3)
        for (name, expected) in Self.cases {
            let reply = try await connection.send(["DEBUG", "PROTOCOL", name])
            if name == "push" {
                XCTAssertEqual(reply, .bulk("Some real reply following the push reply"))
            } else {
                XCTAssertEqual(reply, expected, name)
            }
        }
        // Typed decoding of RESP3-only shapes.
        await assertEqual(try await connection.send(PING()), "PONG")
        await assertEqual(try await RedisReply.double(connection.send(["DEBUG", "PROTOCOL", "double"])), 3.141)
        await assertEqual(try await RedisReply.boolean(connection.send(["DEBUG", "PROTOCOL", "true"])), true)
        await assertEqual(try await RedisReply.string(connection.send(["DEBUG", "PROTOCOL", "verbatim"])), "This is a verbatim\nstring")
    }

    private func exchange(_ tcp: TCPConnection, _ decoder: inout RESPDecoder, _ words: [String],
                          replies: Int = 1) async throws -> ([RESPValue], [UInt8]) {
        try await tcp.write(RESPEncoder.encodeCommand(words), deadline: .after(.seconds(5)))
        var bytes: [UInt8] = []
        var values: [RESPValue] = []
        while values.count < replies {
            if let value = try decoder.next() { values.append(value); continue }
            let chunk = try await tcp.read(maxBytes: 65536, deadline: .after(.seconds(5)))
            guard !chunk.isEmpty else { throw RedisError(.connectionLost, "server closed") }
            bytes += chunk
            decoder.append(chunk)
        }
        return (values, bytes)
    }
}
