import Foundation
import HTTP
import HTTPServer
import Transport
import XCTest

final class StreamingTests: XCTestCase {
    func testServerSentEventsWithHeartbeats() async throws {
        var router = Router()
        router.get("/events") { _, _ in
            .eventStream(heartbeat: .milliseconds(100)) { events in
                try await events.send(ServerSentEvent(data: "first", event: "task", id: "1"))
                try await EventLoop.shared.sleep(until: .after(.milliseconds(350)))
                try await events.send(ServerSentEvent(data: "line one\nline two", id: "2"))
            }
        }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        try await client.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        let r = try await client.readResponse(timeout: .seconds(5))
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("content-type"), "text/event-stream")
        XCTAssertEqual(r.header("transfer-encoding"), "chunked")
        let text = r.text
        XCTAssertTrue(text.hasPrefix("id: 1\nevent: task\ndata: first\n\n"), text)
        XCTAssertTrue(text.contains(": heartbeat\n\n"), "a heartbeat fills the quiet 350 ms: \(text)")
        XCTAssertTrue(text.hasSuffix("id: 2\ndata: line one\ndata: line two\n\n"), text)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testEventWireFormat() {
        let event = ServerSentEvent(data: "a\r\nb\rc\nd", event: "ty\npe", id: "7\r", retry: 1500)
        XCTAssertEqual(String(decoding: event.wireBytes, as: UTF8.self),
                       "id: 7\nevent: type\nretry: 1500\ndata: a\ndata: b\ndata: c\ndata: d\n\n",
                       "every line ending splits data; CR/LF cannot inject fields through id or event")
        XCTAssertEqual(String(decoding: ServerSentEvent(data: "").wireBytes, as: UTF8.self), "data: \n\n")
    }

    func testEventsArriveAsTheyAreSentNotAtTheEnd() async throws {
        var router = Router()
        router.get("/events") { _, _ in
            .eventStream { events in
                try await events.send(ServerSentEvent(data: "now"))
                try await EventLoop.shared.sleep(until: .after(.seconds(2)))
                try await events.send(ServerSentEvent(data: "later"))
            }
        }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        try await client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        let bytes = await client.readAvailable(until: .after(.seconds(1))) { String(decoding: $0, as: UTF8.self).contains("data: now") }
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("data: now\n\n"))
        client.close()
        await server.shutdown(deadline: .seconds(3))
    }

    func testGzipWhenAcceptedAndNotOtherwise() async throws {
        let text = String(repeating: "Switchyard moves tasks. ", count: 400)
        var router = Router()
        router.get("/big") { _, _ in .text(text) }
        router.get("/small") { _, _ in .text("tiny") }
        router.get("/stream") { _, _ in
            .stream(contentType: "application/json") { writer in
                for i in 0..<50 { try await writer.write("{\"n\":\(i),\"pad\":\"\(String(repeating: "x", count: 100))\"}\n") }
            }
        }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)

        try await client.send("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n")
        var r = try await client.readResponse()
        XCTAssertEqual(r.header("content-encoding"), "gzip")
        XCTAssertEqual(r.header("vary"), "Accept-Encoding")
        XCTAssertLessThan(r.body.count, text.utf8.count / 10)
        XCTAssertEqual(try gunzip(r.body), Array(text.utf8))

        try await client.send("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
        r = try await client.readResponse()
        XCTAssertEqual(r.header("content-encoding"), "gzip")
        let expected = (0..<50).map { "{\"n\":\($0),\"pad\":\"\(String(repeating: "x", count: 100))\"}\n" }.joined()
        XCTAssertEqual(try gunzip(r.body), Array(expected.utf8))

        for request in ["GET /big HTTP/1.1\r\nHost: x\r\n\r\n",
                        "GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0, identity\r\n\r\n",
                        "GET /small HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"] {
            try await client.send(request)
            r = try await client.readResponse()
            XCTAssertNil(r.header("content-encoding"), request)
        }
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testStreamedResponseBodyIsChunked() async throws {
        var router = Router()
        router.get("/numbers") { _, _ in
            .stream(contentType: "text/plain") { writer in
                for i in 0..<1000 { try await writer.write("\(i)\n") }
            }
        }
        let (server, port) = try startServer(router) { $0.gzip.enabled = false }
        let client = try await RawClient(port: port)
        try await client.send("GET /numbers HTTP/1.1\r\nHost: x\r\n\r\nGET /numbers HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in 0..<2 {
            let r = try await client.readResponse()
            XCTAssertEqual(r.header("transfer-encoding"), "chunked")
            XCTAssertEqual(r.text, (0..<1000).map { "\($0)\n" }.joined())
        }
        try await client.send("GET /numbers HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let old = try await client.readResponse()
        XCTAssertEqual(old.header("connection"), "close", "a close-delimited body cannot keep the connection")
        XCTAssertNil(old.header("transfer-encoding"), "HTTP/1.0 gets a close-delimited body")
        XCTAssertEqual(old.text.count, (0..<1000).map { "\($0)\n" }.joined().count)
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    func testAProducerThatFailsMidStreamLeavesTheBodyVisiblyIncomplete() async throws {
        var router = Router()
        router.get("/broken") { _, _ in
            .stream(contentType: "text/plain") { writer in
                try await writer.write("partial")
                throw HTTPServerError.problem(.internalServerError, "the source failed")
            }
        }
        let (server, port) = try startServer(router)
        let client = try await RawClient(port: port)
        try await client.send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
        do {
            _ = try await client.readResponse()
            XCTFail("the body must not look complete")
        } catch let error as HTTPError {
            XCTAssertEqual(error.code, .truncatedMessage, "no last chunk: the client knows the body is cut short")
        }
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }

    /// 1 GiB through a handler that counts it: memory must stay flat because the body is pulled
    /// from the socket only as fast as the handler consumes it.
    func testOneGiBUploadStreamsInBoundedMemory() async throws {
        let total = 1 << 30
        var router = Router()
        let peak = PeakMemory()
        router.put("/blob") { request, _ in
            var received = 0
            var chunks = 0
            var misplaced = 0
            for try await chunk in request.body {
                // The client sends byte (offset mod 2^20) * 7 at each offset: spot-check every chunk.
                if let first = chunk.first, first != UInt8(truncatingIfNeeded: (received & 0xFFFFF) &* 7) { misplaced += 1 }
                received += chunk.count
                chunks += 1
                if chunks % 256 == 0 { peak.sample() }
            }
            return .text("\(received) \(misplaced)")
        }
        let (server, port) = try startServer(router) { config in
            config.limits.maxBodySize = total
            config.handlerTimeout = nil
        }
        let before = residentSetSize()
        peak.sample()
        let client = try await RawClient(port: port)
        try await client.send("PUT /blob HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
        let block = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for _ in 0..<(total >> 20) { try await client.send(bytes: block) }
        let r = try await client.readResponse(method: .put, timeout: .seconds(120))
        XCTAssertEqual(r.text, "\(total) 0", "all bytes arrived, in order")
        let growth = peak.max - before
        print("1 GiB upload: RSS before \(before >> 20) MiB, peak \(peak.max >> 20) MiB, growth \(growth >> 20) MiB")
        XCTAssertLessThan(growth, 64 << 20, "memory grew by \(growth >> 20) MiB while streaming 1 GiB")
        client.close()
        await server.shutdown(deadline: .seconds(2))
    }
}

final class PeakMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    func sample() {
        let now = residentSetSize()
        lock.lock(); peak = Swift.max(peak, now); lock.unlock()
    }
    var max: Int { lock.lock(); defer { lock.unlock() }; return peak }
}

/// Decompresses with the system's gzip, so the check does not share our zlib code path.
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let result = try runProcess("/bin/gzip", ["-dc"], stdin: bytes)
    guard result.status == 0 else { throw HTTPServerError(.invalidJSON, "gzip -dc failed: \(result.stderr)") }
    return result.stdout
}
