import XCTest
@testable import RESP

/// Each limit and each kind of malformed input gives its own error code.
final class ErrorTests: XCTestCase {
    private func code(_ wire: String, limits: RESPLimits = RESPLimits()) -> RESPError.Code? {
        var decoder = RESPDecoder(limits: limits)
        decoder.append(Array(wire.utf8))
        do {
            while try decoder.next() != nil {}
            return nil
        } catch {
            // The decoder stays failed: the stream cannot be resynchronised.
            XCTAssertThrowsError(try decoder.next())
            XCTAssertFalse(error.isRetriable)
            return error.code
        }
    }

    func testLimits() {
        let tight = RESPLimits(maxDepth: 2, maxElementCount: 3, maxBulkLength: 4, maxLineLength: 8)
        XCTAssertNil(code("*1\r\n*1\r\n:1\r\n", limits: tight))
        XCTAssertEqual(code("*1\r\n*1\r\n*1\r\n:1\r\n", limits: tight), .depthLimitExceeded)
        // Each attribute counts one level, so a chain of them is bounded too.
        XCTAssertNil(code("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:3\r\n", limits: tight))
        XCTAssertEqual(code("|0\r\n|0\r\n|0\r\n:3\r\n", limits: tight), .depthLimitExceeded)
        XCTAssertNil(code("*3\r\n:1\r\n:2\r\n:3\r\n", limits: tight))
        XCTAssertEqual(code("*4\r\n", limits: tight), .elementCountLimitExceeded)
        XCTAssertEqual(code("~4\r\n", limits: tight), .elementCountLimitExceeded)
        XCTAssertEqual(code("%2\r\n", limits: tight), .elementCountLimitExceeded)
        XCTAssertNil(code("$4\r\nabcd\r\n", limits: tight))
        XCTAssertEqual(code("$5\r\n", limits: tight), .bulkLengthLimitExceeded)
        XCTAssertEqual(code("!5\r\n", limits: tight), .bulkLengthLimitExceeded)
        XCTAssertEqual(code("=9\r\n", limits: tight), .bulkLengthLimitExceeded)
        XCTAssertNil(code("+12345678\r\n", limits: tight))
        // An over-long line fails before its CR LF arrives, so the buffer cannot grow without bound.
        XCTAssertEqual(code("+123456789", limits: tight), .lineLengthLimitExceeded)
        XCTAssertEqual(code("$9999999999999999", limits: tight), .lineLengthLimitExceeded)
    }

    func testHugeCountDoesNotPreallocate() {
        // Within limits but far beyond the bytes present: must just wait for more data.
        var decoder = RESPDecoder(limits: RESPLimits(maxElementCount: Int.max))
        decoder.append(Array("*1000000000\r\n".utf8))
        XCTAssertNil(try decoder.next())
    }

    func testMalformed() {
        let cases: [(String, RESPError.Code)] = [
            ("x\r\n", .badTypeByte),
            ("GET k\r\n", .badTypeByte),          // inline commands are not replies
            ("_x\r\n", .badTypeByte),
            ("$abc\r\n", .badLength),
            ("$-2\r\n", .badLength),
            ("$+1\r\na\r\n", .badLength),
            ("$\r\n", .badLength),
            ("%-1\r\n", .badLength),
            ("~-1\r\n", .badLength),
            ("!-1\r\n", .badLength),
            ("$?\r\n", .badLength),                // streamed strings are not supported
            ("+OK\n", .missingCRLF),
            ("+OK\rX", .missingCRLF),
            ("$3\r\nfooXY", .missingCRLF),
            (":12a\r\n", .invalidInteger),
            (":\r\n", .invalidInteger),
            (":9223372036854775808\r\n", .invalidInteger),
            (",1.2.3\r\n", .invalidDouble),
            (",infinity\r\n", .invalidDouble),
            (",0x10\r\n", .invalidDouble),
            (",1e\r\n", .invalidDouble),
            (",\r\n", .invalidDouble),
            ("#x\r\n", .invalidBoolean),
            ("#tt\r\n", .invalidBoolean),
            ("(12a\r\n", .invalidBigNumber),
            ("(\r\n", .invalidBigNumber),
            ("=3\r\ntxt\r\n", .invalidVerbatim),
            ("=5\r\ntxtab\r\n", .invalidVerbatim),
        ]
        for (wire, expected) in cases { XCTAssertEqual(code(wire), expected, wire.debugDescription) }
        var decoder = RESPDecoder()
        decoder.append([UInt8(ascii: "+"), 0xFF, 0x0D, 0x0A])
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual(($0 as? RESPError)?.code, .invalidUTF8) }
    }

    func testBoundaryIntegers() throws {
        XCTAssertEqual(try SpecExampleTests.decodeAll(Array(":-9223372036854775808\r\n".utf8)), [.integer(.min)])
        XCTAssertEqual(try SpecExampleTests.decodeAll(Array(":9223372036854775807\r\n".utf8)), [.integer(.max)])
        XCTAssertEqual(try SpecExampleTests.decodeAll(Array(",-nan\r\n,1e-5\r\n".utf8)), [.double(.nan), .double(1e-5)])
    }

    func testErrorOffsetCountsFromStreamStart() {
        var decoder = RESPDecoder()
        decoder.append(Array("+OK\r\n:1x\r\n".utf8))
        XCTAssertEqual(try decoder.next(), .simpleString("OK"))
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual(($0 as? RESPError)?.offset, 6) }
    }

    func testUnencodable() {
        XCTAssertThrowsError(try RESPEncoder.encode(.simpleString("a\r\nb"))) { XCTAssertEqual(($0 as? RESPError)?.code, .unencodable) }
        XCTAssertThrowsError(try RESPEncoder.encode(.verbatimString(format: "text", text: []))) { XCTAssertEqual(($0 as? RESPError)?.code, .unencodable) }
        XCTAssertThrowsError(try RESPEncoder.encode(.bigNumber("12x"))) { XCTAssertEqual(($0 as? RESPError)?.code, .unencodable) }
    }
}
