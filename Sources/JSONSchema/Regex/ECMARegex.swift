/// An ECMA-262 regular expression compiled to a small backtracking program.
///
/// Why our own engine: JSON Schema patterns are ECMA-262 (`\d` and `\w` are ASCII, `\s` includes
/// Unicode spaces, `\p{..}` uses Unicode general categories), unanchored, and must not be able to
/// hang a server. Swift Regex and ICU differ in those classes and have no step budget.
///
/// Supported: literals and escapes, `.`, classes with ranges, `\d\w\s\D\W\S`, `\p{gc}`/`\P{gc}`,
/// `^ $ \b \B`, groups (capturing, named, `(?:)`), alternation, greedy and lazy quantifiers
/// (`* + ? {n} {n,} {n,m}`), lookahead, lookbehind, backreferences. Not supported: flags, `\p{Script=..}`.
public final class ECMARegex: Sendable {
    public let source: String
    let program: RegexProgram
    /// The backtracking-free matcher, when the pattern has its shape.
    let automaton: RegexBitNFA?

    /// Limits on what a pattern may cost: its compiled size, and the work of one match.
    public struct Limits: Sendable {
        public var maxPatternLength: Int
        public var maxProgramSize: Int
        public var maxSteps: Int
        public init(maxPatternLength: Int = 4096, maxProgramSize: Int = 20_000, maxSteps: Int = 1_000_000) {
            self.maxPatternLength = maxPatternLength
            self.maxProgramSize = maxProgramSize
            self.maxSteps = maxSteps
        }
    }

    public let limits: Limits

    public init(_ pattern: String, limits: Limits = Limits()) throws(JSONSchemaError) {
        guard pattern.utf8.count <= limits.maxPatternLength else {
            throw JSONSchemaError(.limitExceeded, "pattern is longer than \(limits.maxPatternLength) bytes")
        }
        let parsed: (RegexNode, captures: Int)
        do throws(RegexParser.Failure) {
            parsed = try RegexParser.parse(pattern)
        } catch {
            throw JSONSchemaError(.invalidPattern, "\(error.message) in /\(pattern)/")
        }
        guard let prog = RegexCompiler.compile(parsed.0, captures: parsed.captures, maxSize: limits.maxProgramSize) else {
            throw JSONSchemaError(.limitExceeded, "pattern /\(pattern)/ compiles to more than \(limits.maxProgramSize) instructions")
        }
        source = pattern
        program = prog
        automaton = RegexBitNFA(parsed.0)
        self.limits = limits
    }

    public enum Outcome: Sendable { case match, noMatch, tooComplex }

    /// Searches `text` for a match anywhere (ECMA `RegExp.prototype.test`).
    public func search(_ text: String) -> Outcome {
        if let literal = program.literal {
            return text.utf8.count >= literal.count && containsBytes(text, literal) ? .match : .noMatch
        }
        let program = self.program
        let automaton = self.automaton
        let maxSteps = limits.maxSteps
        // ASCII text (the common case) is matched on its UTF-8 bytes in place; other text is
        // decoded to code points in a stack buffer first.
        let ascii: ECMARegex.Outcome? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var high: UInt8 = 0
            for b in bytes { high |= b }
            guard high < 0x80 else { return nil }
            if let automaton { return automaton.matches(bytes) ? .match : .noMatch }
            return RegexVM.search(program, bytes, maxSteps: maxSteps)
        } ?? nil
        if let ascii { return ascii }
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(text.utf8.count, 1)) { buf in
            var count = 0
            for u in text.unicodeScalars { buf[count] = u.value; count += 1 }
            return RegexVM.search(program, UnsafeBufferPointer(rebasing: buf[0..<count]), maxSteps: maxSteps)
        }
    }

    public func matches(_ text: String) -> Bool { search(text) == .match }

    /// Whether this pattern runs on the backtracking-free automaton (for ASCII text).
    public var usesAutomaton: Bool { automaton != nil }

    /// The same search on the backtracking machine only, bypassing the automaton: lets tests and
    /// the fuzzer check that both engines agree.
    public func searchWithBacktracking(_ text: String) -> Outcome {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(text.utf8.count, 1)) { buf in
            var count = 0
            for u in text.unicodeScalars { buf[count] = u.value; count += 1 }
            return RegexVM.search(program, UnsafeBufferPointer(rebasing: buf[0..<count]), maxSteps: limits.maxSteps)
        }
    }

    private func containsBytes(_ text: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        var text = text
        return text.withUTF8 { (hay: UnsafeBufferPointer<UInt8>) -> Bool in
            let n = hay.count, m = needle.count
            if m > n { return false }
            var i = 0
            while i <= n - m {
                if hay[i] == needle[0] {
                    var k = 1
                    while k < m && hay[i + k] == needle[k] { k += 1 }
                    if k == m { return true }
                }
                i += 1
            }
            return false
        }
    }
}

/// One instruction of the backtracking machine.
enum RegexInst {
    case char(UInt32)
    case any
    case set(Int)
    /// Try `first`; on failure continue at `second`.
    case split(Int, Int)
    case jump(Int)
    /// Record the position in a slot (captures are slots 2k and 2k+1; loop marks come after).
    case save(Int)
    /// Fail when the loop body matched nothing since the slot's mark (ECMA empty-iteration rule).
    case progress(Int)
    case lineStart, lineEnd, wordBoundary, notWordBoundary
    case look(Int, ahead: Bool, negated: Bool)
    case backreference(Int)
    /// A run of one single-character atom, `min...max` times: matched in one step, given back one
    /// character at a time on backtracking (instead of one split per character).
    case repeatOne(RegexAtom, min: Int, max: Int, greedy: Bool)
    case match
}

/// A pattern element that matches exactly one character.
enum RegexAtom: Sendable {
    case char(UInt32)
    case any
    case set(Int)
}

/// A class so that handing the program to a matcher costs one reference count, not one per array;
/// written only while compiling.
final class RegexProgram: @unchecked Sendable {
    @exclusivity(unchecked) var insts: [RegexInst] = []
    @exclusivity(unchecked) var sets: [CharSet] = []
    /// ASCII membership of each set, two words per set (kept apart so the hot loop touches no arrays of structs).
    @exclusivity(unchecked) var asciiMaps: [UInt64] = []
    /// Sub-programs of lookarounds.
    @exclusivity(unchecked) var subprograms: [RegexProgram] = []
    @exclusivity(unchecked) var slotCount = 2
    @exclusivity(unchecked) var anchoredAtStart = false
    /// A pattern that is only literal text is searched as bytes.
    @exclusivity(unchecked) var literal: [UInt8]? = nil
}

extension CharSet: @unchecked Sendable {}
extension RegexInst: Sendable {}

enum RegexCompiler {
    static func compile(_ node: RegexNode, captures: Int, maxSize: Int) -> RegexProgram? {
        var c = Builder(slotBase: 2 * (captures + 1), maxSize: maxSize)
        guard c.emit(node) else { return nil }
        c.prog.insts.append(.match)
        c.prog.slotCount = c.nextSlot
        if case .sequence(let items) = node, case .lineStart? = items.first { c.prog.anchoredAtStart = true }
        if case .lineStart = node { c.prog.anchoredAtStart = true }
        c.prog.literal = literalBytes(node)
        c.finishMaps()
        return c.prog
    }

    static func literalBytes(_ node: RegexNode) -> [UInt8]? {
        func chars(_ n: RegexNode) -> [UInt32]? {
            switch n {
            case .char(let c): return [c]
            case .sequence(let items):
                var out: [UInt32] = []
                for item in items { guard case .char(let c) = item else { return nil }; out.append(c) }
                return out
            default: return nil
            }
        }
        guard let cs = chars(node) else { return nil }
        var s = ""
        for c in cs { guard let u = Unicode.Scalar(c) else { return nil }; s.unicodeScalars.append(u) }
        return Array(s.utf8)
    }

    struct Builder {
        var prog = RegexProgram()
        var nextSlot: Int
        let maxSize: Int
        var total = 0

        init(slotBase: Int, maxSize: Int) { nextSlot = slotBase; self.maxSize = maxSize }

        mutating func finishMaps() {
            prog.asciiMaps = prog.sets.flatMap { [$0.asciiLow, $0.asciiHigh] }
            func finish(_ p: RegexProgram) {
                p.asciiMaps = p.sets.flatMap { [$0.asciiLow, $0.asciiHigh] }
                for sub in p.subprograms { finish(sub) }
            }
            for sub in prog.subprograms { finish(sub) }
        }

        mutating func append(_ i: RegexInst) -> Int { prog.insts.append(i); return prog.insts.count - 1 }

        /// Emits code for `node`; false when the program grows past the limit.
        mutating func emit(_ node: RegexNode) -> Bool {
            guard prog.insts.count + total <= maxSize else { return false }
            switch node {
            case .empty: return true
            case .char(let c): _ = append(.char(c))
            case .any: _ = append(.any)
            case .set(let s): prog.sets.append(s); _ = append(.set(prog.sets.count - 1))
            case .lineStart: _ = append(.lineStart)
            case .lineEnd: _ = append(.lineEnd)
            case .wordBoundary: _ = append(.wordBoundary)
            case .notWordBoundary: _ = append(.notWordBoundary)
            case .backreference(let n): _ = append(.backreference(n))
            case .sequence(let items):
                for item in items { guard emit(item) else { return false } }
            case .group(let inner, let capture):
                if let k = capture { _ = append(.save(2 * k)) }
                guard emit(inner) else { return false }
                if let k = capture { _ = append(.save(2 * k + 1)) }
            case .alternation(let alts):
                var jumps: [Int] = []
                for (idx, alt) in alts.enumerated() {
                    if idx < alts.count - 1 {
                        let split = append(.split(0, 0))
                        guard emit(alt) else { return false }
                        jumps.append(append(.jump(0)))
                        prog.insts[split] = .split(split + 1, prog.insts.count)
                    } else {
                        guard emit(alt) else { return false }
                    }
                }
                for j in jumps { prog.insts[j] = .jump(prog.insts.count) }
            case .lookaround(let inner, let ahead, let negated):
                var sub = Builder(slotBase: nextSlot, maxSize: maxSize)
                sub.total = prog.insts.count + total
                guard sub.emit(inner) else { return false }
                sub.prog.insts.append(.match)
                nextSlot = sub.nextSlot
                total += sub.prog.insts.count
                prog.subprograms.append(sub.prog)
                _ = append(.look(prog.subprograms.count - 1, ahead: ahead, negated: negated))
            case .repetition(let inner, let min, let max, let greedy) where inner.singleCharacter:
                let atom: RegexAtom
                switch inner {
                case .char(let c): atom = .char(c)
                case .set(let s): prog.sets.append(s); atom = .set(prog.sets.count - 1)
                default: atom = .any
                }
                _ = append(.repeatOne(atom, min: min, max: max ?? Int.max, greedy: greedy))
            case .repetition(let inner, let min, let max, let greedy):
                for _ in 0..<min { guard emit(inner) else { return false } }
                let needsProgress = inner.canBeEmpty
                if let max {
                    // Optional copies: split(body, end) each, all jumping to one end.
                    var splits: [Int] = []
                    for _ in 0..<(max - min) {
                        splits.append(append(.split(0, 0)))
                        guard emit(inner) else { return false }
                    }
                    let end = prog.insts.count
                    for s in splits { prog.insts[s] = greedy ? .split(s + 1, end) : .split(end, s + 1) }
                } else {
                    let loop = append(.split(0, 0))
                    var slot = -1
                    if needsProgress { slot = nextSlot; nextSlot += 1; _ = append(.save(slot)) }
                    guard emit(inner) else { return false }
                    if needsProgress { _ = append(.progress(slot)) }
                    _ = append(.jump(loop))
                    let end = prog.insts.count
                    prog.insts[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
                }
            }
            return prog.insts.count + total <= maxSize
        }
    }
}
