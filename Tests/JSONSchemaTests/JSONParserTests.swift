import XCTest
@testable import JSONSchema

final class JSONParserTests: XCTestCase {
    func parse(_ s: String, limits: JSONParser.Limits = .init()) throws(JSONSchemaError) -> JSONValue {
        try JSONParser(limits: limits).parse(Array(s.utf8))
    }

    func expectError(_ s: String, _ code: JSONSchemaError.Code, limits: JSONParser.Limits = .init(),
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            let v = try parse(s, limits: limits)
            XCTFail("parsed \(v) from \(s)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            XCTAssertFalse(error.isRetriable)
        }
    }

    func testValues() throws {
        XCTAssertEqual(try parse(#" {"a": [1, -2, 3.5, true, false, null, "x\n\u00e9\ud83d\ude00"]} "#),
                       ["a": [1, -2, 3.5, true, false, nil, "x\né😀"]])
        XCTAssertEqual(try parse("[]"), [])
        XCTAssertEqual(try parse("{}"), [:])
        XCTAssertEqual(try parse(#""\/\\\"\b\f\r\t""#), .string("/\\\"\u{8}\u{c}\r\t"))
    }

    func testIntegersStayExact() throws {
        XCTAssertEqual(try parse("9223372036854775807"), .integer(Int64.max))
        XCTAssertEqual(try parse("-9223372036854775808"), .integer(Int64.min))
        guard case .number(let d) = try parse("9223372036854775808") else { return XCTFail("expected a double") }
        XCTAssertEqual(d, 9223372036854775808.0)
        XCTAssertEqual(try parse("-0"), .integer(0))
        guard case .number = try parse("1.0") else { return XCTFail("1.0 is kept as a number") }
        // JSON Schema equality: 1.0 equals 1, and hashes alike.
        XCTAssertEqual(try parse("1.0"), try parse("1"))
        XCTAssertEqual(Set([try parse("1.0"), try parse("1")]).count, 1)
        XCTAssertEqual(try parse("1e2"), .integer(100))
        XCTAssertEqual(try parse("1e2").typeName, "integer")
        XCTAssertEqual(try parse("1.5").typeName, "number")
    }

    func testObjectEqualityIgnoresOrder() throws {
        XCTAssertEqual(try parse(#"{"a":1,"b":[1,2]}"#), try parse(#"{"b":[1,2.0],"a":1}"#))
        XCTAssertNotEqual(try parse(#"{"a":1}"#), try parse(#"{"a":1,"b":2}"#))
    }

    func testStringsCompareByCodePoint() throws {
        // "é" precomposed and decomposed are canonically equivalent in Swift but not equal in JSON.
        XCTAssertNotEqual(JSONValue.string("\u{e9}"), JSONValue.string("e\u{301}"))
    }

    func testMalformed() {
        for bad in ["", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", "1e", "-", "+1", ".5",
                    "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{1}b\"", "[1]x",
                    "NaN", "Infinity", "1e400", "[\"\\ud800\\u0041\"]"] {
            expectError(bad, .malformedJSON)
        }
    }

    func testInvalidUTF8() {
        XCTAssertThrowsError(try JSONParser().parse([0x22, 0xC3, 0x28, 0x22]))
        XCTAssertThrowsError(try JSONParser().parse([0x22, 0xED, 0xA0, 0x80, 0x22])) // encoded surrogate
    }

    func testDuplicateKeysAreRejected() {
        expectError(#"{"a":1,"a":2}"#, .malformedJSON)
        expectError(#"{"a":1,"\u0061":2}"#, .malformedJSON)   // the same key, escaped
        XCTAssertNoThrow(try parse(#"{"a":1,"b":2,"ab":3,"ba":4}"#))
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        expectError("{\(many),\"k7\":0}", .malformedJSON)
    }

    func testLimits() {
        expectError(String(repeating: "[", count: 10) + String(repeating: "]", count: 10), .limitExceeded,
                    limits: .init(maxDepth: 9))
        XCTAssertNoThrow(try parse(String(repeating: "[", count: 9) + String(repeating: "]", count: 9), limits: .init(maxDepth: 9)))
        expectError("[1,2,3]", .limitExceeded, limits: .init(maxBytes: 6))
        expectError(#"["abcdef"]"#, .limitExceeded, limits: .init(maxStringBytes: 5))
        expectError(#"["ab\ncdef"]"#, .limitExceeded, limits: .init(maxStringBytes: 5))
        // The default depth limit protects the recursion from a hostile document.
        expectError(String(repeating: "[", count: 100_000), .limitExceeded)
    }

    func testEveryPrefixOfADocumentFailsCleanly() throws {
        let text = #"{"id": "x\u00e9", "n": [1, 2.5e3, {"deep": [true, null]}], "s": "\ud83d\ude00"}"#
        let bytes = Array(text.utf8)
        XCTAssertNoThrow(try JSONParser().parse(bytes))
        for cut in 0..<bytes.count {
            XCTAssertThrowsError(try JSONParser().parse(Array(bytes[..<cut])), "prefix of \(cut) bytes parsed")
        }
    }

    func testWriterRoundTrip() throws {
        let text = #"{"a":[1,-2,3.5,true,false,null,"x\n\"q\"\u0001é"],"b":{}}"#
        let v = try parse(text)
        XCTAssertEqual(try parse(JSONWriter.string(v)), v)
    }

    /// Our UTF-8 check must agree with the standard library's on every sequence.
    func testUTF8ValidationMatchesTheStandardLibrary() {
        var samples: [[UInt8]] = [[0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xF0, 0x8F, 0xBF, 0xBF], [0xC2], [0xE2, 0x82], Array("héllo wörld 😀 ok".utf8),
                                  Array("12345678abcdefgh€".utf8), [0xFF], [0x80]]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...12, using: &rng)
            samples.append((0..<n).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0x80...0xFF, using: &rng) : UInt8.random(in: 0x20...0x7F, using: &rng)
            })
        }
        for bytes in samples {
            let ours = bytes.withUnsafeBufferPointer { isValidUTF8($0) }
            XCTAssertEqual(ours, String(validating: bytes, as: UTF8.self) != nil, "\(bytes)")
        }
    }
}
