import HTTP
import XCTest

/// Well-formed request streams and what they must parse to. Each is fed whole, one byte at a
/// time and split in two at every offset; all must give exactly the expected parts.
final class RequestParserFixtureTests: XCTestCase {
    struct Fixture {
        let name: String
        let raw: String
        let expected: [HTTPRequestPart]
    }

    static func head(_ method: HTTPMethod, _ target: String, _ fields: [(String, String)]) -> HTTPRequestPart {
        head(method, target, .http1_1, fields)
    }

    static func head(_ method: HTTPMethod, _ target: String, _ version: HTTPVersion,
                     _ fields: [(String, String)]) -> HTTPRequestPart {
        .head(HTTPRequestHead(method: method, target: target, version: version, headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) })))
    }

    static let end = HTTPRequestPart.end(trailers: HTTPHeaders())

    static let fixtures: [Fixture] = [
        Fixture(name: "minimal GET", raw: "GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n",
                expected: [head(.get, "/hello", [("Host", "example.com")]), end]),
        Fixture(name: "HTTP/1.0 without Host", raw: "GET / HTTP/1.0\r\n\r\n",
                expected: [head(.get, "/", .http1_0, []), end]),
        Fixture(name: "duplicates kept in order, OWS trimmed, empty value",
                raw: "GET /a HTTP/1.1\r\nHost: h\r\nAccept: a/b\r\nX-Dup:one\r\nx-dup: \t two \t\r\nX-Empty:\r\nX-Obs: caf\u{E9}\r\n\r\n",
                expected: [head(.get, "/a", [("Host", "h"), ("Accept", "a/b"), ("X-Dup", "one"), ("x-dup", "two"),
                                             ("X-Empty", ""), ("X-Obs", "caf\u{E9}")]), end]),
        Fixture(name: "POST with Content-Length",
                raw: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
                expected: [head(.post, "/echo", [("Host", "h"), ("Content-Length", "11"), ("Content-Type", "text/plain")]),
                           .body(Array("hello world".utf8)), end]),
        Fixture(name: "identical Content-Length list and duplicate",
                raw: "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
                expected: [head(.put, "/x", [("Host", "h"), ("Content-Length", "3, 3"), ("Content-Length", "3")]),
                           .body(Array("abc".utf8)), end]),
        Fixture(name: "Content-Length: 0",
                raw: "POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
                expected: [head(.post, "/e", [("Host", "h"), ("Content-Length", "0")]), end]),
        Fixture(name: "chunked with extensions and trailers",
                raw: "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value;flag\r\nhello\r\n"
                    + "6 ; q=\"quoted \\\" str\"\r\n world\r\n"
                    + "A\r\n0123456789\r\n"
                    + "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
                expected: [head(.post, "/up", [("Host", "h"), ("Transfer-Encoding", "chunked")]),
                           .body(Array("hello world0123456789".utf8)),
                           .end(trailers: ["X-Checksum": "abc", "X-Other": "1"])]),
        Fixture(name: "chunked, mixed-case coding name, no trailers",
                raw: "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                expected: [head(.post, "/up", [("Host", "h"), ("Transfer-Encoding", "Chunked")]),
                           .body(Array("abc".utf8)), end]),
        Fixture(name: "pipelined GET, POST, chunked POST, GET",
                raw: "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
                    + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
                    + "GET /4?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                expected: [head(.get, "/1", [("Host", "h")]), end,
                           head(.post, "/2", [("Host", "h"), ("Content-Length", "2")]), .body(Array("ok".utf8)), end,
                           head(.post, "/3", [("Host", "h"), ("Transfer-Encoding", "chunked")]), .body(Array("z".utf8)), end,
                           head(.get, "/4?x=1", [("Host", "h"), ("Connection", "close")]), end]),
        Fixture(name: "empty lines before the request line are ignored",
                raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
                expected: [head(.get, "/", [("Host", "h")]), end]),
        Fixture(name: "absolute-form, OPTIONS *, CONNECT authority-form, extension method",
                raw: "GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"
                    + "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                    + "PROPFIND /dav HTTP/1.1\r\nHost: h\r\n\r\n",
                expected: [head(.get, "http://example.com:8080/a/b?c=d", [("Host", "example.com:8080")]), end,
                           head(.options, "*", [("Host", "h")]), end,
                           head(.connect, "example.com:443", [("Host", "example.com:443")]), end,
                           head(HTTPMethod("PROPFIND"), "/dav", [("Host", "h")]), end]),
        Fixture(name: "HTTP/1.2 is accepted as 1.x",
                raw: "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
                expected: [head(.get, "/", HTTPVersion(major: 1, minor: 2), [("Host", "h")]), end]),
    ]

    func testEveryFixtureWholeByteByByteAndSplitAtEveryOffset() {
        var cases = 0
        for fixture in Self.fixtures {
            for (label, chunks) in splits(of: fixture.raw.bytes) {
                let outcome = parseRequests(chunks)
                XCTAssertEqual(outcome, ParseOutcome(parts: fixture.expected, error: nil), "\(fixture.name), \(label)")
                cases += 1
            }
        }
        print("request fixtures: \(Self.fixtures.count) fixtures, \(cases) feedings, all compared")
    }

    func testFixturesConcatenatedParseAsOneStream() {
        let all = Self.fixtures.filter { !$0.raw.contains("Connection: close") }
        let raw = all.map(\.raw).joined()
        let expected = all.flatMap(\.expected)
        XCTAssertEqual(parseRequests([raw.bytes[...]]), ParseOutcome(parts: expected, error: nil))
        XCTAssertEqual(parseRequests(raw.bytes.indices.map { raw.bytes[$0...$0] }), ParseOutcome(parts: expected, error: nil))
    }

    func testFramingIsReported() throws {
        var parser = HTTPRequestParser()
        parser.append("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n".bytes)
        guard case .head? = try parser.next() else { return XCTFail("no head") }
        XCTAssertEqual(parser.framing, .contentLength(4))
        XCTAssertFalse(parser.isAtMessageBoundary)
        parser.append("abcdGET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".bytes)
        XCTAssertEqual(try parser.next(), .body(Array("abcd".utf8)))
        XCTAssertEqual(try parser.next(), .end(trailers: HTTPHeaders()))
        guard case .head? = try parser.next() else { return XCTFail("no second head") }
        XCTAssertEqual(parser.framing, .chunked)
        XCTAssertNil(try parser.next())
        parser.append("0\r\n\r\n".bytes)
        XCTAssertEqual(try parser.next(), .end(trailers: HTTPHeaders()))
        XCTAssertTrue(parser.isAtMessageBoundary)
        XCTAssertNil(try parser.next())
    }

    func testBodyIsDeliveredAsItArrivesNotAtTheEnd() throws {
        var parser = HTTPRequestParser()
        parser.append("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".bytes)
        guard case .head? = try parser.next() else { return XCTFail("no head") }
        XCTAssertEqual(try parser.next(), .body(Array("abc".utf8)))
        XCTAssertNil(try parser.next())
        parser.append("defghij".bytes)
        XCTAssertEqual(try parser.next(), .body(Array("defghij".utf8)))
        XCTAssertEqual(try parser.next(), .end(trailers: HTTPHeaders()))
    }

    func testEndOfInputInsideAMessageIsTruncatedAtABoundaryIsClean() {
        XCTAssertEqual(parseRequests(["GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes[...]]).error, nil)
        XCTAssertEqual(parseRequests(["GET / HTTP/1.1\r\nHost: h\r\n".bytes[...]]).error, .truncatedMessage)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab".bytes[...]]).error, .truncatedMessage)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n".bytes[...]]).error,
                       .truncatedMessage)
    }

    func testReceiveAppendsIntoTheParserBuffer() async throws {
        var parser = HTTPRequestParser()
        let n = await parser.receive { (buffer: inout [UInt8]) -> Int in
            let bytes = "GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes
            buffer.append(contentsOf: bytes)
            return bytes.count
        }
        XCTAssertEqual(n, 27)
        guard case .head(let head)? = try parser.next() else { return XCTFail("no head") }
        XCTAssertEqual(head.target, "/")
    }
}
