// FlyingFox anchor for tools/bench http.
//   GET  /hello  -> 200 text/plain "Hello, World!"
//   POST /echo   -> 200 application/json, the request body echoed back
// Usage: FlyingFoxBench PORT   (listens on 127.0.0.1)
import FlyingFox
import FlyingSocks
import Foundation

guard CommandLine.arguments.count == 2, let port = UInt16(CommandLine.arguments[1]) else {
    print("usage: FlyingFoxBench PORT")
    exit(2)
}

let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: port), logger: .disabled)
await server.appendRoute("GET /hello") { _ in
    HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("Hello, World!".utf8))
}
await server.appendRoute("POST /echo") { request in
    let body = try await request.bodyData
    return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: body)
}
try await server.run()
