import HTTP
import HTTPServer
import Transport
import XCTest

final class TimeoutAndCapacityTests: XCTestCase {
    func testSlowHeadIsAnswered408() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.headerReadTimeout = .milliseconds(300) }
        let client = try await RawClient(port: port)
        let start = Deadline.now()
        try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")  // never finished (slowloris)
        try await EventLoop.shared.sleep(until: .after(.milliseconds(100)))
        try await client.send("X-Drip: 1\r\n")
        let r = try await client.readResponse()
        XCTAssertEqual(r.status, 408)
        XCTAssertEqual(r.header("connection"), "close")
        let elapsed = Deadline.now().elapsed(since: start)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(250), "dripping bytes does not extend the head deadline")
        let closed = await client.readUntilClosed()
        XCTAssertTrue(closed)
        await server.shutdown(deadline: .seconds(2))
    }

    func testSilentNewConnectionIsClosedAfterTheHeaderTimeout() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.headerReadTimeout = .milliseconds(200) }
        let client = try await RawClient(port: port)
        let closed = await client.readUntilClosed(timeout: .seconds(3))
        XCTAssertTrue(closed)
        await server.shutdown(deadline: .seconds(2))
    }

    func testIdleKeepAliveConnectionIsClosedQuietly() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.keepAliveIdleTimeout = .milliseconds(200) }
        let client = try await RawClient(port: port)
        try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await client.readResponse()
        let start = Deadline.now()
        let closed = await client.readUntilClosed(timeout: .seconds(3))
        XCTAssertTrue(closed)
        XCTAssertGreaterThanOrEqual(Deadline.now().elapsed(since: start), .milliseconds(150))
        await server.shutdown(deadline: .seconds(2))
    }

    func testStalledBodyIsAnswered408() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.bodyIdleTimeout = .milliseconds(200) }
        let client = try await RawClient(port: port)
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part")
        let r = try await client.readResponse(method: .post)
        XCTAssertEqual(r.status, 408)
        XCTAssertEqual(r.header("connection"), "close")
        await server.shutdown(deadline: .seconds(2))
    }

    func testHandlerPastItsDeadlineIsCancelledAndAnswered503() async throws {
        var router = Router()
        let cancelled = Counter()
        router.get("/slow") { _, _ in
            do {
                try await EventLoop.shared.sleep(until: .after(.seconds(10)))
            } catch {
                cancelled.add("cancelled")
                throw error
            }
            return .text("late")
        }
        let (server, port) = try startServer(router) { $0.handlerTimeout = .milliseconds(200) }
        let client = try await RawClient(port: port)
        let start = Deadline.now()
        try await client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = try await client.readResponse()
        XCTAssertEqual(r.status, 503)
        XCTAssertTrue(r.text.contains("did not finish in time"), r.text)
        XCTAssertLessThan(Deadline.now().elapsed(since: start), .seconds(5))
        XCTAssertEqual(cancelled.all, ["cancelled"])
        await server.shutdown(deadline: .seconds(2))
    }

    func testConnectionPastTheLimitGetsA503() async throws {
        let (server, port) = try startServer(KeepAliveAndRoutingTests.router()) { $0.maxConnections = 2 }
        var kept: [RawClient] = []
        for _ in 0..<2 {
            let client = try await RawClient(port: port)
            try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let status = try await client.readResponse().status
            XCTAssertEqual(status, 200)
            kept.append(client)
        }
        let extra = try await RawClient(port: port)
        try await extra.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = try await extra.readResponse()
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("retry-after"), "1")
        XCTAssertEqual(refused.header("content-type"), "application/problem+json")
        let closed = await extra.readUntilClosed()
        XCTAssertTrue(closed)
        extra.close()
        // Once a slot frees up, new connections are served again.
        kept[0].close()
        var served = false
        for _ in 0..<50 where !served {
            try await EventLoop.shared.sleep(until: .after(.milliseconds(20)))
            let again = try await RawClient(port: port)
            try await again.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            served = try await again.readResponse().status == 200
            again.close()
        }
        XCTAssertTrue(served)
        kept[1].close()
        await server.shutdown(deadline: .seconds(2))
    }
}

extension Deadline {
    func elapsed(since start: Deadline) -> Duration {
        nanoseconds > start.nanoseconds ? .nanoseconds(Int64(nanoseconds - start.nanoseconds)) : .zero
    }
}
