import Foundation
import XCTest

/// Python's `http.server` (ThreadingHTTPServer, HTTP/1.1 keep-alive) with the routes the client
/// tests need, started on a free loopback port for one test and stopped by pid.
final class PythonTestServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let scriptURL: URL

    /// `arguments`: none for plain HTTP, `["tls", certFile, keyFile]` for HTTPS, `["blackhole"]` for a
    /// listener whose accept queue is full, so that connecting to it hangs (connect timeouts).
    init(arguments: [String] = []) throws {
        scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("httpclient-test-server-\(UUID().uuidString).py")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", scriptURL.path] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        // The script prints "PORT n" once it listens.
        var line = Data()
        let handle = stdout.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = handle.readData(ofLength: 1)
            guard !byte.isEmpty else { throw XCTSkip("unreachable") }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            XCTFail("python test server did not start: \(text)")
            throw XCTSkip("unreachable after XCTFail")
        }
        self.port = port
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: scriptURL)
    }

    deinit { stop() }

    static let script = #"""
import hashlib, json, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

lock = threading.Lock()
hits = {}
active = 0
max_active = 0

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.requests_on_connection = 0

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                remaining = size
                while remaining:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    remaining -= len(chunk)
                    yield chunk
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length", "0"))
            while remaining:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def reply(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        global active, max_active
        self.requests_on_connection += 1
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        with lock:
            hits[path] = hits.get(path, 0) + 1
            active += 1
            max_active = max(max_active, active)
        try:
            self.route(path, q)
        finally:
            with lock:
                active -= 1

    def route(self, path, q):
        if path == "/hello":
            self.reply(200, b"Hello, World!")
        elif path == "/conn":
            # Which client port sent this: the same port means the same connection.
            self.reply(200, str(self.client_address[1]).encode())
        elif path == "/echo":
            body = b"".join(self.read_body())
            self.reply(200, body, self.headers.get("Content-Type", "application/octet-stream"),
                       [("X-Request-Transfer-Encoding", self.headers.get("Transfer-Encoding", "none")),
                        ("X-Request-Content-Length", self.headers.get("Content-Length", "none"))])
        elif path == "/upload":
            h, n = hashlib.sha256(), 0
            for chunk in self.read_body():
                h.update(chunk)
                n += len(chunk)
            self.reply(200, json.dumps({"bytes": n, "sha256": h.hexdigest()}).encode(), "application/json")
        elif path == "/chunked":
            count, size = int(q.get("count", "5")), int(q.get("size", "10"))
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            for i in range(count):
                data = bytes([65 + i % 26]) * size
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")
        elif path == "/large":
            total, step = int(q["bytes"]), 1 << 16
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            block = bytes(range(256)) * (step // 256)
            sent = 0
            while sent < total:
                n = min(step, total - sent)
                self.wfile.write(block[:n])
                sent += n
        elif path == "/slow":
            time.sleep(float(q.get("delay", "1")))
            self.reply(200, b"slow")
        elif path == "/stall-body":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(float(q.get("delay", "3")))
            self.close_connection = True
        elif path == "/close":
            self.reply(200, b"bye", extra=[("Connection", "close")])
            self.close_connection = True
        elif path == "/until-close":
            # No Content-Length, no chunking: the body ends when the connection does.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"all of it")
            self.close_connection = True
        elif path == "/drop-on-reuse":
            # On a reused connection, read the request and close without answering: what a server
            # whose keep-alive timeout fires as the request arrives looks like to a client.
            for _ in self.read_body():
                pass
            if self.requests_on_connection > 1:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.reply(200, b"fresh connection")
        elif path == "/no-content":
            self.send_response(204)
            self.end_headers()
        elif path == "/redirect":
            target, code = q.get("to", "/hello"), int(q.get("code", "302"))
            for _ in self.read_body():
                pass
            self.send_response(code)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/method":
            body = b"".join(self.read_body())
            self.reply(200, ("%s %d" % (self.command, len(body))).encode())
        elif path == "/stats":
            with lock:
                self.reply(200, json.dumps({"hits": hits, "max_active": max_active}).encode(), "application/json")
        elif path == "/reset":
            with lock:
                hits.clear()
                globals()["max_active"] = 0
            self.reply(200, b"ok")
        else:
            self.reply(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

if sys.argv[1:2] == ["blackhole"]:
    # Backlog 0 and never accept: after a few queued handshakes the kernel drops further SYNs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    time.sleep(0.2)
    print("PORT %d" % port, flush=True)
    while True:
        time.sleep(3600)

server = Server(("127.0.0.1", 0), Handler)
if sys.argv[1:2] == ["tls"]:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
"""#
}
