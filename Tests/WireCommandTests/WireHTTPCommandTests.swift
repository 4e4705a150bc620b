import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire http` against Python's http.server (a reference HTTP/1.1 implementation).
final class WireHTTPCommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    /// Serves GET /hello and echoes POST bodies with their content type, HTTP/1.1 keep-alive.
    static let server = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def do_GET(self):
                body = b"Hello, World!"
                self.send_response(200); self.send_header("Content-Type", "text/plain")
                self.send_header("X-Seen-Header", self.headers.get("X-Test", "")); self.send_header("Content-Length", str(len(body)))
                self.end_headers(); self.wfile.write(body)
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(201); self.send_header("Content-Type", self.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    func testGetAndPostAgainstPythonsHTTPServer() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.server]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            portText += String(decoding: byte, as: UTF8.self)
        }
        let port = try XCTUnwrap(Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)))

        let get = try ProcessRunner.run(switchyard, ["wire", "http", "get", "-i", "-H", "X-Test: 42", "http://127.0.0.1:\(port)/hello"])
        XCTAssertEqual(get.status, 0, get.stderr)
        XCTAssertTrue(get.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"), get.stdout)
        XCTAssertTrue(get.stdout.contains("X-Seen-Header: 42\r\n"), get.stdout)
        XCTAssertTrue(get.stdout.hasSuffix("\r\n\r\nHello, World!"), get.stdout)

        let post = try ProcessRunner.run(switchyard, ["wire", "http", "post", "--json", "-H", "Content-Type: application/json",
                                                      "-d", "{\"task\":1}", "http://127.0.0.1:\(port)/echo"])
        XCTAssertEqual(post.status, 0, post.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(post.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["status"] as? Int, 201)
        XCTAssertEqual(object["body"] as? String, "{\"task\":1}")

        let traced = try ProcessRunner.run(switchyard, ["wire", "http", "get", "--trace", "http://127.0.0.1:\(port)/hello"])
        for expected in [">>> sent HTTP", "request line                 GET /hello HTTP/1.1", "header Host", "end of header section",
                         "<<< received HTTP", "status line                  HTTP/1.1 200 OK", "body                         \"Hello, World!\""] {
            XCTAssertTrue(traced.stderr.contains(expected), "trace lacks \(expected)\n\(traced.stderr)")
        }
        let missing = try ProcessRunner.run(switchyard, ["wire", "http", "post", "-d", "x", "http://127.0.0.1:\(port)/"])
        XCTAssertEqual(missing.status, 0, "201 is a success")
    }
}
