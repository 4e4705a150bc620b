import XCTest
@testable import WireTrace

final class HTTPAnnotatorTests: XCTestCase {
    func testChunkedRequestShowsHeadersChunkSizesAndTrailers() {
        let bytes = Array(("POST /tasks HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n0\r\nDigest: x\r\n\r\n").utf8)
        let frame = HTTPAnnotator.annotate(bytes, direction: .sent)
        XCTAssertNil(frame.decodeFailure)
        XCTAssertEqual(frame.summary, "POST /tasks HTTP/1.1")
        XCTAssertEqual(frame.fields.map(\.name), ["request line", "header Host", "header Transfer-Encoding",
                                                 "end of header section", "chunk size", "chunk data", "chunk size",
                                                 "trailer", "end of chunked body"])
        XCTAssertEqual(frame.fields[4].value, "5 (0x5) with extensions")
        XCTAssertEqual(RESPAnnotatorTests.claimedBytes(frame), bytes.count)
    }

    func testCutChunkIsAFailure() {
        let bytes = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc".utf8)
        XCTAssertEqual(HTTPAnnotator.annotate(bytes, direction: .received).decodeFailure,
                       "chunk of 255 bytes at 51 runs past the message")
    }
}
