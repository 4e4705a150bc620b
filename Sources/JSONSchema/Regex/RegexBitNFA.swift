/// A bit-parallel position automaton (Glushkov construction) for the common shape of JSON Schema
/// patterns: no backreferences, lookarounds or word boundaries, `^` only at the very start and `$`
/// only at the very end, at most 128 character positions. It answers "is there a match" for ASCII
/// text in one pass with no backtracking; other patterns and non-ASCII text use `RegexVM`.
struct RegexBitNFA: Sendable {
    struct Mask: Sendable, Equatable {
        var lo: UInt64 = 0
        var hi: UInt64 = 0
        static let empty = Mask()
        @inline(__always) var isEmpty: Bool { lo | hi == 0 }
        @inline(__always) static func | (a: Mask, b: Mask) -> Mask { Mask(lo: a.lo | b.lo, hi: a.hi | b.hi) }
        @inline(__always) static func & (a: Mask, b: Mask) -> Mask { Mask(lo: a.lo & b.lo, hi: a.hi & b.hi) }
        static func bit(_ p: Int) -> Mask { p < 64 ? Mask(lo: 1 << UInt64(p), hi: 0) : Mask(lo: 0, hi: 1 << UInt64(p - 64)) }
    }

    static let maxPositions = 128

    let anchoredStart: Bool
    let anchoredEnd: Bool
    let nullable: Bool
    let first: Mask
    let last: Mask
    /// follow[p]: positions that may come right after position p.
    let follow: [Mask]
    /// accepts[b]: positions whose character test accepts ASCII byte b.
    let accepts: [Mask]

    /// Builds the automaton, or nil when the pattern is outside the supported shape.
    init?(_ root: RegexNode) {
        var items: [RegexNode]
        if case .sequence(let s) = root { items = s } else { items = [root] }
        var aStart = false, aEnd = false
        if case .lineStart? = items.first { aStart = true; items.removeFirst() }
        if case .lineEnd? = items.last { aEnd = true; items.removeLast() }
        var b = Builder()
        guard let info = b.build(.sequence(items)), b.tests.count <= RegexBitNFA.maxPositions else { return nil }
        anchoredStart = aStart
        anchoredEnd = aEnd
        nullable = info.nullable
        first = info.first
        last = info.last
        follow = b.follow
        var acc = [Mask](repeating: .empty, count: 128)
        for (p, test) in b.tests.enumerated() {
            for c in 0..<128 where test(UInt32(c)) { acc[c] = acc[c] | .bit(p) }
        }
        accepts = acc
    }

    /// Whether `bytes` (all ASCII) contain a match.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if nullable && !anchoredEnd { return true }
        if nullable && anchoredEnd && (!anchoredStart || bytes.isEmpty) { return true }
        var cur = Mask.empty
        let n = bytes.count
        return follow.withUnsafeBufferPointer { follow in
            accepts.withUnsafeBufferPointer { accepts in
                for i in 0..<n {
                    var cand = (i == 0 || !anchoredStart) ? first : .empty
                    var lo = cur.lo, hi = cur.hi
                    while lo != 0 { let p = lo.trailingZeroBitCount; cand = cand | follow[p]; lo &= lo - 1 }
                    while hi != 0 { let p = hi.trailingZeroBitCount; cand = cand | follow[64 + p]; hi &= hi - 1 }
                    cur = cand & accepts[Int(bytes[i])]
                    if !anchoredEnd && !(cur & last).isEmpty { return true }
                    if anchoredStart && cur.isEmpty { return false }
                }
                return anchoredEnd && !(cur & last).isEmpty
            }
        }
    }

    /// Glushkov construction: every character-consuming atom is a position.
    struct Builder {
        var tests: [@Sendable (UInt32) -> Bool] = []
        var follow: [Mask] = []

        struct Info { var nullable: Bool; var first: Mask; var last: Mask }

        mutating func addFollow(from: Mask, to: Mask) {
            for p in 0..<tests.count where !(from & .bit(p)).isEmpty { follow[p] = follow[p] | to }
        }

        mutating func position(_ test: @escaping @Sendable (UInt32) -> Bool) -> Info? {
            guard tests.count < RegexBitNFA.maxPositions else { return nil }
            tests.append(test)
            follow.append(.empty)
            let m = Mask.bit(tests.count - 1)
            return Info(nullable: false, first: m, last: m)
        }

        mutating func build(_ node: RegexNode) -> Info? {
            switch node {
            case .empty: return Info(nullable: true, first: .empty, last: .empty)
            case .char(let c): return position { $0 == c }
            case .any: return position { !isLineTerminator($0) }
            case .set(let s): return position { s.contains($0) }
            case .group(let inner, _): return build(inner)
            case .sequence(let items):
                var acc = Info(nullable: true, first: .empty, last: .empty)
                for item in items {
                    guard let x = build(item) else { return nil }
                    addFollow(from: acc.last, to: x.first)
                    acc = Info(nullable: acc.nullable && x.nullable,
                               first: acc.nullable ? acc.first | x.first : acc.first,
                               last: x.nullable ? acc.last | x.last : x.last)
                }
                return acc
            case .alternation(let alts):
                var acc = Info(nullable: false, first: .empty, last: .empty)
                for alt in alts {
                    guard let x = build(alt) else { return nil }
                    acc = Info(nullable: acc.nullable || x.nullable, first: acc.first | x.first, last: acc.last | x.last)
                }
                return acc
            case .repetition(let inner, let min, let max, _):
                // Copies of the body: `min` required, then optional ones (or a loop for no maximum).
                if let max, max == 0 { return Info(nullable: true, first: .empty, last: .empty) }
                let copies = max ?? Swift.max(min, 1)
                guard copies <= RegexBitNFA.maxPositions else { return nil }
                var acc = Info(nullable: true, first: .empty, last: .empty)
                for k in 0..<copies {
                    guard var x = build(inner) else { return nil }
                    if max == nil && k == copies - 1 {
                        addFollow(from: x.last, to: x.first)   // the last copy loops
                    }
                    if k >= min { x.nullable = true }
                    addFollow(from: acc.last, to: x.first)
                    acc = Info(nullable: acc.nullable && x.nullable,
                               first: acc.nullable ? acc.first | x.first : acc.first,
                               last: x.nullable ? acc.last | x.last : x.last)
                }
                if max == nil && min == 0 { acc.nullable = true }
                return acc
            case .lineStart, .lineEnd, .wordBoundary, .notWordBoundary, .lookaround, .backreference:
                return nil
            }
        }
    }
}
