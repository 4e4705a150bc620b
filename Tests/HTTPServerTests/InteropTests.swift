import Foundation
import HTTP
import HTTPServer
import Transport
import XCTest

/// Real clients against our server: curl (Debian's) and Python's http.client, run as processes.
final class InteropTests: XCTestCase {
    static let bigText = String(repeating: "interop with real clients. ", count: 200)

    /// Records which client socket each request came on, to prove keep-alive from our side.
    final class Peers: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String] = []
        func add(_ peer: String) { lock.lock(); seen.append(peer); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return seen }
    }

    static func router(peers: Peers) -> Router {
        var router = Router()
        router.get("/hello") { _, context in
            peers.add(context.remoteAddress.map { "\($0)" } ?? "?")
            return .text("Hello, World!")
        }
        router.put("/echo") { request, _ in .bytes(try await request.body.collect(upTo: 1 << 24)) }
        router.post("/echo") { request, _ in .bytes(try await request.body.collect(upTo: 1 << 24)) }
        router.get("/big") { _, _ in .text(bigText) }
        router.get("/events") { _, _ in
            .eventStream(heartbeat: .milliseconds(50)) { events in
                for i in 1...3 {
                    try await events.send(ServerSentEvent(data: "update \(i)", event: "progress", id: "\(i)"))
                    try await EventLoop.shared.sleep(until: .after(.milliseconds(120)))
                }
            }
        }
        return router
    }

    static let curl = "/usr/bin/curl"

    func testCurlKeepAliveReusesTheConnection() async throws {
        let peers = Peers()
        let (server, port) = try startServer(Self.router(peers: peers))
        let url = "http://127.0.0.1:\(port)/hello"
        let result = try await runOffLoop(Self.curl, ["-sS", "-v", url, url, url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "Hello, World!Hello, World!Hello, World!")
        XCTAssertEqual(peers.all.count, 3)
        XCTAssertEqual(Set(peers.all).count, 1, "all three requests came on one connection: \(peers.all)")
        await server.shutdown(deadline: .seconds(2))
    }

    func testCurlChunkedUpload() async throws {
        let (server, port) = try startServer(Self.router(peers: Peers()))
        let body = Array(String(repeating: "0123456789abcdef", count: 20_000).utf8)
        // `-T -` reads stdin and, not knowing its length, sends it chunked.
        let result = try await runOffLoop(Self.curl, ["-sS", "-v", "-T", "-", "http://127.0.0.1:\(port)/echo"], stdin: body)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("Transfer-Encoding: chunked"), result.stderr)
        XCTAssertEqual(result.stdout, body)
        await server.shutdown(deadline: .seconds(2))
    }

    func testCurlExpectContinue() async throws {
        let (server, port) = try startServer(Self.router(peers: Peers()))
        let body = Array(String(repeating: "x", count: 5000).utf8)
        let result = try await runOffLoop(Self.curl, ["-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@-",
                                                      "http://127.0.0.1:\(port)/echo"], stdin: body)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("HTTP/1.1 100 Continue"), result.stderr)
        XCTAssertEqual(result.stdout, body)
        await server.shutdown(deadline: .seconds(2))
    }

    func testCurlServerSentEventsAndGzip() async throws {
        let (server, port) = try startServer(Self.router(peers: Peers()))
        let events = try await runOffLoop(Self.curl, ["-sS", "-N", "http://127.0.0.1:\(port)/events"])
        XCTAssertEqual(events.status, 0, events.stderr)
        let text = String(decoding: events.stdout, as: UTF8.self)
        for i in 1...3 { XCTAssertTrue(text.contains("id: \(i)\nevent: progress\ndata: update \(i)\n\n"), text) }
        XCTAssertTrue(text.contains(": heartbeat"), text)

        let gz = try await runOffLoop(Self.curl, ["-sS", "--compressed", "-D", "/dev/stderr", "http://127.0.0.1:\(port)/big"])
        XCTAssertEqual(gz.status, 0, gz.stderr)
        XCTAssertTrue(gz.stderr.lowercased().contains("content-encoding: gzip"), gz.stderr)
        XCTAssertEqual(String(decoding: gz.stdout, as: UTF8.self), Self.bigText)
        await server.shutdown(deadline: .seconds(2))
    }

    func testPythonHTTPClient() async throws {
        let peers = Peers()
        let (server, port) = try startServer(Self.router(peers: peers))
        let script = #"""
import http.client, json, sys
port = int(sys.argv[1])
out = {}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
# keep-alive: two requests on one connection
conn.request("GET", "/hello"); r = conn.getresponse(); out["hello1"] = r.read().decode(); sock1 = conn.sock
conn.request("GET", "/hello"); r = conn.getresponse(); out["hello2"] = r.read().decode()
out["same_socket"] = conn.sock is sock1 and sock1 is not None
# chunked upload
def pieces():
    for i in range(50):
        yield (b"piece-%d;" % i)
conn.request("PUT", "/echo", body=pieces(), encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
r = conn.getresponse(); out["chunked_echo"] = r.read().decode(); out["chunked_status"] = r.status
# 100-continue: http.client skips the interim response
conn.request("POST", "/echo", body=b"after continue", headers={"Expect": "100-continue"})
r = conn.getresponse(); out["continue_echo"] = r.read().decode(); out["continue_status"] = r.status
# SSE: read the stream as it arrives
conn.request("GET", "/events", headers={"Accept": "text/event-stream"})
r = conn.getresponse(); out["sse_type"] = r.getheader("Content-Type")
out["sse"] = r.read().decode()
print(json.dumps(out))
"""#
        let result = try await runOffLoop("/usr/bin/env", ["python3", "-c", script, "\(port)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any] ?? [:]
        XCTAssertEqual(out["hello1"] as? String, "Hello, World!")
        XCTAssertEqual(out["hello2"] as? String, "Hello, World!")
        XCTAssertEqual(out["same_socket"] as? Bool, true)
        XCTAssertEqual(Set(peers.all).count, 1, "both GETs came on one connection")
        XCTAssertEqual(out["chunked_status"] as? Int, 200)
        XCTAssertEqual(out["chunked_echo"] as? String, (0..<50).map { "piece-\($0);" }.joined())
        XCTAssertEqual(out["continue_status"] as? Int, 200)
        XCTAssertEqual(out["continue_echo"] as? String, "after continue")
        XCTAssertEqual(out["sse_type"] as? String, "text/event-stream")
        let sse = out["sse"] as? String ?? ""
        XCTAssertTrue(sse.contains("id: 3\nevent: progress\ndata: update 3\n\n"), sse)
        await server.shutdown(deadline: .seconds(2))
    }

    func testCurlOverTLS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-http-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path, key = directory.appendingPathComponent("key.pem").path
        let made = try await runOffLoop("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                             "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                                                             "-addext", "subjectAltName=IP:127.0.0.1"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let tls = try TLSContext(.server(certificateChainFile: cert, privateKeyFile: key), server: true)
        let peers = Peers()
        let (server, port) = try startServer(Self.router(peers: peers)) { $0.tls = tls }
        let url = "https://127.0.0.1:\(port)/hello"
        let result = try await runOffLoop(Self.curl, ["-sS", "--cacert", cert, url, url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "Hello, World!Hello, World!")
        XCTAssertEqual(Set(peers.all).count, 1, "keep-alive over TLS")
        let upload = Array(String(repeating: "tls body ", count: 10_000).utf8)
        let echoed = try await runOffLoop(Self.curl, ["-sS", "--cacert", cert, "-T", "-", "https://127.0.0.1:\(port)/echo"], stdin: upload)
        XCTAssertEqual(echoed.stdout, upload, echoed.stderr)
        await server.shutdown(deadline: .seconds(2))
    }

    /// Runs a process on a dispatch thread so the waiting never blocks the cooperative pool
    /// that the server's tasks run on.
    func runOffLoop(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) async throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try runProcess(executable, arguments, stdin: stdin))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
