// Our HTTP/1.1 server with the routes of tools/bench http (the anchors in Benchmarks/Anchors serve the same):
//   GET  /hello  -> 200 text/plain "Hello, World!"
//   POST /echo   -> 200 application/json, the request body echoed back
// Usage: BenchHTTPServer PORT   (listens on 127.0.0.1; stops on SIGTERM/SIGINT, the default action)
import HTTP
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]) else {
    print("usage: BenchHTTPServer PORT")
    exit(2)
}

var router = Router()
router.get("/hello") { _, _ in
    .text("Hello, World!")
}
router.post("/echo") { request, _ in
    // Collected first, as the anchors do, so every server does the same work per request.
    .bytes(try await request.body.collect(upTo: 1 << 20), contentType: "application/json")
}

let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), router: router)
try await server.run()
