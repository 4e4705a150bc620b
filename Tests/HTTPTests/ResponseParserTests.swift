import HTTP
import XCTest

/// Response streams (with the methods of the requests they answer) fed whole, byte by byte and
/// split at every offset.
final class ResponseParserTests: XCTestCase {
    struct Fixture {
        let name: String
        let raw: String
        let methods: [HTTPMethod]
        let expected: [HTTPResponsePart]
        var error: HTTPError.Code? = nil
    }

    static func head(_ code: Int, _ reason: String, _ fields: [(String, String)], version: HTTPVersion = .http1_1) -> HTTPResponsePart {
        .head(HTTPResponseHead(status: HTTPStatus(code: code, reasonPhrase: reason), version: version,
                               headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) })))
    }

    static let end = HTTPResponsePart.end(trailers: HTTPHeaders())

    static let fixtures: [Fixture] = [
        Fixture(name: "Content-Length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", methods: [.get],
                expected: [head(200, "OK", [("Content-Length", "5")]), .body(Array("hello".utf8)), end]),
        Fixture(name: "chunked with trailers, custom reason",
                raw: "HTTP/1.1 201 Made It\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nDigest: d\r\n\r\n", methods: [.post],
                expected: [head(201, "Made It", [("Transfer-Encoding", "chunked")]), .body(Array("abc".utf8)),
                           .end(trailers: ["Digest": "d"])]),
        Fixture(name: "close-delimited body", raw: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", methods: [.get],
                expected: [head(200, "OK", [("Content-Type", "text/plain")]), .body(Array("until the end".utf8)), end]),
        Fixture(name: "Transfer-Encoding not ending in chunked is close-delimited",
                raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", methods: [.get],
                expected: [head(200, "OK", [("Transfer-Encoding", "gzip")]), .body(Array("xyz".utf8)), end]),
        Fixture(name: "HEAD response has no body despite Content-Length, then a GET response",
                raw: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", methods: [.head, .get],
                expected: [head(200, "OK", [("Content-Length", "100")]), end,
                           head(200, "OK", [("Content-Length", "2")]), .body(Array("hi".utf8)), end]),
        Fixture(name: "204 and 304 have no body",
                raw: "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
                methods: [.delete, .get],
                expected: [head(204, "No Content", [("Content-Length", "7")]), end,
                           head(304, "Not Modified", [("Transfer-Encoding", "chunked")]), end]),
        Fixture(name: "100 Continue then the final response",
                raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!", methods: [.put],
                expected: [head(100, "Continue", []), end, head(200, "OK", [("Content-Length", "1")]), .body(Array("!".utf8)), end]),
        Fixture(name: "no reason phrase, with and without the space",
                raw: "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", methods: [.get, .get],
                expected: [head(200, "", [("Content-Length", "0")]), end, head(404, "", [("Content-Length", "0")]), end]),
        Fixture(name: "HTTP/1.0 close-delimited", raw: "HTTP/1.0 200 OK\r\n\r\nold", methods: [.get],
                expected: [head(200, "OK", [], version: .http1_0), .body(Array("old".utf8)), end]),
        Fixture(name: "truncated Content-Length body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", methods: [.get],
                expected: [head(200, "OK", [("Content-Length", "5")]), .body(Array("hel".utf8))], error: .truncatedMessage),
        Fixture(name: "status code not three digits", raw: "HTTP/1.1 20 OK\r\n\r\n", methods: [.get],
                expected: [], error: .malformedStartLine),
        Fixture(name: "status code below 100", raw: "HTTP/1.1 099 Low\r\n\r\n", methods: [.get],
                expected: [], error: .malformedStartLine),
        Fixture(name: "Content-Length with Transfer-Encoding",
                raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", methods: [.get],
                expected: [], error: .contentLengthWithTransferEncoding),
        Fixture(name: "obs-fold", raw: "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", methods: [.get],
                expected: [], error: .obsoleteLineFolding),
    ]

    func testEveryFixtureWholeByteByByteAndSplitAtEveryOffset() {
        var feedings = 0
        for fixture in Self.fixtures {
            for (label, chunks) in splits(of: fixture.raw.bytes) {
                let outcome = parseResponses(chunks, methods: fixture.methods)
                XCTAssertEqual(outcome, ParseOutcome(parts: fixture.expected, error: fixture.error), "\(fixture.name), \(label)")
                feedings += 1
            }
        }
        print("response fixtures: \(Self.fixtures.count) fixtures, \(feedings) feedings, all compared")
    }

    func testUpgradeLeavesTheRestForTheNewProtocol() throws {
        var parser = HTTPResponseParser()
        parser.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{05}".bytes)
        guard case .head(let head)? = try parser.next() else { return XCTFail("no head") }
        XCTAssertEqual(head.status, .switchingProtocols)
        XCTAssertEqual(try parser.next(), .end(trailers: HTTPHeaders()))
        XCTAssertNil(try parser.next())
        XCTAssertTrue(parser.isUpgraded)
        XCTAssertEqual(Array(parser.unparsedBytes), "\u{81}\u{05}".bytes)
    }

    func testCloseDelimitedBodyNeedsEndOfInput() throws {
        var parser = HTTPResponseParser()
        parser.append("HTTP/1.1 200 OK\r\n\r\nabc".bytes)
        guard case .head? = try parser.next() else { return XCTFail("no head") }
        XCTAssertEqual(parser.framing, .untilClose)
        XCTAssertEqual(try parser.next(), .body(Array("abc".utf8)))
        XCTAssertNil(try parser.next())
        parser.markEndOfInput()
        XCTAssertEqual(try parser.next(), .end(trailers: HTTPHeaders()))
        XCTAssertNil(try parser.next())
    }

    func testResponseBodyLimit() {
        let limits = HTTPParserLimits(maxBodySize: 4)
        XCTAssertEqual(parseResponses(["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".bytes[...]], limits: limits).error, .bodyTooLarge)
    }
}
