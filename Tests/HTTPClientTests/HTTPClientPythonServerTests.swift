import PeerTestSupport
import Foundation
import HTTP
import HTTPClient
import Transport
import XCTest

/// The client against Python's http.server (a reference HTTP/1.1 implementation we did not write).
final class HTTPClientPythonServerTests: XCTestCase {
    var server: PythonTestServer!

    override func setUp() async throws {
        server = try PythonTestServer()
    }

    override func tearDown() async throws {
        server?.stop()
    }

    func makeClient(_ configure: (inout HTTPClientConfiguration) -> Void = { _ in }) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configure(&configuration)
        return HTTPClient(configuration: configuration)
    }

    func stats(_ client: HTTPClient) async throws -> (hits: [String: Int], maxActive: Int) {
        let response = try await client.get(server.url("/stats"))
        let json = try JSONSerialization.jsonObject(with: Data(try await response.collect(upTo: 1 << 20))) as? [String: Any]
        return ((json?["hits"] as? [String: Int]) ?? [:], (json?["max_active"] as? Int) ?? -1)
    }

    // MARK: basics

    func testGetReturnsStatusHeadersAndBody() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let response = try await client.get(server.url("/hello"))
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.headers["content-type"], "text/plain")
        XCTAssertEqual(response.headers["Content-Length"], "13")
        let value1 = text(try await response.collect(upTo: 1024))
        XCTAssertEqual(value1, "Hello, World!")
    }

    func testKeepAliveReusesOneConnection() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        var ports: Set<String> = []
        for _ in 0..<10 {
            let response = try await client.get(server.url("/conn"))
            ports.insert(text(try await response.collect(upTo: 64)))
        }
        XCTAssertEqual(ports.count, 1, "ten sequential requests should share one keep-alive connection")
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(server.url("/"))), .init(idle: 1, inUse: 0))
    }

    func testChunkedResponseIsDecodedAndConnectionReused() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let first = text(try await client.get(server.url("/conn")).collect(upTo: 64))
        let response = try await client.get(server.url("/chunked?count=50&size=1000"))
        XCTAssertEqual(response.headers["transfer-encoding"], "chunked")
        var chunks = 0
        var body: [UInt8] = []
        for try await chunk in response.body {
            chunks += 1
            body.append(contentsOf: chunk)
        }
        XCTAssertEqual(body.count, 50_000)
        XCTAssertGreaterThan(chunks, 0)
        for i in 0..<50 { XCTAssertEqual(body[i * 1000], UInt8(65 + i % 26)) }
        let after = text(try await client.get(server.url("/conn")).collect(upTo: 64))
        XCTAssertEqual(first, after, "a chunked response read to its end leaves the connection reusable")
    }

    func testCloseDelimitedBodyAndConnectionCloseAreNotPooled() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let url = try HTTPClientURL(server.url("/"))
        let value2 = text(try await client.get(server.url("/until-close")).collect(upTo: 64))
        XCTAssertEqual(value2, "all of it")
        XCTAssertEqual(client.poolStatistics(for: url), .init(idle: 0, inUse: 0))
        let value3 = text(try await client.get(server.url("/close")).collect(upTo: 64))
        XCTAssertEqual(value3, "bye")
        XCTAssertEqual(client.poolStatistics(for: url), .init(idle: 0, inUse: 0))
        let value4 = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(value4, "Hello, World!")
        XCTAssertEqual(client.poolStatistics(for: url), .init(idle: 1, inUse: 0))
    }

    func testHeadAndNoContentHaveNoBodyAndKeepTheConnection() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let head = try await client.execute(HTTPClientRequest(method: .head, url: server.url("/hello")))
        XCTAssertEqual(head.status, .ok)
        XCTAssertEqual(head.headers["content-length"], "13")
        let value5 = try await head.collect(upTo: 100)
        XCTAssertEqual(value5, [])
        let noContent = try await client.get(server.url("/no-content"))
        XCTAssertEqual(noContent.status.code, 204)
        let value6 = try await noContent.collect(upTo: 100)
        XCTAssertEqual(value6, [])
        let port1 = text(try await client.get(server.url("/conn")).collect(upTo: 64))
        let port2 = text(try await client.get(server.url("/conn")).collect(upTo: 64))
        XCTAssertEqual(port1, port2)
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(server.url("/"))).idle, 1)
    }

    func testNotFoundIsAResponseNotAnError() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let response = try await client.get(server.url("/missing"))
        XCTAssertEqual(response.status, .notFound)
        let value8 = text(try await response.collect(upTo: 100))
        XCTAssertEqual(value8, "not found")
    }

    // MARK: request bodies

    func testPostBytesIsSentWithContentLength() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let payload = Array(#"{"a":1}"#.utf8)
        let response = try await client.post(server.url("/echo"), headers: ["Content-Type": "application/json"], body: .bytes(payload))
        XCTAssertEqual(response.headers["x-request-content-length"], "7")
        XCTAssertEqual(response.headers["content-type"], "application/json")
        let value9 = try await response.collect(upTo: 100)
        XCTAssertEqual(value9, payload)
    }

    func testStreamedBodyWithoutLengthIsChunked() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let parts: [[UInt8]] = [Array("hello ".utf8), [], Array("streamed ".utf8), Array("world".utf8)]
        let body = HTTPClientRequest.Body.stream(AsyncStream { c in
            for p in parts { c.yield(p) }
            c.finish()
        })
        let response = try await client.post(server.url("/echo"), body: body)
        XCTAssertEqual(response.headers["x-request-transfer-encoding"], "chunked")
        let value10 = text(try await response.collect(upTo: 100))
        XCTAssertEqual(value10, "hello streamed world")
    }

    func testExpectContinueWithPythonsServer() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let response = try await client.post(server.url("/echo"), headers: ["Expect": "100-continue"], body: .string("after continue"))
        let echoed = text(try await response.collect(upTo: 100))
        XCTAssertEqual(echoed, "after continue")
    }

    func testStreamedBodyWithLengthUsesContentLength() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let body = HTTPClientRequest.Body.stream(length: 10) { writer in
            try await writer.write(Array("01234".utf8))
            try await writer.write(Array("56789".utf8))
        }
        let response = try await client.post(server.url("/echo"), body: body)
        XCTAssertEqual(response.headers["x-request-content-length"], "10")
        XCTAssertEqual(response.headers["x-request-transfer-encoding"], "none")
        let value11 = text(try await response.collect(upTo: 100))
        XCTAssertEqual(value11, "0123456789")
    }

    func testStreamedBodyOfTheWrongLengthFails() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let short = HTTPClientRequest.Body.stream(length: 10) { writer in try await writer.write(Array("0123".utf8)) }
        let e1 = await expectClientError { () async throws(HTTPClientError) in try await client.post(self.server.url("/echo"), body: short) }
        XCTAssertEqual(e1?.code, .invalidRequest)
        let long = HTTPClientRequest.Body.stream(length: 2) { writer in try await writer.write(Array("0123".utf8)) }
        let e2 = await expectClientError { () async throws(HTTPClientError) in try await client.post(self.server.url("/echo"), body: long) }
        XCTAssertEqual(e2?.code, .invalidRequest)
        // The client still works afterwards (the broken connections were closed, not pooled).
        let value12 = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(value12, "Hello, World!")
    }

    func testFailingBodyStreamIsReportedAsSuch() async throws {
        struct Boom: Error {}
        let client = makeClient()
        defer { client.shutdown() }
        let body = HTTPClientRequest.Body.stream { writer in
            try await writer.write(Array("part".utf8))
            throw Boom()
        }
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.post(self.server.url("/echo"), body: body) }
        XCTAssertEqual(error?.code, .requestBodyFailed)
    }

    // MARK: timeouts

    func testRequestTimeoutWhileWaitingForTheHead() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        var request = try HTTPClientRequest(url: server.url("/slow?delay=3"))
        request.timeout = .milliseconds(300)
        let start = ContinuousClock.now
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.execute(request) }
        XCTAssertEqual(error?.code, .requestTimeout)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        XCTAssertEqual(error?.isRetriable, true)
    }

    func testReadTimeoutWhenTheBodyStalls() async throws {
        let client = makeClient { $0.readTimeout = .milliseconds(300) }
        defer { client.shutdown() }
        let response = try await client.get(server.url("/stall-body?delay=3"))
        let start = ContinuousClock.now
        let error = await expectClientError { () async throws(HTTPClientError) in try await response.collect(upTo: 1000) }
        XCTAssertEqual(error?.code, .requestTimeout)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        XCTAssertEqual(client.poolStatistics(for: try HTTPClientURL(server.url("/"))), .init(idle: 0, inUse: 0))
    }

    func testCancellationFailsPromptlyAndFreesTheConnection() async throws {
        let client = makeClient { $0.maxConnectionsPerHost = 1 }
        defer { client.shutdown() }
        let slowURL = server.url("/slow?delay=3")
        let task = Task { () async throws(HTTPClientError) -> HTTPClientResponse in try await client.get(slowURL) }
        let poolURL = try HTTPClientURL(server.url("/"))
        while client.poolStatistics(for: poolURL).inUse == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
        guard case .failure(let error) = result else { return XCTFail("a cancelled request must fail") }
        XCTAssertEqual((error as? HTTPClientError)?.code, .cancelled)
        XCTAssertEqual(client.poolStatistics(for: poolURL), .init(idle: 0, inUse: 0))
        let hello = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(hello, "Hello, World!")
    }

    func testConnectTimeout() async throws {
        let blackHole = try PythonTestServer(arguments: ["blackhole"])
        defer { blackHole.stop() }
        let client = makeClient {
            $0.connectTimeout = .milliseconds(300)
            $0.maxRetries = 0
        }
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.get(blackHole.url("/hello")) }
        XCTAssertEqual(error?.code, .connectTimeout)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testConnectRefusedIsRetriedThenReported() async throws {
        // A port nobody listens on: bind one, note it, close it.
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        let client = makeClient { $0.retryBackoff = Backoff(initial: .milliseconds(10), maximum: .milliseconds(20)) }
        defer { client.shutdown() }
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.get("http://127.0.0.1:\(port)/") }
        XCTAssertEqual(error?.code, .connectFailed)
        XCTAssertEqual(error?.isRetriable, true)
    }

    // MARK: pool

    func testPoolNeverOpensMoreThanTheLimitPerHost() async throws {
        let client = makeClient { $0.maxConnectionsPerHost = 2 }
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)
        let slowURL = server.url("/slow?delay=0.2")
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 {
                group.addTask { text(try await client.get(slowURL).collect(upTo: 10)) }
            }
            for try await body in group { XCTAssertEqual(body, "slow") }
        }
        let (hits, maxActive) = try await stats(client)
        XCTAssertEqual(hits["/slow"], 6)
        XCTAssertEqual(maxActive, 2, "two connections, so at most two requests at once on the server")
        XCTAssertLessThanOrEqual(client.poolStatistics(for: try HTTPClientURL(server.url("/"))).idle, 2)
    }

    func testWaitingForAPooledConnectionTimesOut() async throws {
        let client = makeClient { $0.maxConnectionsPerHost = 1 }
        defer { client.shutdown() }
        let slowURL = server.url("/slow?delay=2")
        let slow = Task { try await client.get(slowURL).collect(upTo: 10) }
        // Wait until the slow request holds the only connection (however loaded the machine is).
        let poolURL = try HTTPClientURL(server.url("/"))
        while client.poolStatistics(for: poolURL).inUse == 0 { try await Task.sleep(for: .milliseconds(10)) }
        var request = try HTTPClientRequest(url: server.url("/hello"))
        request.timeout = .milliseconds(200)
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.execute(request) }
        XCTAssertEqual(error?.code, .poolTimeout)
        let value13 = text(try await slow.value)
        XCTAssertEqual(value13, "slow")
        // The permit came back: the next request gets the connection.
        let value14 = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(value14, "Hello, World!")
    }

    func testIdleConnectionsAreEvicted() async throws {
        let client = makeClient { $0.idleTimeout = .milliseconds(200) }
        defer { client.shutdown() }
        let url = try HTTPClientURL(server.url("/"))
        _ = try await client.get(server.url("/hello")).collect(upTo: 64)
        XCTAssertEqual(client.poolStatistics(for: url).idle, 1)
        try await Task.sleep(for: .milliseconds(700))
        XCTAssertEqual(client.poolStatistics(for: url).idle, 0)
        let value15 = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(value15, "Hello, World!")
    }

    func testHostsWithNothingPooledAreForgotten() async throws {
        let client = makeClient { $0.idleTimeout = .milliseconds(100) }
        defer { client.shutdown() }
        let others = [try PythonTestServer(), try PythonTestServer()]
        defer { others.forEach { $0.stop() } }
        for s in [server!] + others { _ = try await client.get(s.url("/hello")).collect(upTo: 64) }
        XCTAssertEqual(client.pooledHostCount, 3, "each host keeps its idle connection")
        _ = try await client.get(server.url("/close")).collect(upTo: 64)
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(client.pooledHostCount, 0, "idle connections evicted, hosts forgotten")
        let again = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(again, "Hello, World!")
        XCTAssertEqual(client.pooledHostCount, 1)
    }

    func testUnreadBodyClosesTheConnectionInsteadOfLeakingIt() async throws {
        let client = makeClient { $0.maxConnectionsPerHost = 1 }
        defer { client.shutdown() }
        let url = try HTTPClientURL(server.url("/"))
        do {
            let response = try await client.get(server.url("/large?bytes=1000000"))
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(client.poolStatistics(for: url).inUse, 1)
        }
        // The response (and its lease) is gone: the permit is free and nothing is pooled.
        XCTAssertEqual(client.poolStatistics(for: url), .init(idle: 0, inUse: 0))
        let value16 = text(try await client.get(server.url("/hello")).collect(upTo: 64))
        XCTAssertEqual(value16, "Hello, World!")
    }

    // MARK: retries

    func testIdempotentRequestIsRetriedWhenAReusedConnectionCloses() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)  // leaves one pooled connection
        let response = try await client.get(server.url("/drop-on-reuse"))
        let value17 = text(try await response.collect(upTo: 64))
        XCTAssertEqual(value17, "fresh connection")
        let value18 = try await stats(client).hits["/drop-on-reuse"]
        XCTAssertEqual(value18, 2, "first try on the reused connection, retry on a new one")
    }

    func testPostIsNotRetried() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)
        let error = await expectClientError { () async throws(HTTPClientError) in
            try await client.post(self.server.url("/drop-on-reuse"), body: .string("x"))
        }
        XCTAssertEqual(error?.code, .connectionClosed)
        let value19 = try await stats(client).hits["/drop-on-reuse"]
        XCTAssertEqual(value19, 1)
    }

    func testPostMarkedIdempotentIsRetried() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)
        var request = try HTTPClientRequest(method: .post, url: server.url("/drop-on-reuse"), body: .string("x"))
        request.isIdempotent = true
        let value20 = text(try await client.execute(request).collect(upTo: 64))
        XCTAssertEqual(value20, "fresh connection")
        let value21 = try await stats(client).hits["/drop-on-reuse"]
        XCTAssertEqual(value21, 2)
    }

    func testNoRetriesWhenDisabled() async throws {
        let client = makeClient { $0.maxRetries = 0 }
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.get(self.server.url("/drop-on-reuse")) }
        XCTAssertEqual(error?.code, .connectionClosed)
        let value22 = try await stats(client).hits["/drop-on-reuse"]
        XCTAssertEqual(value22, 1)
    }

    func testStartedStreamBodyIsNotRetried() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        _ = try await client.get(server.url("/reset")).collect(upTo: 10)
        var request = try HTTPClientRequest(method: .put, url: server.url("/drop-on-reuse"),
                                            body: .stream(length: 1) { writer in try await writer.write([0x41]) })
        request.isIdempotent = true
        let error = await expectClientError { () async throws(HTTPClientError) in try await client.execute(request) }
        XCTAssertEqual(error?.code, .connectionClosed)
        let value23 = try await stats(client).hits["/drop-on-reuse"]
        XCTAssertEqual(value23, 1)
    }

    // MARK: redirects

    func testRedirectsAreReturnedUnlessAskedFor() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let response = try await client.get(server.url("/redirect?to=/hello&code=302"))
        XCTAssertEqual(response.status.code, 302)
        XCTAssertEqual(response.headers["location"], "/hello")
    }

    func testRedirectsAreFollowedWhenAskedFor() async throws {
        let client = makeClient { $0.redirects = .follow(max: 3) }
        defer { client.shutdown() }
        let value24 = text(try await client.get(server.url("/redirect?to=/hello&code=301")).collect(upTo: 64))
        XCTAssertEqual(value24, "Hello, World!")
        // 303 turns a POST into a GET without body; 307 repeats the POST and its body.
        let seeOther = try await client.post(server.url("/redirect?to=/method&code=303"), body: .string("abc"))
        let value25 = text(try await seeOther.collect(upTo: 64))
        XCTAssertEqual(value25, "GET 0")
        let temporary = try await client.post(server.url("/redirect?to=/method&code=307"), body: .string("abc"))
        let value26 = text(try await temporary.collect(upTo: 64))
        XCTAssertEqual(value26, "POST 3")
        // An absolute Location works too.
        let absolute = server.url("/hello").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let value27 = text(try await client.get(server.url("/redirect?to=\(absolute)")).collect(upTo: 64))
        XCTAssertEqual(value27, "Hello, World!")
    }

    func testRedirectLoopStopsAtTheLimit() async throws {
        let client = makeClient { $0.redirects = .follow(max: 3) }
        defer { client.shutdown() }
        let error = await expectClientError { () async throws(HTTPClientError) in
            try await client.get(self.server.url("/loop"))
        }
        XCTAssertEqual(error?.code, .tooManyRedirects)
    }

    // MARK: large bodies, bounded memory

    func testLargeDownloadStreamsWithBoundedMemory() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let total = 256 * 1024 * 1024
        let response = try await client.get(server.url("/large?bytes=\(total)"))
        XCTAssertEqual(response.headers["content-length"], String(total))
        let before = residentBytes()
        var received = 0
        var peak = before
        var mismatch = false
        for try await chunk in response.body {
            // The server sends bytes 0, 1, ... 255, 0, ...: check each chunk's ends against its offset
            // (a byte-by-byte loop would dominate a debug build's run time).
            if let first = chunk.first, let last = chunk.last,
               first != UInt8(truncatingIfNeeded: received) || last != UInt8(truncatingIfNeeded: received + chunk.count - 1) {
                mismatch = true
            }
            received += chunk.count
            if received % (16 << 20) < chunk.count { peak = max(peak, residentBytes()) }
        }
        peak = max(peak, residentBytes())
        print("info: 256 MiB download, RSS grew \((peak - before) >> 20) MiB")
        XCTAssertEqual(received, total)
        XCTAssertFalse(mismatch, "the body bytes are the server's pattern, in order")
        XCTAssertLessThan(peak - before, 32 << 20, "streaming 256 MiB must not buffer it (grew \((peak - before) >> 20) MiB)")
    }

    func testLargeChunkedUploadStreamsWithBoundedMemory() async throws {
        let client = makeClient { $0.requestTimeout = .seconds(120) }
        defer { client.shutdown() }
        let chunk = [UInt8](repeating: 0x5A, count: 256 * 1024)
        let count = 512  // 128 MiB
        let before = residentBytes()
        let peak = PeakMemory()
        let body = HTTPClientRequest.Body.stream { writer in
            for i in 0..<count {
                try await writer.write(chunk)
                if i % 64 == 0 { peak.sample() }
            }
        }
        let response = try await client.post(server.url("/upload"), body: body)
        let json = try JSONSerialization.jsonObject(with: Data(try await response.collect(upTo: 4096))) as? [String: Any]
        XCTAssertEqual(json?["bytes"] as? Int, chunk.count * count)
        print("info: 128 MiB chunked upload, RSS grew \((peak.value - before) >> 20) MiB")
        XCTAssertLessThan(peak.value - before, 32 << 20, "uploading 128 MiB must not buffer it (grew \((peak.value - before) >> 20) MiB)")
    }

    func testCollectRefusesBodiesOverTheLimit() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let error = await expectClientError { () async throws(HTTPClientError) in
            try await client.get(self.server.url("/large?bytes=100000")).collect(upTo: 1000)
        }
        XCTAssertEqual(error?.code, .responseTooLarge)
        let chunked = await expectClientError { () async throws(HTTPClientError) in
            try await client.get(self.server.url("/chunked?count=10&size=200")).collect(upTo: 1000)
        }
        XCTAssertEqual(chunked?.code, .responseTooLarge)
    }

    func testABodyCanBeIteratedOnlyOnce() async throws {
        let client = makeClient()
        defer { client.shutdown() }
        let response = try await client.get(server.url("/hello"))
        let value28 = text(try await response.collect(upTo: 64))
        XCTAssertEqual(value28, "Hello, World!")
        let error = await expectClientError { () async throws(HTTPClientError) in try await response.collect(upTo: 64) }
        XCTAssertEqual(error?.code, .invalidRequest)
    }

    // MARK: TLS

    func testHTTPSWithACustomCA() async throws {
        let pki = try TestPKI.make()
        let tlsServer = try PythonTestServer(arguments: ["tls", pki.serverCertificate, pki.serverKey])
        defer { tlsServer.stop() }
        let client = makeClient { $0.tls = .client(trust: .caFile(pki.caCertificate)) }
        defer { client.shutdown() }
        let base = "https://127.0.0.1:\(tlsServer.port)"
        var ports: Set<String> = []
        for _ in 0..<3 { ports.insert(text(try await client.get(base + "/conn").collect(upTo: 64))) }
        XCTAssertEqual(ports.count, 1, "TLS connections are pooled too")
        let echoed = try await client.post(base + "/echo", body: .string("over tls")).collect(upTo: 64)
        XCTAssertEqual(text(echoed), "over tls")

        let untrusting = makeClient { $0.maxRetries = 0 }  // system CAs do not know our test CA
        defer { untrusting.shutdown() }
        let error = await expectClientError { () async throws(HTTPClientError) in try await untrusting.get(base + "/hello") }
        XCTAssertEqual(error?.code, .tlsFailed)
    }
}

/// The highest resident size seen by `sample()`.
final class PeakMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = residentBytes()
    func sample() {
        let now = residentBytes()
        lock.withLock { peak = max(peak, now) }
    }
    var value: Int { lock.withLock { max(peak, residentBytes()) } }
}
