import Foundation
import HTTPClient
@testable import S3
import SigV4
import Transport
import XCTest

/// Retry rules against a scripted fake S3 (Python's http.server): the answers to give, in order,
/// then 200. Each test checks how many requests the server saw.
final class S3RetryTests: XCTestCase {
    var process: Process!
    var port = 0
    var script: URL!

    static let fake = #"""
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
plan = json.loads(sys.argv[1])   # list of [status, code or null] to answer first
lock, hits = threading.Lock(), []

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def answer(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n: self.rfile.read(n)
        if self.path == "/__hits":
            body = json.dumps(hits).encode()
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body); return
        with lock:
            i = len(hits)
            hits.append({"method": self.command, "auth": self.headers.get("Authorization", ""), "date": self.headers.get("X-Amz-Date", "")})
        status, code = plan[i] if i < len(plan) else (200, None)
        body = b"" if code is None else ("<Error><Code>%s</Code><Message>scripted</Message><RequestId>req-%d</RequestId></Error>" % (code, i)).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "hdr-%d" % i)
        if status == 200: self.send_header("ETag", '"abc"')
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = answer

s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print("PORT %d" % s.server_address[1], flush=True)
s.serve_forever()
"""#

    func start(_ plan: [(Int, String?)]) throws -> S3Client {
        script = FileManager.default.temporaryDirectory.appendingPathComponent("fake-s3-\(UUID().uuidString).py")
        try Self.fake.write(to: script, atomically: true, encoding: .utf8)
        let planJSON = "[" + plan.map { "[\($0.0), \($0.1.map { "\"\($0)\"" } ?? "null")]" }.joined(separator: ",") + "]"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path, planJSON]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let b = out.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty { break }
            line.append(b)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5)) else {
            XCTFail("fake S3 did not start: \(text)")
            throw XCTSkip("unreachable after XCTFail")
        }
        port = p
        var configuration = S3Configuration(endpoint: try S3Endpoint(scheme: "http", host: "127.0.0.1", port: port), region: "us-east-1",
                                            credentials: Credentials(accessKeyId: "AKID", secretAccessKey: "secret"))
        configuration.maxAttempts = 3
        configuration.backoff = Backoff(initial: .milliseconds(5), maximum: .milliseconds(20))
        return try S3Client(configuration: configuration)
    }

    override func tearDown() async throws {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if let script { try? FileManager.default.removeItem(at: script) }
    }

    func hits() async throws -> [[String: String]] {
        let client = HTTPClient()
        defer { client.shutdown() }
        let body = try await client.get("http://127.0.0.1:\(port)/__hits").collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [[String: String]]) ?? []
    }

    func testThrottlingAnd5xxAreRetriedWithAFreshSignature() async throws {
        let s3 = try start([(503, "SlowDown"), (500, "InternalError")])
        defer { s3.shutdown() }
        let put = try await s3.putObject(bucket: "bucket", key: "k", body: .bytes([1, 2, 3]))
        XCTAssertEqual(put.eTag, "\"abc\"")
        let seen = try await hits()
        XCTAssertEqual(seen.count, 3)
        XCTAssertTrue(seen.allSatisfy { $0["auth"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/") ?? false })
    }

    func testGivesUpAfterMaxAttemptsWithTheLastError() async throws {
        let s3 = try start([(500, "InternalError"), (500, "InternalError"), (503, "ServiceUnavailable"), (500, "InternalError")])
        defer { s3.shutdown() }
        do {
            try await s3.deleteObject(bucket: "bucket", key: "k")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .serviceUnavailable)
            XCTAssertEqual(error.requestId, "req-2")
            XCTAssertEqual(error.status, 503)
        }
        let count = try await hits().count
        XCTAssertEqual(count, 3)
    }

    func testClientErrorsAreNotRetried() async throws {
        let s3 = try start([(403, "AccessDenied")])
        defer { s3.shutdown() }
        do {
            _ = try await s3.getObject(bucket: "bucket", key: "k")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .accessDenied)
            XCTAssertEqual(error.requestId, "req-0")
        }
        let count = try await hits().count
        XCTAssertEqual(count, 1)
    }

    func testHeadErrorsWithoutBodyUseTheStatus() async throws {
        let s3 = try start([(404, nil), (404, nil)])
        defer { s3.shutdown() }
        do {
            _ = try await s3.headObject(bucket: "bucket", key: "k")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .noSuchKey)
            XCTAssertEqual(error.requestId, "hdr-0", "the request id comes from the header when there is no body")
        }
        do {
            try await s3.headBucket("bucket")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .noSuchBucket)
        }
    }

    func testStreamedBodiesAreNotRetried() async throws {
        let s3 = try start([(503, "SlowDown")])
        defer { s3.shutdown() }
        let stream = AsyncStream<[UInt8]> { $0.yield([1, 2, 3]); $0.finish() }
        do {
            try await s3.putObject(bucket: "bucket", key: "k", body: .stream(stream, length: 3))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .slowDown)
            XCTAssertTrue(error.isRetriable, "retriable by the caller, who can make the stream again")
        }
        let count = try await hits().count
        XCTAssertEqual(count, 1)
    }

    func testAnErrorInsideA200IsAnErrorAndRetried() async throws {
        // CopyObject may fail after S3 has sent 200: the body is then an <Error>.
        let s3 = try start([(200, "InternalError")])
        defer { s3.shutdown() }
        do {
            _ = try await s3.copyObject(sourceBucket: "bucket", sourceKey: "a", bucket: "bucket", key: "b")
            XCTFail("the second answer (200 without a CopyObjectResult body) is malformed")
        } catch {
            XCTAssertEqual(error.code, .malformedResponse)
        }
        let count = try await hits().count
        XCTAssertEqual(count, 2, "the 200-with-InternalError was retried")
    }
}
