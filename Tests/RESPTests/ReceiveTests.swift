import RESP
import XCTest

/// `RESPDecoder.receive` lets a socket read append straight into the decoder's buffer; values split
/// across receives, and parsed bytes dropped between them, must not change what is decoded.
final class ReceiveTests: XCTestCase {
    func testReceiveAppendsInPlaceAcrossSplitsAndCompaction() async throws {
        var wire: [UInt8] = []
        var expected: [RESPValue] = []
        for i in 0..<200 {
            let value: RESPValue = i % 3 == 0 ? .bulk(String(repeating: "v", count: i)) : .array([.integer(Int64(i)), .simpleString("OK")])
            expected.append(value)
            try RESPEncoder.encode(value, into: &wire)
        }
        var decoder = RESPDecoder()
        var decoded: [RESPValue] = []
        var offset = 0
        var chunk = 1
        while offset < wire.count {
            let end = min(wire.count, offset + chunk)
            let slice = wire[offset..<end]
            let appended = await decoder.receive { (buffer: inout [UInt8]) async -> Int in
                buffer.append(contentsOf: slice)
                return slice.count
            }
            XCTAssertEqual(appended, slice.count)
            offset = end
            chunk = chunk % 37 + 1  // every split size from 1 to 37 bytes, over and over
            while let value = try decoder.next() { decoded.append(value) }
        }
        XCTAssertEqual(decoded, expected)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testReceiveRethrowsTheReadersError() async {
        struct ReadFailed: Error {}
        var decoder = RESPDecoder()
        decoder.append(Array("+PART".utf8))
        // The thrown type is the reader's own (typed throws), so the catch needs no cast.
        var failed = false
        do throws(ReadFailed) {
            _ = try await decoder.receive { (_: inout [UInt8]) async throws(ReadFailed) -> Int in throw ReadFailed() }
        } catch {
            failed = true
        }
        XCTAssertTrue(failed, "expected the reader's error")
        decoder.append(Array("IAL\r\n".utf8))
        XCTAssertEqual(try decoder.next(), .simpleString("PARTIAL"))
    }
}
