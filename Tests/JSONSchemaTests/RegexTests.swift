import XCTest
@testable import JSONSchema

final class RegexTests: XCTestCase {
    func matches(_ pattern: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        do { return try ECMARegex(pattern).matches(text) } catch {
            XCTFail("\(pattern): \(error)", file: file, line: line)
            return false
        }
    }

    func testBasics() {
        XCTAssertTrue(matches("abc", "xxabcxx"))
        XCTAssertFalse(matches("^abc$", "xabc"))
        XCTAssertTrue(matches("^a.c$", "abc"))
        XCTAssertFalse(matches("^a.c$", "a\nc"))
        XCTAssertTrue(matches("^(ab|cd)+$", "abcdab"))
        XCTAssertFalse(matches("^(ab|cd)+$", "abca"))
        XCTAssertTrue(matches("^a{2,3}$", "aaa"))
        XCTAssertFalse(matches("^a{2,3}$", "aaaa"))
        XCTAssertTrue(matches("^a{2,}$", "aaaaa"))
        XCTAssertTrue(matches("^[a-c-]+$", "a-b-c"))
        XCTAssertTrue(matches("^[^0-9]+$", "abc"))
        XCTAssertFalse(matches("^[^0-9]+$", "ab1"))
        XCTAssertTrue(matches("^a*?b$", "aaab"))
        XCTAssertTrue(matches("^(a)\\1$", "aa"))
        XCTAssertFalse(matches("^(a)\\1$", "ab"))
        XCTAssertTrue(matches("^(?<x>[a-z])\\k<x>$", "zz"))
        XCTAssertTrue(matches("foo(?=bar)", "foobar"))
        XCTAssertFalse(matches("foo(?!bar)", "foobar"))
        XCTAssertTrue(matches("(?<=\\$)\\d+", "cost: $42"))
        XCTAssertFalse(matches("(?<!\\$)\\b\\d+", "$42"))
        XCTAssertTrue(matches("\\bword\\b", "a word here"))
        XCTAssertTrue(matches("^(a*)*$", "aaaa"))
        XCTAssertTrue(matches("^\\u0041\\x42\\u{1F600}$", "AB😀"))
        XCTAssertTrue(matches("^\\cJ$", "\n"))
    }

    func testECMAClassesAreASCIIOrUnicodeAsSpecified() {
        XCTAssertFalse(matches("^\\d$", "৪"))           // \d is ASCII only
        XCTAssertTrue(matches("^\\p{digit}$", "৪"))     // but \p{Nd} is Unicode
        XCTAssertFalse(matches("^\\w$", "é"))
        XCTAssertTrue(matches("^\\p{Letter}+$", "éa"))
        XCTAssertTrue(matches("^\\s$", "\u{2003}"))      // \s includes Unicode spaces
        XCTAssertTrue(matches("^\\S$", "é"))
        XCTAssertTrue(matches("^.$", "😀"))               // code points, not UTF-16 units
    }

    func testInvalidPatternsAreRejected() {
        for bad in ["(", ")", "[a", "a**", "\\a", "(?P<n>x)", "(?i)x", "a{2,1}", "\\1", "\\p{Nope}", "x{", "]"] {
            XCTAssertThrowsError(try ECMARegex(bad), bad) { error in
                XCTAssertTrue([.invalidPattern, .limitExceeded].contains((error as? JSONSchemaError)?.code), "\(error)")
            }
        }
    }

    func testLimits() throws {
        XCTAssertThrowsError(try ECMARegex(String(repeating: "a", count: 5000)))
        XCTAssertThrowsError(try ECMARegex("(a{1000}){1000}"))
        // Catastrophic backtracking stops at the step budget instead of hanging.
        let evil = try ECMARegex("^(a+)+$", limits: .init(maxSteps: 100_000))
        XCTAssertEqual(evil.search(String(repeating: "a", count: 40) + "!"), .tooComplex)
    }
}
