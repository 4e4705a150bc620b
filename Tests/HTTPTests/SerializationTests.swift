import HTTP
import TestRandom
import XCTest

final class SerializationTests: XCTestCase {
    func testRequestHeadBytes() throws {
        let head = HTTPRequestHead(method: .post, target: "/v1/tasks?x=1", headers: ["Host": "api", "Content-Length": "2"])
        var bytes: [UInt8] = []
        try head.write(into: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "POST /v1/tasks?x=1 HTTP/1.1\r\nHost: api\r\nContent-Length: 2\r\n\r\n")
    }

    func testResponseHeadBytes() throws {
        let head = HTTPResponseHead(status: .notFound, headers: ["Content-Length": "0"])
        var bytes: [UInt8] = []
        try head.write(into: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    }

    func testChunkedEncodingRoundTrips() throws {
        var bytes = Array("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let pieces: [[UInt8]] = [Array("hello".utf8), [], Array(repeating: 0x41, count: 300), Array(" end".utf8)]
        for piece in pieces { HTTPChunkedEncoding.appendChunk(piece, into: &bytes) }
        try HTTPChunkedEncoding.appendEnd(trailers: ["X-Sum": "42"], into: &bytes)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("\r\n12c\r\nAAA"))
        let outcome = parseRequests([bytes[...]])
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.parts.count, 3)
        XCTAssertEqual(outcome.parts[1], .body(pieces.flatMap { $0 }))
        XCTAssertEqual(outcome.parts[2], .end(trailers: ["X-Sum": "42"]))
    }

    func testHeaderInjectionIsRefused() {
        var bytes: [UInt8] = []
        let cases: [HTTPHeaders] = [["X-A": "a\r\nInjected: yes"], ["X A": "1"], ["": "1"], ["X-A": "a\nb"], ["X-A": " padded"], ["X-A": "nul\u{0}"]]
        for headers in cases {
            XCTAssertThrowsError(try HTTPResponseHead(status: .ok, headers: headers).write(into: &bytes), "\(headers)") {
                XCTAssertEqual(($0 as? HTTPError)?.code, .invalidFieldForSerialization)
            }
        }
        XCTAssertThrowsError(try HTTPRequestHead(method: .get, target: "/a b", headers: ["Host": "h"]).write(into: &bytes))
        XCTAssertThrowsError(try HTTPRequestHead(method: HTTPMethod("GE T"), target: "/", headers: ["Host": "h"]).write(into: &bytes))
        XCTAssertThrowsError(try HTTPResponseHead(status: HTTPStatus(code: 200, reasonPhrase: "O\r\nK")).write(into: &bytes))
        XCTAssertThrowsError(try HTTPChunkedEncoding.appendEnd(trailers: ["Bad Name": "x"], into: &bytes))
        XCTAssertEqual(bytes, [], "nothing is written when serialization fails")
        var repaired: HTTPHeaders = ["X-Good": "1", "X-Bad": "a\r\nb"]
        repaired.remove("x-bad")
        XCTAssertNoThrow(try HTTPResponseHead(status: .ok, headers: repaired).write(into: &bytes), "removing the bad field repairs the set")
        var stillBad: HTTPHeaders = ["X Bad": "1", "X-Other": "2"]
        stillBad.remove("x-other")
        XCTAssertThrowsError(try HTTPResponseHead(status: .ok, headers: stillBad).write(into: &bytes))
    }

    /// Random requests: serialize, cut at random points, parse, compare.
    func testRandomRequestsRoundTrip() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        let methods: [HTTPMethod] = [.get, .post, .put, .delete, HTTPMethod("X-CUSTOM")]
        for _ in 0..<300 {
            var stream: [UInt8] = []
            var expected: [HTTPRequestPart] = []
            for _ in 0..<Int(rng.next() % 4 + 1) {
                var headers: HTTPHeaders = ["Host": "h\(rng.next() % 100)"]
                for f in 0..<Int(rng.next() % 6) {
                    headers.add(name: "X-F\(f % 3)", value: String(repeating: "v", count: Int(rng.next() % 20)))
                }
                let body = (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let chunked = rng.next() % 2 == 0
                if chunked { headers.add(name: "Transfer-Encoding", value: "chunked") }
                else if !body.isEmpty { headers.add(name: "Content-Length", value: "\(body.count)") }
                let head = HTTPRequestHead(method: methods[Int(rng.next() % 5)], target: "/p/\(rng.next() % 1000)?q=\(rng.next() % 7)", headers: headers)
                try head.write(into: &stream)
                expected.append(.head(head))
                if chunked {
                    var rest = body[...]
                    while !rest.isEmpty {
                        let n = min(rest.count, Int(rng.next() % 50 + 1))
                        HTTPChunkedEncoding.appendChunk(rest.prefix(n), into: &stream)
                        rest = rest.dropFirst(n)
                    }
                    try HTTPChunkedEncoding.appendEnd(into: &stream)
                } else {
                    stream += body
                }
                if !body.isEmpty && (chunked || !body.isEmpty) { expected.append(.body(body)) }
                expected.append(.end(trailers: HTTPHeaders()))
            }
            var chunks: [ArraySlice<UInt8>] = []
            var i = 0
            while i < stream.count {
                let n = min(stream.count - i, Int(rng.next() % 64 + 1))
                chunks.append(stream[i..<(i + n)])
                i += n
            }
            XCTAssertEqual(parseRequests(chunks), ParseOutcome(parts: expected, error: nil))
        }
    }
}

