import HTTP
import XCTest

/// Malformed, over-limit and smuggling requests, each with the error and the status a server
/// must answer. Every case is fed whole, byte by byte and split at every offset, and must fail
/// the same way each time.
final class RequestParserRejectionTests: XCTestCase {
    struct Case {
        let name: String
        let raw: String
        let code: HTTPError.Code
        let status: Int
    }

    /// Small limits so over-limit inputs stay short.
    static let limits = HTTPParserLimits(maxStartLineLength: 64, maxHeaderBytes: 128, maxHeaderCount: 4,
                                         maxBodySize: 32, maxChunkLineLength: 20)

    static let cases: [Case] = [
        // start line
        Case(name: "no version", raw: "GET /\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "two spaces after method", raw: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", code: .invalidTarget, status: 400),
        Case(name: "two spaces before version", raw: "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "method with a bad byte", raw: "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "empty request line", raw: "\r\n\r\n \r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "lowercase version", raw: "GET / http/1.1\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "version with two digits", raw: "GET / HTTP/1.10\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", code: .unsupportedVersion, status: 505),
        Case(name: "HTTP/0.9", raw: "GET / HTTP/0.9\r\n\r\n", code: .unsupportedVersion, status: 505),
        Case(name: "tab in target", raw: "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", code: .invalidTarget, status: 400),
        Case(name: "DEL in target", raw: "GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", code: .invalidTarget, status: 400),
        Case(name: "non-ASCII in target", raw: "GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", code: .invalidTarget, status: 400),
        Case(name: "bare CR in request line", raw: "GET / HTTP/1.1\rX\r\nHost: h\r\n\r\n", code: .malformedStartLine, status: 400),
        Case(name: "request line over the limit", raw: "GET /" + String(repeating: "a", count: 60) + " HTTP/1.1\r\nHost: h\r\n\r\n",
             code: .startLineTooLong, status: 414),
        Case(name: "request line over the limit, never ended", raw: "GET /" + String(repeating: "a", count: 100),
             code: .startLineTooLong, status: 414),
        // line endings
        Case(name: "bare LF after request line", raw: "GET / HTTP/1.1\nHost: h\r\n\r\n", code: .bareLineEnding, status: 400),
        Case(name: "bare LF after a field", raw: "GET / HTTP/1.1\r\nHost: h\n\r\n", code: .bareLineEnding, status: 400),
        Case(name: "bare LF ending the head", raw: "GET / HTTP/1.1\r\nHost: h\r\n\n", code: .bareLineEnding, status: 400),
        // fields
        Case(name: "obs-fold (space)", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n", code: .obsoleteLineFolding, status: 400),
        Case(name: "obs-fold (tab)", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\t2\r\n\r\n", code: .obsoleteLineFolding, status: 400),
        Case(name: "whitespace before the first field", raw: "GET / HTTP/1.1\r\n Host: h\r\n\r\n", code: .obsoleteLineFolding, status: 400),
        Case(name: "space before colon", raw: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "no colon", raw: "GET / HTTP/1.1\r\nHost h\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "empty name", raw: "GET / HTTP/1.1\r\n: h\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "bare CR in value", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "non-token byte in name", raw: "GET / HTTP/1.1\r\nHost: h\r\nX@A: a\r\n\r\n", code: .malformedHeader, status: 400),
        Case(name: "missing Host in HTTP/1.1", raw: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", code: .invalidHost, status: 400),
        Case(name: "two Host fields", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", code: .invalidHost, status: 400),
        Case(name: "too many fields", raw: "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", code: .tooManyHeaders, status: 431),
        Case(name: "header section over the limit", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 120) + "\r\n\r\n",
             code: .headerSectionTooLarge, status: 431),
        Case(name: "header section over the limit, never ended", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 200),
             code: .headerSectionTooLarge, status: 431),
        // body size
        Case(name: "Content-Length over the body limit", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 33\r\n\r\n",
             code: .bodyTooLarge, status: 413),
        Case(name: "Content-Length overflowing 64 bits", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
             code: .bodyTooLarge, status: 413),
        Case(name: "chunked body over the limit", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "10\r\n0123456789abcdef\r\n11\r\n",
             code: .bodyTooLarge, status: 413),
        Case(name: "chunk size overflowing 64 bits", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
             code: .bodyTooLarge, status: 413),
        // chunked syntax
        Case(name: "chunk size not hex", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "chunk size with sign", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "chunk size with trailing junk", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\na\r\n0\r\n\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "chunk extension without name", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;=x\r\na\r\n0\r\n\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "unterminated quoted chunk extension", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\"x\r\na\r\n0\r\n\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "chunk data longer than its size", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
             code: .malformedChunk, status: 400),
        Case(name: "chunk-size line over the limit", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;aaaaaaaaaaaaaaaaaaaaaaaa\r\na\r\n0\r\n\r\n",
             code: .chunkLineTooLong, status: 400),
        Case(name: "bare LF after chunk size", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n",
             code: .bareLineEnding, status: 400),
        // Fuzz finding: the bare LF sits exactly where the line limit runs out; fed a byte at a
        // time the limit used to fire before the LF was seen.
        Case(name: "bare LF ending a chunk-size line at the limit",
             raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b" + String(repeating: "d", count: 16) + "-\n",
             code: .bareLineEnding, status: 400),
        Case(name: "obs-fold in trailers", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\n 2\r\n\r\n",
             code: .obsoleteLineFolding, status: 400),
        // smuggling (RFC 9112 §6.3, §11.2)
        Case(name: "Content-Length with Transfer-Encoding", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             code: .contentLengthWithTransferEncoding, status: 400),
        Case(name: "Transfer-Encoding with Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n",
             code: .contentLengthWithTransferEncoding, status: 400),
        Case(name: "differing duplicate Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
             code: .conflictingContentLength, status: 400),
        Case(name: "differing Content-Length list", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\nhello",
             code: .conflictingContentLength, status: 400),
        Case(name: "Content-Length with a sign", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello",
             code: .invalidContentLength, status: 400),
        Case(name: "negative Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
             code: .invalidContentLength, status: 400),
        Case(name: "hex Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nhello",
             code: .invalidContentLength, status: 400),
        Case(name: "empty Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n",
             code: .invalidContentLength, status: 400),
        Case(name: "Transfer-Encoding not ending in chunked", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "Transfer-Encoding identity", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "Transfer-Encoding chunked twice", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "Transfer-Encoding with a near-miss name", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "empty Transfer-Encoding", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "Transfer-Encoding in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "unsupported coding before chunked", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
             code: .unsupportedTransferCoding, status: 501),
    ]

    func testEveryCaseFailsWithItsStatusHoweverItIsSplit() {
        var feedings = 0
        for c in Self.cases {
            for (label, chunks) in splits(of: c.raw.bytes) {
                let outcome = parseRequests(chunks, limits: Self.limits)
                XCTAssertEqual(outcome.error, c.code, "\(c.name), \(label): \(outcome)")
                feedings += 1
            }
            XCTAssertEqual(HTTPError(c.code, "").status.code, c.status, c.name)
        }
        print("request rejections: \(Self.cases.count) cases, \(feedings) feedings")
    }

    func testSmugglingErrorsAreFramingAttacksAndClose() {
        for code in [HTTPError.Code.contentLengthWithTransferEncoding, .conflictingContentLength, .invalidContentLength, .invalidTransferEncoding] {
            let error = HTTPError(code, "")
            XCTAssertTrue(error.isFramingAttack, "\(code)")
            XCTAssertTrue(error.closesConnection, "\(code)")
            XCTAssertEqual(error.status, .badRequest)
        }
        XCTAssertFalse(HTTPError(.bodyTooLarge, "").isFramingAttack)
    }

    func testTheParserKeepsFailingAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append("GET / HTTP/1.1\r\nHost : h\r\n\r\n".bytes)
        XCTAssertThrowsError(try parser.next())
        parser.append("GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes)
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual(($0 as? HTTPError)?.code, .malformedHeader) }
    }

    func testLimitsAreInclusive() {
        // Exactly at each limit parses; one byte more fails.
        let limits = HTTPParserLimits(maxStartLineLength: 16, maxHeaderBytes: 11, maxHeaderCount: 1, maxBodySize: 3, maxChunkLineLength: 3)
        let line16 = "GET /abc HTTP/1.1"  // 17
        XCTAssertEqual(parseRequests(["GET /ab HTTP/1.1\r\nHost: h\r\n\r\n".bytes[...]], limits: limits).error, nil)
        XCTAssertEqual(parseRequests([(line16 + "\r\nHost: h\r\n\r\n").bytes[...]], limits: limits).error, .startLineTooLong)
        // header section "Host: h\r\n\r\n" is 11 bytes
        XCTAssertEqual(parseRequests(["GET / HTTP/1.1\r\nHost: hh\r\n\r\n".bytes[...]], limits: limits).error, .headerSectionTooLarge)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\n\r\n".bytes[...]], limits: limits).error, nil)
        var bodyLimits = limits
        bodyLimits.maxHeaderBytes = 1000
        bodyLimits.maxHeaderCount = 2
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc".bytes[...]], limits: bodyLimits).error, nil)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd".bytes[...]], limits: bodyLimits).error, .bodyTooLarge)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a\r\nabc\r\n0\r\n\r\n".bytes[...]],
                                     limits: bodyLimits).error, nil)
        XCTAssertEqual(parseRequests(["POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ab\r\nabc\r\n0\r\n\r\n".bytes[...]],
                                     limits: bodyLimits).error, .chunkLineTooLong)
    }
}
