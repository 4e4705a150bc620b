import RESP
import RedisClient
import Synchronization
import Transport
import XCTest

/// Reconnect semantics against a scripted server: a command in flight when the socket dies fails with
/// `connectionLost`; the next command goes out on a new socket (after a new HELLO); subscriptions are
/// renewed there and keep delivering.
final class ReconnectTests: XCTestCase {
    private static let hello = "%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n"

    /// Reads commands from `connection`, returning each as words, until `until` says stop.
    private static func commands(_ connection: TCPConnection, _ decoder: inout RESPDecoder) async throws -> [String] {
        while true {
            if let command = try decoder.next() {
                guard case .array(let items?) = command else { throw RedisError(.protocolViolation, "not a command") }
                return items.map { item -> String in
                    if case .bulkString(let bytes?) = item { return String(decoding: bytes, as: UTF8.self) }
                    return "?"
                }
            }
            let chunk = try await connection.read(maxBytes: 4096, deadline: .after(.seconds(10)))
            if chunk.isEmpty { throw RedisError(.connectionLost, "client closed") }
            decoder.append(chunk)
        }
    }

    /// First socket: HELLO, SUBSCRIBE (confirmed), then the socket dies on the next command.
    /// Second socket: HELLO, then answers whatever comes, and pushes a message once resubscribed.
    private static func serve(_ listener: TCPListener, _ seen: Shared<[[String]]>) async throws {
        let confirmation = ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
        let first = try await listener.accept(deadline: .after(.seconds(10)))
        var decoder = RESPDecoder()
        for _ in 0..<3 {
            let words = try await commands(first, &decoder)
            seen.withLock { $0.append(words) }
            switch words[0] {
            case "HELLO": try await first.write(Array(hello.utf8), deadline: .after(.seconds(5)))
            case "SUBSCRIBE": try await first.write(Array(confirmation.utf8), deadline: .after(.seconds(5)))
            default: first.close()
            }
        }
        let second = try await listener.accept(deadline: .after(.seconds(10)))
        defer { second.close() }
        var secondDecoder = RESPDecoder()
        while true {
            let words = try await commands(second, &secondDecoder)
            seen.withLock { $0.append(words) }
            let reply: String
            switch words[0] {
            case "HELLO": reply = hello
            case "SUBSCRIBE": reply = confirmation + ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nagain\r\n"
            case "GET": reply = "$2\r\nok\r\n"
            default: reply = "-ERR unexpected\r\n"
            }
            try await second.write(Array(reply.utf8), deadline: .after(.seconds(5)))
        }
    }

    func testInFlightFailsNextGoesOutOnNewSocketAndSubscriptionsAreRenewed() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let seen = Shared<[[String]]>([])
        let server = Task { try await ReconnectTests.serve(listener, seen) }
        defer { server.cancel() }

        var configuration = RedisConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.commandTimeout = .seconds(10)
        let connection = try await RedisConnection.connect(configuration)
        defer { connection.close() }
        let subscription = try await connection.subscribe(to: ["ch"])
        do {
            _ = try await connection.send(GET("in-flight"))
            XCTFail("the socket died with the command in flight")
        } catch {
            XCTAssertEqual(error.code, .connectionLost)
            XCTAssertTrue(error.isRetriable)
        }
        await assertEqual(try await connection.send(GET("next"))?.text, "ok")
        var iterator = subscription.makeAsyncIterator()
        let message = await iterator.next()
        XCTAssertEqual(message?.text, "again")
        XCTAssertEqual(message?.channel, "ch")
        let commands = seen.withLock { $0 }
        XCTAssertEqual(Array(commands.prefix(3)), [["HELLO", "3"], ["SUBSCRIBE", "ch"], ["GET", "in-flight"]])
        XCTAssertEqual(commands.dropFirst(3).first, ["HELLO", "3"], "a new handshake on the new socket")
        XCTAssertTrue(commands.dropFirst(4).contains(["SUBSCRIBE", "ch"]), "resubscribed: \(commands)")
        XCTAssertTrue(commands.dropFirst(4).contains(["GET", "next"]))
        XCTAssertFalse(commands.dropFirst(4).contains(["GET", "in-flight"]), "a maybe-executed command is never resent")
    }
}
