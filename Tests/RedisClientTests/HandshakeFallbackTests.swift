import RESP
import RedisClient
import Transport
import XCTest

/// A server from before RESP3 (no HELLO) emulated on a socket: the client must fall back to
/// AUTH user pass, CLIENT SETNAME and SELECT over RESP2, in that order.
final class HandshakeFallbackTests: XCTestCase {
    func testServerWithoutHELLOGetsAUTHAndRESP2() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let server = Task { () throws -> [[String]] in
            let connection = try await listener.accept(deadline: .after(.seconds(5)))
            defer { connection.close() }
            var decoder = RESPDecoder()
            var seen: [[String]] = []
            let answers: [String: String] = [
                "HELLO": "-ERR unknown command 'HELLO', with args beginning with: '3'\r\n",
                "AUTH": "+OK\r\n", "CLIENT": "+OK\r\n", "SELECT": "+OK\r\n", "GET": "$5\r\nvalue\r\n",
            ]
            while seen.count < 5 {
                if let command = try decoder.next() {
                    guard case .array(let items?) = command else { throw RedisError(.protocolViolation, "not a command") }
                    let words = items.map { item -> String in
                        if case .bulkString(let bytes?) = item { return String(decoding: bytes, as: UTF8.self) }
                        return "?"
                    }
                    seen.append(words)
                    try await connection.write(Array((answers[words[0]] ?? "-ERR unexpected\r\n").utf8), deadline: .after(.seconds(5)))
                    continue
                }
                let chunk = try await connection.read(maxBytes: 4096, deadline: .after(.seconds(5)))
                if chunk.isEmpty { break }
                decoder.append(chunk)
            }
            return seen
        }
        var configuration = RedisConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.username = "app"
        configuration.password = "secret"
        configuration.clientName = "worker-1"
        configuration.database = 2
        let connection = try await RedisConnection.connect(configuration)
        defer { connection.close() }
        XCTAssertEqual(connection.protocolVersion, 2)
        await assertEqual(try await connection.send(GET("k"))?.text, "value")
        let seen = try await server.value
        XCTAssertEqual(seen, [
            ["HELLO", "3", "AUTH", "app", "secret", "SETNAME", "worker-1"],
            ["AUTH", "app", "secret"],
            ["CLIENT", "SETNAME", "worker-1"],
            ["SELECT", "2"],
            ["GET", "k"],
        ])
    }
}
