import PeerTestSupport
import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Synchronization
import Transport
import XCTest

/// The client against our own HTTPServer on loopback.
final class HTTPClientOurServerTests: XCTestCase {
    var server: HTTPServer!
    var base = ""

    func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var router = Router()
        router.get("/hello") { _, _ in .text("Hello, World!") }
        router.post("/echo") { request, _ in
            .bytes(try await request.body.collect(upTo: 1 << 20), contentType: request.headers["content-type"] ?? "application/octet-stream")
        }
        router.post("/count") { request, _ in
            var total = 0
            for try await chunk in request.body { total += chunk.count }
            return .text(String(total))
        }
        router.get("/stream/:chunks") { _, context in
            let chunks = Int(context.parameters["chunks"] ?? "") ?? 0
            return .stream { writer in
                for i in 0..<chunks { try await writer.write(Array("chunk \(i);".utf8)) }
            }
        }
        router.get("/slow") { _, _ in
            try await EventLoop.shared.sleep(until: .after(.milliseconds(100)))
            return .text("slow")
        }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        server = HTTPServer(configuration: configuration, router: router)
        try server.start()
        base = "http://127.0.0.1:\(server.port ?? 0)"
    }

    override func tearDown() async throws {
        await server?.shutdown(deadline: .seconds(2))
    }

    func testKeepAliveOnOneConnection() async throws {
        try startServer()
        let client = HTTPClient()
        defer { client.shutdown() }
        for _ in 0..<50 {
            let body = try await client.get(base + "/hello").collect(upTo: 64)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "Hello, World!")
        }
        XCTAssertEqual(server.openConnections, 1)
    }

    func testChunkedStreamingResponse() async throws {
        try startServer()
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.get(base + "/stream/200")
        XCTAssertEqual(response.headers["transfer-encoding"], "chunked")
        let body = String(decoding: try await response.collect(upTo: 1 << 20), as: UTF8.self)
        XCTAssertEqual(body, (0..<200).map { "chunk \($0);" }.joined())
        // And the connection is reused afterwards.
        _ = try await client.get(base + "/hello").collect(upTo: 64)
        XCTAssertEqual(server.openConnections, 1)
    }

    func testEchoAndLargeChunkedUpload() async throws {
        try startServer { $0.limits.maxBodySize = 1 << 30 }
        let client = HTTPClient()
        defer { client.shutdown() }
        let json = Array(#"{"hello":"world"}"#.utf8)
        let echoed = try await client.post(base + "/echo", headers: ["Content-Type": "application/json"], body: .bytes(json))
        XCTAssertEqual(echoed.headers["content-type"], "application/json")
        let echoedBody = try await echoed.collect(upTo: 1024)
        XCTAssertEqual(echoedBody, json)

        let chunk = [UInt8](repeating: 1, count: 128 * 1024)
        let count = 512  // 64 MiB, chunked
        let response = try await client.post(base + "/count", body: .stream { writer in
            for _ in 0..<count { try await writer.write(chunk) }
        })
        let total = String(decoding: try await response.collect(upTo: 64), as: UTF8.self)
        XCTAssertEqual(total, String(chunk.count * count))
    }

    func testAnEarlyAnswerToAnUploadIsReturned() async throws {
        // The server refuses a body over its limit from the Content-Length alone and closes; the
        // client, still writing, gets a broken connection but returns the 413 that was sent.
        try startServer { $0.limits.maxBodySize = 1 << 20 }
        let client = HTTPClient()
        defer { client.shutdown() }
        let chunk = [UInt8](repeating: 7, count: 1 << 20)
        let response = try await client.post(base + "/count", body: .stream(length: 64 << 20) { writer in
            for _ in 0..<64 { try await writer.write(chunk) }
        })
        XCTAssertEqual(response.status, .contentTooLarge)
        _ = try? await response.collect(upTo: 1 << 16)
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(base + "/")), .init(idle: 0, inUse: 0))
        let hello = try await client.get(base + "/hello").collect(upTo: 64)
        XCTAssertEqual(String(decoding: hello, as: UTF8.self), "Hello, World!")
    }

    func testExpectContinueSendsTheBodyAfter100() async throws {
        try startServer()
        let client = HTTPClient()
        defer { client.shutdown() }
        let chunk = [UInt8](repeating: 3, count: 64 * 1024)
        let response = try await client.post(base + "/count", headers: ["Expect": "100-continue"],
                                             body: .stream(length: 16 * chunk.count) { writer in
            for _ in 0..<16 { try await writer.write(chunk) }
        })
        XCTAssertEqual(response.status, .ok)
        let count = String(decoding: try await response.collect(upTo: 64), as: UTF8.self)
        XCTAssertEqual(count, String(16 * chunk.count))
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(base + "/")).idle, 1, "a 100-continue exchange keeps the connection")
    }

    func testExpectContinueRefusedMeansTheBodyIsNeverSent() async throws {
        try startServer { $0.limits.maxBodySize = 1 << 20 }
        let client = HTTPClient()
        defer { client.shutdown() }
        let produced = Mutex(false)
        let response = try await client.post(base + "/count", headers: ["Expect": "100-continue"],
                                             body: .stream(length: 64 << 20) { writer in
            produced.withLock { $0 = true }
            try await writer.write([0])
        })
        XCTAssertEqual(response.status, .contentTooLarge)
        _ = try? await response.collect(upTo: 1 << 16)
        XCTAssertFalse(produced.withLock { $0 }, "the body producer never ran")
    }

    func testConcurrentRequestsStayWithinThePoolLimit() async throws {
        try startServer()
        let client = HTTPClient(configuration: { var c = HTTPClientConfiguration(); c.maxConnectionsPerHost = 4; return c }())
        defer { client.shutdown() }
        let url = base + "/slow"
        let server = self.server!
        let maxSeen = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let body = try await client.get(url).collect(upTo: 64)
                    XCTAssertEqual(String(decoding: body, as: UTF8.self), "slow")
                    return server.openConnections
                }
            }
            var maxSeen = 0
            for try await open in group { maxSeen = max(maxSeen, open) }
            return maxSeen
        }
        XCTAssertLessThanOrEqual(maxSeen, 4)
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(base + "/")).inUse, 0)
    }

    func testServerIdleCloseIsTransparent() async throws {
        // The server drops idle keep-alive connections after 200 ms; the client's pooled one is
        // then stale, and the next request must still succeed (stale check or retry).
        try startServer { $0.keepAliveIdleTimeout = .milliseconds(200) }
        let client = HTTPClient()
        defer { client.shutdown() }
        for _ in 0..<3 {
            let body = try await client.get(base + "/hello").collect(upTo: 64)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "Hello, World!")
            try await Task.sleep(for: .milliseconds(400))
        }
    }

    func testHTTPSAgainstOurServer() async throws {
        let pki = try TestPKI.make()
        let context = try TLSContext(.server(certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey), server: true)
        try startServer { $0.tls = context }
        let client = HTTPClient(configuration: { var c = HTTPClientConfiguration(); c.tls = .client(trust: .caFile(pki.caCertificate)); return c }())
        defer { client.shutdown() }
        let url = "https://localhost:\(server.port ?? 0)"
        for _ in 0..<3 {
            let body = try await client.post(url + "/echo", body: .string("secret")).collect(upTo: 64)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "secret")
        }
        XCTAssertEqual(server.openConnections, 1)
    }
}
