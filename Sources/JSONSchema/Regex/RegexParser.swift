/// Parses ECMA-262 pattern syntax with `u`-flag strictness: unknown escapes, lone braces and
/// brackets, and Python/PCRE-only constructs (`(?P<n>)`, `(?i)`, `\a`, `\Z`) are errors.
struct RegexParser {
    private let s: [UInt32]
    private var i = 0
    private(set) var captureCount = 0
    private var names: [String: Int] = [:]
    private var maxBackref = 0
    private var depth = 0
    private static let maxNesting = 64

    init(_ pattern: String) { s = pattern.unicodeScalars.map(\.value) }

    struct Failure: Error { let message: String }

    static func parse(_ pattern: String) throws(Failure) -> (RegexNode, captures: Int) {
        var p = RegexParser(pattern)
        let node = try p.parseAlternation()
        if p.i < p.s.count { throw Failure(message: "unmatched ')' at \(p.i)") }
        if p.maxBackref > p.captureCount { throw Failure(message: "backreference \\\(p.maxBackref) to a missing group") }
        return (node, p.captureCount)
    }

    private var atEnd: Bool { i >= s.count }
    private func peek(_ k: Int = 0) -> UInt32? { i + k < s.count ? s[i + k] : nil }
    private func isChar(_ c: Character, at k: Int = 0) -> Bool {
        guard let v = peek(k), let a = c.unicodeScalars.first else { return false }
        return v == a.value
    }

    private mutating func parseAlternation() throws(Failure) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= RegexParser.maxNesting else { throw Failure(message: "groups nested too deeply") }
        var alternatives = [try parseSequence()]
        while isChar("|") { i += 1; alternatives.append(try parseSequence()) }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseSequence() throws(Failure) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != 0x7C /* | */, c != 0x29 /* ) */ {
            let (atom, quantifiable) = try parseAtom()
            items.append(quantifiable ? try parseQuantifier(atom) : atom)
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parseQuantifier(_ atom: RegexNode) throws(Failure) -> RegexNode {
        guard let c = peek() else { return atom }
        var min = 0, max: Int? = nil
        switch c {
        case 0x2A: min = 0; max = nil; i += 1          // *
        case 0x2B: min = 1; max = nil; i += 1          // +
        case 0x3F: min = 0; max = 1; i += 1            // ?
        case 0x7B:                                     // {
            guard let (lo, hi) = try parseBraces() else { throw Failure(message: "lone '{' at \(i)") }
            min = lo; max = hi
        default: return atom
        }
        var greedy = true
        if isChar("?") { greedy = false; i += 1 }
        if let c2 = peek(), c2 == 0x2A || c2 == 0x2B || c2 == 0x3F || c2 == 0x7B {
            throw Failure(message: "nothing to repeat at \(i)")
        }
        if let m = max, m < min { throw Failure(message: "numbers out of order in {} quantifier") }
        return .repetition(atom, min: min, max: max, greedy: greedy)
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil when the brace does not start a quantifier.
    private mutating func parseBraces() throws(Failure) -> (Int, Int?)? {
        let start = i
        i += 1
        guard let lo = parseDecimal() else { i = start; return nil }
        var hi: Int? = lo
        if isChar(",") {
            i += 1
            hi = parseDecimal()
        }
        guard isChar("}") else { i = start; return nil }
        i += 1
        guard lo <= 100_000, (hi ?? 0) <= 100_000 else { throw Failure(message: "repetition count too large") }
        return (lo, hi)
    }

    private mutating func parseDecimal() -> Int? {
        var v = 0, any = false
        while let c = peek(), c >= 48, c <= 57 {
            v = min(v * 10 + Int(c - 48), 1_000_000_000)
            i += 1; any = true
        }
        return any ? v : nil
    }

    /// Returns the atom and whether a quantifier may follow it.
    private mutating func parseAtom() throws(Failure) -> (RegexNode, Bool) {
        let c = s[i]
        switch c {
        case 0x5E: i += 1; return (.lineStart, false)             // ^
        case 0x24: i += 1; return (.lineEnd, false)               // $
        case 0x2E: i += 1; return (.any, true)                    // .
        case 0x5B: return (.set(try parseClass()), true)          // [
        case 0x28: return try parseGroup()                        // (
        case 0x5C: return try parseAtomEscape()                   // \
        case 0x2A, 0x2B, 0x3F: throw Failure(message: "nothing to repeat at \(i)")
        case 0x7B, 0x7D, 0x5D: throw Failure(message: "lone '\(Character(Unicode.Scalar(c)!))' at \(i)")
        default: i += 1; return (.char(c), true)
        }
    }

    private mutating func parseGroup() throws(Failure) -> (RegexNode, Bool) {
        i += 1
        if isChar("?") {
            if isChar(":", at: 1) {
                i += 2
                let inner = try parseAlternation()
                try expectClose()
                return (.group(inner, capture: nil), true)
            }
            if isChar("=", at: 1) || isChar("!", at: 1) {
                let negated = isChar("!", at: 1)
                i += 2
                let inner = try parseAlternation()
                try expectClose()
                return (.lookaround(inner, ahead: true, negated: negated), false)
            }
            if isChar("<", at: 1) && (isChar("=", at: 2) || isChar("!", at: 2)) {
                let negated = isChar("!", at: 2)
                i += 3
                let inner = try parseAlternation()
                try expectClose()
                return (.lookaround(inner, ahead: false, negated: negated), false)
            }
            if isChar("<", at: 1) {
                i += 2
                let name = try parseGroupName()
                guard names[name] == nil else { throw Failure(message: "duplicate group name \(name)") }
                captureCount += 1
                let slot = captureCount
                names[name] = slot
                let inner = try parseAlternation()
                try expectClose()
                return (.group(inner, capture: slot), true)
            }
            throw Failure(message: "invalid group at \(i)")
        }
        captureCount += 1
        let slot = captureCount
        let inner = try parseAlternation()
        try expectClose()
        return (.group(inner, capture: slot), true)
    }

    private mutating func expectClose() throws(Failure) {
        guard isChar(")") else { throw Failure(message: "missing ')'") }
        i += 1
    }

    private mutating func parseGroupName() throws(Failure) -> String {
        var name = ""
        while let c = peek(), c != 0x3E /* > */ {
            guard let u = Unicode.Scalar(c), u.properties.isIDContinue || c == 0x24 else {
                throw Failure(message: "invalid group name")
            }
            name.unicodeScalars.append(u)
            i += 1
        }
        guard isChar(">"), !name.isEmpty, let first = name.unicodeScalars.first,
              first.properties.isIDStart || first == "$" || first == "_"
        else { throw Failure(message: "invalid group name") }
        i += 1
        return name
    }

    private mutating func parseAtomEscape() throws(Failure) -> (RegexNode, Bool) {
        i += 1
        guard let c = peek() else { throw Failure(message: "\\ at end of pattern") }
        switch c {
        case 0x62: i += 1; return (.wordBoundary, false)      // \b
        case 0x42: i += 1; return (.notWordBoundary, false)   // \B
        case 0x31...0x39:                                     // \1-\9...
            let n = parseDecimal() ?? 0
            maxBackref = max(maxBackref, n)
            return (.backreference(n), true)
        case 0x6B:                                            // \k<name>
            i += 1
            guard isChar("<") else { throw Failure(message: "invalid \\k escape") }
            i += 1
            let name = try parseGroupName()
            guard let slot = names[name] else { throw Failure(message: "backreference to unknown group \(name)") }
            return (.backreference(slot), true)
        default:
            if let item = try parseClassEscape() {
                var set = CharSet(); set.items = [item]; set.finish()
                return (.set(set), true)
            }
            return (.char(try parseCharacterEscape()), true)
        }
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}`; nil (nothing consumed) for other escapes.
    private mutating func parseClassEscape() throws(Failure) -> CharSet.Item? {
        guard let c = peek() else { return nil }
        switch c {
        case 0x64: i += 1; return .digit(negated: false)
        case 0x44: i += 1; return .digit(negated: true)
        case 0x77: i += 1; return .word(negated: false)
        case 0x57: i += 1; return .word(negated: true)
        case 0x73: i += 1; return .space(negated: false)
        case 0x53: i += 1; return .space(negated: true)
        case 0x70, 0x50:
            let negated = c == 0x50
            i += 1
            guard isChar("{") else { throw Failure(message: "\\p needs {property}") }
            i += 1
            var name = ""
            while let d = peek(), d != 0x7D { name.unicodeScalars.append(Unicode.Scalar(d) ?? "?"); i += 1 }
            guard isChar("}") else { throw Failure(message: "unterminated \\p{") }
            i += 1
            guard let cats = UnicodeCategories.lookup(name) else {
                throw Failure(message: "unsupported Unicode property \(name)")
            }
            return .category(cats, negated: negated)
        default: return nil
        }
    }

    /// A single-character escape (after the backslash).
    private mutating func parseCharacterEscape() throws(Failure) -> UInt32 {
        let c = s[i]
        i += 1
        switch c {
        case 0x74: return 0x09   // t
        case 0x6E: return 0x0A   // n
        case 0x76: return 0x0B   // v
        case 0x66: return 0x0C   // f
        case 0x72: return 0x0D   // r
        case 0x30:               // \0 not followed by a digit
            if let d = peek(), d >= 48, d <= 57 { throw Failure(message: "octal escapes are not allowed") }
            return 0
        case 0x63:               // \cX
            guard let l = peek(), (l >= 65 && l <= 90) || (l >= 97 && l <= 122) else {
                throw Failure(message: "invalid \\c escape")
            }
            i += 1
            return l % 32
        case 0x78:               // \xHH
            guard let v = parseHex(count: 2) else { throw Failure(message: "invalid \\x escape") }
            return v
        case 0x75:               // \uHHHH, \u{H...}
            if isChar("{") {
                i += 1
                var v: UInt32 = 0, n = 0
                while let d = peek(), let h = hexValue(d) { v = v * 16 + h; n += 1; i += 1; if v > 0x10FFFF { break } }
                guard n > 0, v <= 0x10FFFF, isChar("}") else { throw Failure(message: "invalid \\u{} escape") }
                i += 1
                return v
            }
            guard var v = parseHex(count: 4) else { throw Failure(message: "invalid \\u escape") }
            // A surrogate pair written as two escapes is one code point.
            if v >= 0xD800, v < 0xDC00, isChar("\\"), isChar("u", at: 1) {
                let save = i
                i += 2
                if let low = parseHex(count: 4), low >= 0xDC00, low < 0xE000 {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    i = save
                }
            }
            return v
        default:
            // Identity escapes: only syntax characters and '/' under the u flag.
            if "^$\\.*+?()[]{}|/".unicodeScalars.contains(where: { $0.value == c }) { return c }
            if c == 0x2D { return c } // '-' (allowed inside classes; harmless outside)
            throw Failure(message: "invalid escape \\\(Unicode.Scalar(c).map { String(Character($0)) } ?? "?")")
        }
    }

    private func hexValue(_ d: UInt32) -> UInt32? {
        switch d {
        case 48...57: return d - 48
        case 65...70: return d - 55
        case 97...102: return d - 87
        default: return nil
        }
    }

    private mutating func parseHex(count: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<count {
            guard let d = peek(k), let h = hexValue(d) else { return nil }
            v = v * 16 + h
        }
        i += count
        return v
    }

    private mutating func parseClass() throws(Failure) -> CharSet {
        i += 1
        var set = CharSet()
        if isChar("^") { set.negated = true; i += 1 }
        while true {
            guard let c = peek() else { throw Failure(message: "unterminated character class") }
            if c == 0x5D { i += 1; break }
            let lo = try parseClassAtom()
            if isChar("-"), let next = peek(1), next != 0x5D {
                i += 1
                let hi = try parseClassAtom()
                guard case .char(let a) = lo, case .char(let b) = hi else {
                    throw Failure(message: "a class like \\d cannot bound a range")
                }
                guard a <= b else { throw Failure(message: "range out of order in character class") }
                set.items.append(.range(a, b))
            } else {
                switch lo {
                case .char(let a): set.items.append(.range(a, a))
                case .item(let item): set.items.append(item)
                }
            }
        }
        set.finish()
        return set
    }

    private enum ClassAtom { case char(UInt32), item(CharSet.Item) }

    private mutating func parseClassAtom() throws(Failure) -> ClassAtom {
        let c = s[i]
        if c != 0x5C { i += 1; return .char(c) }
        i += 1
        guard let e = peek() else { throw Failure(message: "\\ at end of pattern") }
        if e == 0x62 { i += 1; return .char(0x08) }   // \b is backspace inside a class
        if let item = try parseClassEscape() { return .item(item) }
        return .char(try parseCharacterEscape())
    }
}

/// General_Category names and aliases usable in `\p{...}`.
enum UnicodeCategories {
    typealias C = Unicode.GeneralCategory

    static func lookup(_ raw: String) -> Set<C>? {
        var name = raw
        for prefix in ["General_Category=", "gc="] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        return table[name]
    }

    static let letters: Set<C> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
    static let marks: Set<C> = [.nonspacingMark, .spacingMark, .enclosingMark]
    static let numbers: Set<C> = [.decimalNumber, .letterNumber, .otherNumber]
    static let punctuation: Set<C> = [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                                      .initialPunctuation, .finalPunctuation, .otherPunctuation]
    static let symbols: Set<C> = [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
    static let separators: Set<C> = [.spaceSeparator, .lineSeparator, .paragraphSeparator]
    static let others: Set<C> = [.control, .format, .surrogate, .privateUse, .unassigned]

    static let table: [String: Set<C>] = {
        var t: [String: Set<C>] = [:]
        func add(_ set: Set<C>, _ names: String...) { for n in names { t[n] = set } }
        add(letters, "L", "Letter")
        add([.uppercaseLetter, .lowercaseLetter, .titlecaseLetter], "LC", "Cased_Letter")
        add([.uppercaseLetter], "Lu", "Uppercase_Letter")
        add([.lowercaseLetter], "Ll", "Lowercase_Letter")
        add([.titlecaseLetter], "Lt", "Titlecase_Letter")
        add([.modifierLetter], "Lm", "Modifier_Letter")
        add([.otherLetter], "Lo", "Other_Letter")
        add(marks, "M", "Mark", "Combining_Mark")
        add([.nonspacingMark], "Mn", "Nonspacing_Mark")
        add([.spacingMark], "Mc", "Spacing_Mark")
        add([.enclosingMark], "Me", "Enclosing_Mark")
        add(numbers, "N", "Number")
        add([.decimalNumber], "Nd", "Decimal_Number", "digit")
        add([.letterNumber], "Nl", "Letter_Number")
        add([.otherNumber], "No", "Other_Number")
        add(punctuation, "P", "Punctuation", "punct")
        add([.connectorPunctuation], "Pc", "Connector_Punctuation")
        add([.dashPunctuation], "Pd", "Dash_Punctuation")
        add([.openPunctuation], "Ps", "Open_Punctuation")
        add([.closePunctuation], "Pe", "Close_Punctuation")
        add([.initialPunctuation], "Pi", "Initial_Punctuation")
        add([.finalPunctuation], "Pf", "Final_Punctuation")
        add([.otherPunctuation], "Po", "Other_Punctuation")
        add(symbols, "S", "Symbol")
        add([.mathSymbol], "Sm", "Math_Symbol")
        add([.currencySymbol], "Sc", "Currency_Symbol")
        add([.modifierSymbol], "Sk", "Modifier_Symbol")
        add([.otherSymbol], "So", "Other_Symbol")
        add(separators, "Z", "Separator")
        add([.spaceSeparator], "Zs", "Space_Separator")
        add([.lineSeparator], "Zl", "Line_Separator")
        add([.paragraphSeparator], "Zp", "Paragraph_Separator")
        add(others, "C", "Other")
        add([.control], "Cc", "Control", "cntrl")
        add([.format], "Cf", "Format")
        add([.surrogate], "Cs", "Surrogate")
        add([.privateUse], "Co", "Private_Use")
        add([.unassigned], "Cn", "Unassigned")
        return t
    }()
}
