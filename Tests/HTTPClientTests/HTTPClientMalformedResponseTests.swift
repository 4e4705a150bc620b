import HTTP
import HTTPClient
import Transport
import XCTest

/// A raw TCP server that answers every request with fixed bytes: responses no real server should
/// send. The client must fail with the right code, never trap, and never pool such a connection.
final class HTTPClientMalformedResponseTests: XCTestCase {
    /// Accepts connections; on each, reads one request head, writes `answer`, then closes (or
    /// holds the connection open when `close` is false).
    final class RawServer: @unchecked Sendable {
        let listener: TCPListener
        let task: Task<Void, Never>

        init(answer: [UInt8], close: Bool = true) throws {
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            self.listener = listener
            task = Task {
                while let connection = try? await listener.accept() {
                    Task {
                        var received: [UInt8] = []
                        while !received.ends(with: [13, 10, 13, 10]) {
                            guard let n = try? await connection.read(into: &received, maxBytes: 4096, deadline: .after(.seconds(5))), n > 0 else { break }
                        }
                        try? await connection.write(answer, deadline: .after(.seconds(5)))
                        if close {
                            connection.close()
                        } else {
                            try? await EventLoop.shared.sleep(until: .after(.seconds(3)))
                            connection.close()
                        }
                    }
                }
            }
        }

        var url: String { "http://127.0.0.1:\(listener.port)/" }

        func stop() {
            listener.close()
            task.cancel()
        }
    }

    func check(_ answer: String, expect code: HTTPClientError.Code, whileReadingBody: Bool = false, close: Bool = true,
               file: StaticString = #filePath, line: UInt = #line) async throws {
        let server = try RawServer(answer: Array(answer.utf8), close: close)
        defer { server.stop() }
        var configuration = HTTPClientConfiguration()
        configuration.maxRetries = 0
        configuration.requestTimeout = .seconds(2)
        configuration.readTimeout = .milliseconds(500)
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        do {
            let response = try await client.get(server.url)
            XCTAssertTrue(whileReadingBody, "the head should have failed: \(answer.debugDescription)", file: file, line: line)
            _ = try await response.collect(upTo: 1 << 20)
            XCTFail("expected \(code) for \(answer.debugDescription)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(answer.debugDescription): \(error)", file: file, line: line)
        }
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(server.url)), .init(idle: 0, inUse: 0), file: file, line: line)
    }

    func testGarbageAndBrokenFramingAreInvalidResponses() async throws {
        try await check("garbage\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/1.1 2000 OK\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", expect: .invalidResponse)
        try await check("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/1.1 200 OK\r\n folded: header\r\n\r\n", expect: .invalidResponse)
        try await check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", expect: .invalidResponse, whileReadingBody: true)
        let hugeHeader = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n"
        try await check(hugeHeader, expect: .invalidResponse)
    }

    func testEarlyCloseIsConnectionClosed() async throws {
        try await check("", expect: .connectionClosed)
        try await check("HTTP/1.1 200 OK\r\nContent-Le", expect: .connectionClosed)
        try await check("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", expect: .connectionClosed, whileReadingBody: true)
        try await check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", expect: .connectionClosed, whileReadingBody: true)
    }

    func testAStalledBodyTimesOut() async throws {
        try await check("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", expect: .requestTimeout, whileReadingBody: true, close: false)
    }

    func testBytesAfterTheResponseMeanTheConnectionIsNotReused() async throws {
        let server = try RawServer(answer: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA".utf8), close: false)
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let body = try await client.get(server.url).collect(upTo: 100)
        XCTAssertEqual(body, Array("ok".utf8))
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(server.url)), .init(idle: 0, inUse: 0))
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
