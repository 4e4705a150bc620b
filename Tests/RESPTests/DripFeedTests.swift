import XCTest
@testable import RESP

/// The same spec examples fed whole, one byte at a time, split at every offset, and all concatenated.
final class DripFeedTests: XCTestCase {
    private func fixtures() throws -> [([UInt8], [RESPValue])] {
        try SpecExampleTests.allExamples()
            .filter { SpecExampleTests.exclusions["\($0.file):\($0.line)"] == nil }
            .compactMap { example in SpecExampleTests.expected[example.wire].map { (Array(example.wire.utf8), $0) } }
    }

    /// Feeds `chunks` in order, draining values after each, and returns them all.
    private func feed(_ chunks: [ArraySlice<UInt8>]) throws -> [RESPValue] {
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let value = try decoder.next() { values.append(value) }
        }
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        return values
    }

    func testWhole() throws {
        let cases = try fixtures()
        XCTAssertFalse(cases.isEmpty)
        for (bytes, expected) in cases { XCTAssertEqual(try feed([bytes[...]]), expected) }
    }

    func testByteByByte() throws {
        for (bytes, expected) in try fixtures() {
            XCTAssertEqual(try feed(bytes.indices.map { bytes[$0...$0] }), expected)
        }
    }

    func testSplitAtEveryOffset() throws {
        var splits = 0
        for (bytes, expected) in try fixtures() {
            for cut in 0...bytes.count {
                XCTAssertEqual(try feed([bytes[..<cut], bytes[cut...]]), expected, "cut at \(cut)")
                splits += 1
            }
        }
        print("split-at-every-offset: \(splits) splits")
    }

    func testAllConcatenated() throws {
        let cases = try fixtures()
        let stream = cases.flatMap { $0.0 }
        let expected = cases.flatMap { $0.1 }
        XCTAssertEqual(try feed([stream[...]]), expected)
        XCTAssertEqual(try feed(stream.indices.map { stream[$0...$0] }), expected)
        // Uneven chunks (sizes 1..7 repeating) so splits land everywhere relative to value boundaries.
        var chunks: [ArraySlice<UInt8>] = []
        var index = 0, size = 1
        while index < stream.count {
            let end = min(stream.count, index + size)
            chunks.append(stream[index..<end])
            index = end
            size = size % 7 + 1
        }
        XCTAssertEqual(try feed(chunks), expected)
    }

    func testIncompleteInputReturnsNilAndKeepsBytes() throws {
        var decoder = RESPDecoder()
        decoder.append(Array("$5\r\nhel".utf8))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 7)
        decoder.append(Array("lo\r\n".utf8))
        XCTAssertEqual(try decoder.next(), .bulk("hello"))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testOpenAggregateKeepsParsedElements() throws {
        // Elements already parsed are not parsed again: the unparsed remainder shrinks as they arrive.
        var decoder = RESPDecoder()
        decoder.append(Array("*3\r\n:1\r\n:2".utf8))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 2)  // only the cut-short ":2"
        decoder.append(Array("\r\n%1\r\n+k\r\n".utf8))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        decoder.append(Array("#t\r\n+next\r\n".utf8))
        XCTAssertEqual(try decoder.next(), .array([.integer(1), .integer(2), .map([RESPPair(.simpleString("k"), .boolean(true))])]))
        XCTAssertEqual(try decoder.next(), .simpleString("next"))
        XCTAssertNil(try decoder.next())
    }

    func testLargeArrayInChunks() throws {
        // 100k elements fed in 4 KiB chunks: elements are kept across appends and arrive in order.
        let count = 100_000
        var wire = Array("*\(count)\r\n".utf8)
        for index in 0..<count { wire += Array(":\(index)\r\n".utf8) }
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for chunkStart in stride(from: 0, to: wire.count, by: 4096) {
            decoder.append(wire[chunkStart..<min(wire.count, chunkStart + 4096)])
            while let value = try decoder.next() { values.append(value) }
        }
        XCTAssertEqual(values, [.array((0..<count).map { .integer(Int64($0)) })])
    }
}
