/// Runs a `RegexProgram` over code points with an explicit backtracking stack and a step budget.
struct RegexVM {
    let program: RegexProgram
    let input: UnsafeBufferPointer<UInt32>
    var steps = 0
    let maxSteps: Int
    var slots: [Int]
    var exhausted = false

    init(program: RegexProgram, input: UnsafeBufferPointer<UInt32>, maxSteps: Int) {
        self.program = program
        self.input = input
        self.maxSteps = maxSteps
        slots = Array(repeating: -1, count: program.slotCount)
    }

    mutating func search() -> ECMARegex.Outcome {
        let lastStart = program.anchoredAtStart ? 0 : input.count
        var start = 0
        while start <= lastStart {
            for k in slots.indices { slots[k] = -1 }
            if run(program, from: start, mustEndAt: nil) != nil { return .match }
            if exhausted { return .tooComplex }
            start += 1
        }
        return .noMatch
    }

    /// Returns the end position of a match starting at `from`, or nil.
    mutating func run(_ prog: RegexProgram, from: Int, mustEndAt: Int?) -> Int? {
        // Stack entries: (pc, sp) to resume, or (-1 - slot, old value) to restore a slot.
        var stack: [(Int, Int)] = []
        var pc = 0
        var sp = from
        let insts = prog.insts
        let n = input.count
        while true {
            var failed = false
            steps += 1
            if steps > maxSteps { exhausted = true; return nil }
            switch insts[pc] {
            case .char(let c):
                if sp < n && input[sp] == c { sp += 1; pc += 1 } else { failed = true }
            case .any:
                if sp < n, !RegexVM.isLineTerminator(input[sp]) { sp += 1; pc += 1 } else { failed = true }
            case .set(let k):
                if sp < n && prog.sets[k].contains(input[sp]) { sp += 1; pc += 1 } else { failed = true }
            case .split(let a, let b):
                stack.append((b, sp))
                pc = a
            case .jump(let a):
                pc = a
            case .save(let slot):
                stack.append((-1 - slot, slots[slot]))
                slots[slot] = sp
                pc += 1
            case .progress(let slot):
                if slots[slot] == sp { failed = true } else { pc += 1 }
            case .lineStart:
                if sp == 0 { pc += 1 } else { failed = true }
            case .lineEnd:
                if sp == n { pc += 1 } else { failed = true }
            case .wordBoundary, .notWordBoundary:
                let before = sp > 0 && CharSet.isWordChar(input[sp - 1])
                let after = sp < n && CharSet.isWordChar(input[sp])
                var ok = before != after
                if case .notWordBoundary = insts[pc] { ok = !ok }
                if ok { pc += 1 } else { failed = true }
            case .backreference(let k):
                let s0 = slots[2 * k], s1 = slots[2 * k + 1]
                if s0 < 0 || s1 < 0 { pc += 1; break } // an unset group matches empty
                let len = s1 - s0
                if sp + len <= n && (0..<len).allSatisfy({ input[s0 + $0] == input[sp + $0] }) {
                    sp += len; pc += 1
                } else { failed = true }
            case .look(let k, let ahead, let negated):
                let sub = prog.subprograms[k]
                var found: Bool
                if ahead {
                    found = run(sub, from: sp, mustEndAt: nil) != nil
                } else {
                    // Lookbehind: some start at or before sp whose match ends exactly at sp.
                    found = false
                    var j = sp
                    while j >= 0 && !exhausted {
                        if run(sub, from: j, mustEndAt: sp) != nil { found = true; break }
                        j -= 1
                    }
                }
                if exhausted { return nil }
                if found != negated { pc += 1 } else { failed = true }
            case .match:
                if let end = mustEndAt, end != sp { failed = true } else { return sp }
            }
            if failed {
                // Backtrack: restore slots until a resume point.
                while true {
                    guard let (p, v) = stack.popLast() else { return nil }
                    if p < 0 { slots[-1 - p] = v } else { pc = p; sp = v; break }
                }
            }
        }
    }

    static func isLineTerminator(_ c: UInt32) -> Bool {
        c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029
    }
}
