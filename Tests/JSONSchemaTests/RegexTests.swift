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
        XCTAssertThrowsError(try ECMARegex("((ab){1000}){1000}"))
        // Catastrophic backtracking stops at the step budget instead of hanging (the lookahead keeps
        // this pattern on the backtracking machine)...
        let evil = try ECMARegex("^(a+)+$(?!x)", limits: .init(maxSteps: 100_000))
        XCTAssertNil(evil.automaton)
        XCTAssertEqual(evil.search(String(repeating: "a", count: 40) + "!"), .tooComplex)
        // ...while the automaton answers the classic form in one pass.
        let classic = try ECMARegex("^(a+)+$", limits: .init(maxSteps: 100_000))
        XCTAssertNotNil(classic.automaton)
        XCTAssertEqual(classic.search(String(repeating: "a", count: 40) + "!"), .noMatch)
    }

    /// The backtracking-free automaton must give the same answers as the backtracking machine.
    func testAutomatonAgreesWithBacktracking() throws {
        let patterns = [
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "^[a-z][a-z0-9-]{0,62}$", "^https?://",
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
            "^(\\S+\\s+){4}\\S+$", "a*", "^a*$", "ab|cd", "^(ab|a)*b$", "x(y|z)*?w", "^$", "^", "$", "a{2,3}b",
            "(a|)+c", "^.{3}$", "[^a-c]+$", "^(?:a|bc){2,}$", "^a?b?c?$", "colou?r",
        ]
        let texts = ["", "a", "ab", "abab", "aab", "cd", "xyzyw", "xw", "color", "colour", "3f1c2a9e-7b4d-4c21-9a6f-0e5d8b7c6a41",
                     "reports-eu", "Reports EU", "https://x", "http:/", "2026-11-29T12:30:00.125Z", "yesterday",
                     "0 2 * * *", "0 2 * *", "aaab", "bcbc", "abc", "aabcbc", "\n", "a\nb", "ac", "c", "dd"]
        var automata = 0
        for p in patterns {
            let regex = try ECMARegex(p)
            guard let nfa = regex.automaton else { continue }
            automata += 1
            for t in texts {
                let viaNFA = Array(t.utf8).withUnsafeBufferPointer { nfa.matches($0) }
                let viaVM = Array(t.utf8).withUnsafeBufferPointer { RegexVM.search(regex.program, $0, maxSteps: 1_000_000) } == .match
                XCTAssertEqual(viaNFA, viaVM, "/\(p)/ on \"\(t)\"")
            }
        }
        XCTAssertEqual(automata, patterns.count, "every pattern above has the automaton's shape")
    }
}
