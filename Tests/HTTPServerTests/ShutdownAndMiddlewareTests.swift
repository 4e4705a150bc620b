import Foundation
import HTTP
import HTTPServer
import Transport
import XCTest

final class ShutdownAndMiddlewareTests: XCTestCase {
    func testGracefulShutdownFinishesInFlightClosesIdleAndStopsAccepting() async throws {
        var router = Router()
        router.get("/slow") { _, _ in
            try await EventLoop.shared.sleep(until: .after(.milliseconds(400)))
            return .text("finished")
        }
        router.get("/hello") { _, _ in .text("hi") }
        let (server, port) = try startServer(router)
        let idle = try await RawClient(port: port)
        try await idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await idle.readResponse()
        let busy = try await RawClient(port: port)
        try await busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await EventLoop.shared.sleep(until: .after(.milliseconds(100)))

        let runReturned = Counter()
        let runner = Task {
            try await server.run()
            runReturned.add("returned")
        }
        let shutdown = Task { await server.shutdown(deadline: .seconds(5)) }

        let idleClosed = await idle.readUntilClosed(timeout: .seconds(1))
        XCTAssertTrue(idleClosed, "an idle keep-alive connection is closed at once")
        let r = try await busy.readResponse()
        XCTAssertEqual(r.text, "finished", "the request in flight completes")
        XCTAssertEqual(r.header("connection"), "close")
        let busyClosed = await busy.readUntilClosed(timeout: .seconds(1))
        XCTAssertTrue(busyClosed)
        await shutdown.value
        try await runner.value
        XCTAssertEqual(runReturned.all, ["returned"], "run() returns after shutdown")
        do {
            let late = try await RawClient(port: port)
            try await late.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try await late.readResponse(timeout: .seconds(1))
            XCTFail("a new connection was served after shutdown")
        } catch {}
    }

    func testShutdownDeadlineClosesRequestsThatDoNotFinish() async throws {
        var router = Router()
        router.get("/forever") { _, _ in
            try await EventLoop.shared.sleep(until: .after(.seconds(60)))
            return .text("never")
        }
        let (server, port) = try startServer(router) { $0.handlerTimeout = nil }
        let client = try await RawClient(port: port)
        try await client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        try await EventLoop.shared.sleep(until: .after(.milliseconds(50)))
        let start = Deadline.now()
        await server.shutdown(deadline: .milliseconds(300))
        XCTAssertLessThan(Deadline.now().elapsed(since: start), .seconds(3))
        XCTAssertEqual(server.openConnections, 0)
        let closed = await client.readUntilClosed(timeout: .seconds(2))
        XCTAssertTrue(closed)
    }

    func testMiddlewareChain() async throws {
        let log = Counter()
        let metrics = Counter()
        var router = Router()
        router.use(RequestIDMiddleware())
        router.use(AccessLogMiddleware { entry in log.add("\(entry.method) \(entry.target) \(entry.route ?? "-") \(entry.status)") })
        router.use(MetricsMiddleware { method, route, status, _ in metrics.add("\(method) \(route) \(status)") })
        router.use(AuthMiddleware(isPublic: { $0.path == "/public" }) { request in
            request.headers["authorization"] == "Bearer good" ? "alice" : nil
        })
        router.get("/whoami/:x") { _, context in .text("\(context.principal as? String ?? "?") \(context.requestID ?? "?")") }
        router.get("/public") { _, context in .text("open \(context.requestID?.count ?? 0)") }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)

        try await client.send("GET /whoami/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nX-Request-ID: abc-123\r\n\r\n")
        var r = try await client.readResponse()
        XCTAssertEqual(r.text, "alice abc-123")
        XCTAssertEqual(r.header("x-request-id"), "abc-123")

        try await client.send("GET /whoami/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.status, 401)
        XCTAssertEqual(r.header("www-authenticate"), "Bearer")
        XCTAssertEqual(r.header("x-request-id")?.count, 32, "a generated id is on error responses too")

        try await client.send("GET /public HTTP/1.1\r\nHost: x\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.text, "open 32")

        try await client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.status, 401, "authentication comes before routing, so unknown paths reveal nothing")
        try await client.send("GET /missing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.status, 404)
        XCTAssertNotNil(r.header("x-request-id"))

        XCTAssertEqual(log.all, ["GET /whoami/1 /whoami/:x 200", "GET /whoami/2 /whoami/:x 401", "GET /public /public 200",
                                 "GET /missing - 401", "GET /missing - 404"])
        XCTAssertEqual(metrics.all, ["GET /whoami/:x 200", "GET /whoami/:x 401", "GET /public 200", "GET unmatched 401", "GET unmatched 404"])
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    struct NewTask: Codable, Equatable {
        var name: String
        var priority: Int
    }

    func testJSONHelpers() async throws {
        var router = Router()
        router.post("/tasks") { request, _ in
            var task = try await request.decodeJSON(NewTask.self)
            task.priority += 1
            return try .json(task, status: .created)
        }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        func post(_ body: String, contentType: String = "application/json") async throws -> ReceivedResponse {
            try await client.send("POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            return try await client.readResponse(method: .post)
        }
        var r = try await post(#"{"name":"resize","priority":4}"#)
        XCTAssertEqual(r.status, 201)
        XCTAssertEqual(r.header("content-type"), "application/json")
        XCTAssertEqual(try JSONDecoder().decode(NewTask.self, from: Data(r.body)), NewTask(name: "resize", priority: 5))
        r = try await post(#"{"name":"resize"}"#)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.header("content-type"), "application/problem+json")
        XCTAssertTrue(r.text.contains("missing key `priority`"), r.text)
        r = try await post("not json")
        XCTAssertEqual(r.status, 400)
        r = try await post("<task/>", contentType: "application/xml")
        XCTAssertEqual(r.status, 415)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }
}
