import HTTP
import HTTPServer
import Transport
import XCTest

final class KeepAliveAndRoutingTests: XCTestCase {
    static func router() -> Router {
        var router = Router()
        router.get("/hello") { _, _ in .text("Hello, World!") }
        router.post("/echo") { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            return .bytes(bytes, contentType: request.headers["content-type"] ?? "application/octet-stream")
        }
        router.get("/tasks/:id") { _, context in .text("task \(context.parameters["id"] ?? "?")") }
        router.get("/tasks/new") { _, _ in .text("new task form") }
        router.get("/users/:user/files/*") { _, context in
            .text("\(context.parameters["user"] ?? "")|\(context.parameters["*"] ?? "")")
        }
        router.delete("/tasks/:id") { _, context in
            let id: Int = try context.parameters.require("id")
            return .status(id == 1 ? .noContent : .notFound)
        }
        router.get("/tasks/:task/logs/:line") { _, context in
            .text("logs \(context.parameters["task"] ?? "?") \(context.parameters["line"] ?? "?") \(context.parameters.count)")
        }
        router.get("/query") { request, _ in .text(request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: ",")) }
        router.get("/fail") { _, _ in throw HTTPServerError.problem(.conflict, "task \"7\" is already running") }
        router.get("/crash") { _, _ in
            struct Secret: Error {}
            throw Secret()
        }
        return router
    }

    func testKeepAliveServesManyRequestsOnOneConnection() async throws {
        let (server, port) = try startServer(Self.router())
        let client = try await RawClient(port: port)
        for i in 0..<50 {
            try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            XCTAssertEqual(response.status, 200, "request \(i)")
            XCTAssertEqual(response.text, "Hello, World!")
            XCTAssertEqual(response.header("content-length"), "13")
            XCTAssertEqual(response.header("content-type"), "text/plain; charset=utf-8")
            XCTAssertNotNil(response.header("date"))
            XCTAssertNil(response.header("connection"))
        }
        XCTAssertEqual(server.openConnections, 1)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        let (server, port) = try startServer(Self.router())
        let client = try await RawClient(port: port)
        try await client.send("GET /tasks/1 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /tasks/2 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            + "GET /tasks/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        var texts: [String] = []
        for _ in 0..<5 { texts.append(try await client.readResponse().text) }
        XCTAssertEqual(texts, ["task 1", "hello", "task 2", "abcde", "task 3"])
        let closed = await client.readUntilClosed()
        XCTAssertTrue(closed, "Connection: close ends the connection after the last response")
        await server.shutdown(deadline: .seconds(2))
    }

    func testRoutesParametersAndErrors() async throws {
        let (server, port) = try startServer(Self.router())
        let client = try await RawClient(port: port)
        func get(_ target: String, method: String = "GET") async throws -> ReceivedResponse {
            try await client.send("\(method) \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
            return try await client.readResponse(method: HTTPMethod(method))
        }
        var r = try await get("/tasks/a%20b")
        XCTAssertEqual(r.text, "task a b")
        r = try await get("/tasks/new")
        XCTAssertEqual(r.text, "new task form", "a literal segment beats a parameter")
        r = try await get("/tasks/9/logs/3")
        XCTAssertEqual(r.text, "logs 9 3 2", "a route sharing a parameter position with /tasks/:id names its own parameters")
        r = try await get("/users/ann/files/a/b%2Fc.txt")
        XCTAssertEqual(r.text, "ann|a/b/c.txt")
        r = try await get("/query?b=2&a=x+y&c=%26")
        XCTAssertEqual(r.text, "b=2,a=x y,c=&")
        r = try await get("/nope")
        XCTAssertEqual(r.status, 404)
        XCTAssertEqual(r.header("content-type"), "application/problem+json")
        XCTAssertTrue(r.text.contains(#""status":404"#), r.text)
        r = try await get("/tasks/1", method: "PUT")
        XCTAssertEqual(r.status, 405)
        XCTAssertEqual(r.header("allow"), "GET, DELETE, HEAD")
        r = try await get("/tasks/1", method: "DELETE")
        XCTAssertEqual(r.status, 204)
        XCTAssertNil(r.header("content-length"), "204 carries no Content-Length")
        r = try await get("/tasks/x", method: "DELETE")
        XCTAssertEqual(r.status, 400)
        XCTAssertTrue(r.text.contains("path parameter `id` must be a Int"), r.text)
        r = try await get("/fail")
        XCTAssertEqual(r.status, 409)
        XCTAssertEqual(r.text, #"{"type":"about:blank","title":"Conflict","status":409,"detail":"task \"7\" is already running","instance":"/fail"}"#)
        r = try await get("/crash")
        XCTAssertEqual(r.status, 500)
        XCTAssertFalse(r.text.contains("Secret"), "internal errors are not leaked")
        r = try await get("/hello", method: "HEAD")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("content-length"), "13")
        XCTAssertEqual(r.body, [])
        r = try await get("/hello")
        XCTAssertEqual(r.text, "Hello, World!", "the connection is still in step after HEAD")
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testHTTP10ClosesUnlessKeepAliveIsAsked() async throws {
        let (server, port) = try startServer(Self.router())
        let client = try await RawClient(port: port)
        try await client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        var r = try await client.readResponse()
        XCTAssertEqual(r.header("connection"), "keep-alive")
        try await client.send("GET /hello HTTP/1.0\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.header("connection"), "close")
        let closed = await client.readUntilClosed()
        XCTAssertTrue(closed)
        await server.shutdown(deadline: .seconds(2))
    }

    func testChunkedUploadAndLargeEcho() async throws {
        let (server, port) = try startServer(Self.router())
        let client = try await RawClient(port: port)
        var body: [UInt8] = []
        for i in 0..<100_000 { body.append(UInt8(truncatingIfNeeded: i &* 31)) }
        var request = Array("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var rest = body[...]
        while !rest.isEmpty {
            HTTPChunkedEncoding.appendChunk(rest.prefix(7000), into: &request)
            rest = rest.dropFirst(7000)
        }
        try HTTPChunkedEncoding.appendEnd(trailers: ["X-Digest": "none"], into: &request)
        try await client.send(bytes: request)
        let r = try await client.readResponse()
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.body, body)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }
}
