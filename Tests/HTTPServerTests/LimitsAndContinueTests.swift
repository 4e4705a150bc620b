import HTTP
import HTTPServer
import Transport
import XCTest

final class LimitsAndContinueTests: XCTestCase {
    func testMalformedAndOversizedRequestsGetTheirStatusAndAClose() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { config in
            config.limits = HTTPParserLimits(maxStartLineLength: 256, maxHeaderBytes: 512, maxHeaderCount: 10, maxBodySize: 1000)
        }
        let cases: [(String, String, Int)] = [
            ("header section too large", "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 600))\r\n\r\n", 431),
            ("too many fields", "GET /hello HTTP/1.1\r\nHost: x\r\n" + (0..<11).map { "X-\($0): 1\r\n" }.joined() + "\r\n", 431),
            ("request line too long", "GET /\(String(repeating: "a", count: 300)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            ("body too large", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413),
            ("smuggling: CL and TE", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            ("smuggling: differing CL", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
            ("smuggling: TE not chunked last", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
            ("unsupported coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
            ("obs-fold", "GET /hello HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400),
            ("no Host", "GET /hello HTTP/1.1\r\n\r\n", 400),
            ("HTTP/2.0", "GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505),
            ("chunked body too large", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" + String(repeating: "z", count: 1001) + "\r\n0\r\n\r\n", 413),
            ("bad chunk", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ]
        for (name, raw, status) in cases {
            let client = try await RawClient(port: port)
            // A good request first shows the error also ends a connection that was in use.
            try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" + raw)
            let ok = try await client.readResponse()
            XCTAssertEqual(ok.status, 200, name)
            let r = try await client.readResponse(method: .post)
            XCTAssertEqual(r.status, status, name)
            XCTAssertEqual(r.header("connection"), "close", name)
            XCTAssertEqual(r.header("content-type"), "application/problem+json", name)
            let closed = await client.readUntilClosed()
            XCTAssertTrue(closed, "\(name): the connection is closed after the error")
            client.close()
        }
        await server.shutdown(deadline: .seconds(2))
    }

    func testExpectContinueSendsContinueOnFirstBodyRead() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router())
        let client = try await RawClient(port: port)
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await client.readResponse(method: .post)
        XCTAssertEqual(interim.status, 100)
        try await client.send("ping")
        let final = try await client.readResponse(method: .post)
        XCTAssertEqual(final.status, 200)
        XCTAssertEqual(final.text, "ping")
        try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let next = try await client.readResponse()
        XCTAssertEqual(next.text, "Hello, World!")
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testExpectContinueRefusedWithoutReadingTheBody() async throws {
        var router = Router()
        router.put("/upload") { _, _ in throw HTTPServerError.problem(.forbidden, "no uploads here") }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        try await client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
        let r = try await client.readResponse(method: .put)
        XCTAssertEqual(r.status, 403, "the final status comes instead of 100 Continue")
        XCTAssertEqual(r.header("connection"), "close")
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testExpectContinueRejectedByBodyLimitBeforeTheBody() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.limits.maxBodySize = 10 }
        let client = try await RawClient(port: port)
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        let r = try await client.readResponse(method: .post)
        XCTAssertEqual(r.status, 413)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testUnreadBodyIsDiscardedAndTheConnectionStaysUsable() async throws {
        var router = Router()
        router.post("/ignore") { _, _ in .text("ignored") }
        router.get("/hello") { _, _ in .text("hi") }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        try await client.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "q", count: 5000)
            + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let a = try await client.readResponse(method: .post)
        let b = try await client.readResponse()
        XCTAssertEqual([a.text, b.text], ["ignored", "hi"])
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }
}
