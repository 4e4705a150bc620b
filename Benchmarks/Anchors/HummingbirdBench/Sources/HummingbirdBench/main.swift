// Hummingbird 2 anchor for tools/bench http.
//   GET  /hello  -> 200 text/plain "Hello, World!"
//   POST /echo   -> 200 application/json, the request body echoed back
// Usage: HummingbirdBench PORT   (listens on 127.0.0.1)
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]) else {
    print("usage: HummingbirdBench PORT")
    exit(2)
}

let router = Router()
router.get("hello") { _, _ -> String in
    "Hello, World!"
}
router.post("echo") { request, _ -> Response in
    // Collect first, as our server and FlyingFox do, so every server does the same work per request.
    let body = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "Hummingbird")
)
try await app.runService()
