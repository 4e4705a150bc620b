/// The parsed form of an ECMA-262 regular expression (with the `u` flag semantics JSON Schema asks for).
indirect enum RegexNode {
    case empty
    case char(UInt32)
    /// `.`: any code point except line terminators.
    case any
    case set(CharSet)
    case sequence([RegexNode])
    case alternation([RegexNode])
    /// A group; `capture` is the capture slot number (1-based) or nil for `(?:...)`.
    case group(RegexNode, capture: Int?)
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case lineStart, lineEnd, wordBoundary, notWordBoundary
    case lookaround(RegexNode, ahead: Bool, negated: Bool)
    case backreference(Int)

    /// A literal character, `.` or a class: exactly one character.
    var singleCharacter: Bool {
        switch self {
        case .char, .any, .set: return true
        default: return false
        }
    }

    /// Whether the node can match the empty string (loops over such nodes need a progress check).
    var canBeEmpty: Bool {
        switch self {
        case .empty, .lineStart, .lineEnd, .wordBoundary, .notWordBoundary, .lookaround, .backreference: return true
        case .char, .any, .set: return false
        case .sequence(let ns): return ns.allSatisfy(\.canBeEmpty)
        case .alternation(let ns): return ns.contains(where: \.canBeEmpty)
        case .group(let n, _): return n.canBeEmpty
        case .repetition(let n, let min, _, _): return min == 0 || n.canBeEmpty
        }
    }
}

/// A character class: ranges and built-in classes, possibly negated. ASCII membership is
/// precomputed into a bitmap; other code points are tested against the items.
struct CharSet {
    enum Item {
        case range(UInt32, UInt32)
        case digit(negated: Bool)
        case word(negated: Bool)
        case space(negated: Bool)
        case category(Set<Unicode.GeneralCategory>, negated: Bool)
    }

    var items: [Item] = []
    var negated = false
    private(set) var asciiLow: UInt64 = 0
    private(set) var asciiHigh: UInt64 = 0

    mutating func finish() {
        asciiLow = 0; asciiHigh = 0
        for c in UInt32(0)..<128 where slowContains(c) {
            if c < 64 { asciiLow |= 1 << UInt64(c) } else { asciiHigh |= 1 << UInt64(c - 64) }
        }
    }

    @inline(__always) func contains(_ c: UInt32) -> Bool {
        if c < 64 { return asciiLow & (1 << UInt64(c)) != 0 }
        if c < 128 { return asciiHigh & (1 << UInt64(c - 64)) != 0 }
        return slowContains(c)
    }

    func slowContains(_ c: UInt32) -> Bool {
        var hit = false
        for item in items {
            if CharSet.itemContains(item, c) { hit = true; break }
        }
        return hit != negated
    }

    static func itemContains(_ item: Item, _ c: UInt32) -> Bool {
        switch item {
        case .range(let lo, let hi): return c >= lo && c <= hi
        case .digit(let n): return isDigit(c) != n
        case .word(let n): return isWordChar(c) != n
        case .space(let n): return isSpace(c) != n
        case .category(let cats, let n):
            guard let s = Unicode.Scalar(c) else { return n }
            return cats.contains(s.properties.generalCategory) != n
        }
    }

    static func isDigit(_ c: UInt32) -> Bool { c >= 48 && c <= 57 }

    static func isWordChar(_ c: UInt32) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
    }

    /// ECMA-262 WhiteSpace and LineTerminator.
    static func isSpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }
}
