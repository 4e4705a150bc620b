/// Runs a `RegexProgram` over code points with an explicit backtracking stack and a step budget.
/// The stack and capture slots are allocated once per search and reused for every start position.
/// Generic over the code unit so that ASCII text runs on its UTF-8 bytes without a copy.
struct RegexVM<Unit: FixedWidthInteger & UnsignedInteger> {
    let program: RegexProgram
    let input: UnsafeBufferPointer<Unit>
    var steps = 0
    let maxSteps: Int
    var slots: UnsafeMutablePointer<Int>
    /// Pairs (pc, sp) to resume, or (-1 - slot, old value) to restore a slot. Starts in a stack
    /// buffer and moves to the heap only if it outgrows it.
    var stack: UnsafeMutablePointer<Int>
    var stackCount = 0
    var stackCapacity: Int
    var stackOnHeap = false
    var exhausted = false

    init(program: RegexProgram, input: UnsafeBufferPointer<Unit>, maxSteps: Int,
         slots: UnsafeMutablePointer<Int>, stack: UnsafeMutableBufferPointer<Int>) {
        self.program = program
        self.input = input
        self.maxSteps = maxSteps
        self.slots = slots
        self.stack = stack.baseAddress ?? slots
        stackCapacity = stack.count
    }

    /// Runs a search with scratch memory on the stack.
    static func search(_ program: RegexProgram, _ input: UnsafeBufferPointer<Unit>, maxSteps: Int) -> ECMARegex.Outcome {
        // Small enough (under 1 KiB for ordinary patterns) to stay on the machine stack.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: program.slotCount + 96) { scratch in
            guard let base = scratch.baseAddress else { return .tooComplex }
            var vm = RegexVM(program: program, input: input, maxSteps: maxSteps, slots: base,
                             stack: UnsafeMutableBufferPointer(start: base + program.slotCount, count: 96))
            let outcome = vm.search()
            if vm.stackOnHeap { vm.stack.deallocate() }
            return outcome
        }
    }

    mutating func search() -> ECMARegex.Outcome {
        let lastStart = program.anchoredAtStart ? 0 : input.count
        var start = 0
        let prog = program
        let slotCount = prog.slotCount
        while start <= lastStart {
            slots.update(repeating: -1, count: slotCount)
            if run(prog, from: start, mustEndAt: nil) != nil { return .match }
            if exhausted { return .tooComplex }
            start += 1
        }
        return .noMatch
    }

    /// Stack frame markers for `repeatOne` give-back (below every slot-restore marker).
    static var greedyFrame: Int { -(1 << 40) }
    static var lazyFrame: Int { -(1 << 41) }

    @inline(__always) func matches(_ atom: RegexAtom, _ c: UInt32, _ prog: RegexProgram, _ maps: UnsafeBufferPointer<UInt64>) -> Bool {
        switch atom {
        case .char(let x): return c == x
        case .any: return !isLineTerminator(c)
        case .set(let k):
            if c < 64 { return maps[2 * k] & (1 << UInt64(c)) != 0 }
            if c < 128 { return maps[2 * k + 1] & (1 << UInt64(c - 64)) != 0 }
            return prog.sets[k].slowContains(c)
        }
    }

    @inline(__always) mutating func push(_ a: Int, _ b: Int) {
        if stackCount + 2 > stackCapacity { grow() }
        stack[stackCount] = a
        stack[stackCount + 1] = b
        stackCount += 2
    }

    mutating func grow() {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: stackCapacity * 2)
        bigger.update(from: stack, count: stackCount)
        if stackOnHeap { stack.deallocate() }
        stack = bigger
        stackCapacity *= 2
        stackOnHeap = true
    }

    /// Returns the end position of a match starting at `from`, or nil.
    mutating func run(_ prog: RegexProgram, from: Int, mustEndAt: Int?) -> Int? {
        prog.insts.withUnsafeBufferPointer { insts in
            prog.asciiMaps.withUnsafeBufferPointer { maps in
                runLoop(prog, insts, maps, from: from, mustEndAt: mustEndAt)
            }
        }
    }

    private mutating func runLoop(_ prog: RegexProgram, _ insts: UnsafeBufferPointer<RegexInst>, _ maps: UnsafeBufferPointer<UInt64>,
                                  from: Int, mustEndAt: Int?) -> Int? {
        let base = stackCount
        defer { stackCount = base }
        var pc = 0
        var sp = from
        let n = input.count
        while true {
            var failed = false
            steps += 1
            if steps > maxSteps { exhausted = true; return nil }
            switch insts[pc] {
            case .char(let c):
                if sp < n && UInt32(input[sp]) == c { sp += 1; pc += 1 } else { failed = true }
            case .any:
                if sp < n, !isLineTerminator(UInt32(input[sp])) { sp += 1; pc += 1 } else { failed = true }
            case .set(let k):
                if sp < n {
                    let c = UInt32(input[sp])
                    let hit: Bool
                    if c < 64 { hit = maps[2 * k] & (1 << UInt64(c)) != 0 }
                    else if c < 128 { hit = maps[2 * k + 1] & (1 << UInt64(c - 64)) != 0 }
                    else { hit = prog.sets[k].slowContains(c) }
                    if hit { sp += 1; pc += 1 } else { failed = true }
                } else { failed = true }
            case .split(let a, let b):
                push(b, sp)
                pc = a
            case .jump(let a):
                pc = a
            case .save(let slot):
                push(-1 - slot, slots[slot])
                slots[slot] = sp
                pc += 1
            case .progress(let slot):
                if slots[slot] == sp { failed = true } else { pc += 1 }
            case .lineStart:
                if sp == 0 { pc += 1 } else { failed = true }
            case .lineEnd:
                if sp == n { pc += 1 } else { failed = true }
            case .wordBoundary, .notWordBoundary:
                let before = sp > 0 && CharSet.isWordChar(UInt32(input[sp - 1]))
                let after = sp < n && CharSet.isWordChar(UInt32(input[sp]))
                var ok = before != after
                if case .notWordBoundary = insts[pc] { ok = !ok }
                if ok { pc += 1 } else { failed = true }
            case .backreference(let k):
                let s0 = slots[2 * k], s1 = slots[2 * k + 1]
                if s0 < 0 || s1 < 0 { pc += 1; break } // an unset group matches empty
                let len = s1 - s0
                var same = sp + len <= n
                var j = 0
                while same && j < len { same = input[s0 + j] == input[sp + j]; j += 1 }
                if same { sp += len; pc += 1 } else { failed = true }
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
            case .repeatOne(let atom, let lo, let hi, let greedy):
                var c = 0
                let limit = Swift.min(hi, n - sp)
                while c < limit && matches(atom, UInt32(input[sp + c]), prog, maps) { c += 1 }
                steps += c
                if c < lo {
                    failed = true
                } else if greedy {
                    // Take all; backtracking gives back one at a time down to `lo`.
                    if c > lo { push(RegexVM.greedyFrame - (pc + 1), (sp + lo) << 32 | (sp + c - 1)) }
                    sp += c; pc += 1
                } else {
                    // Take `lo`; backtracking takes one more at a time up to `c`.
                    if c > lo { push(RegexVM.lazyFrame - (pc + 1), (sp + c) << 32 | (sp + lo + 1)) }
                    sp += lo; pc += 1
                }
            case .match:
                if let end = mustEndAt, end != sp { failed = true } else { return sp }
            }
            if failed {
                // Backtrack: restore slots until a resume point.
                while true {
                    if stackCount == base { return nil }
                    let v = stack[stackCount - 1], p = stack[stackCount - 2]
                    stackCount -= 2
                    if p >= 0 { pc = p; sp = v; break }
                    if p <= RegexVM.lazyFrame {
                        let bound = v >> 32, position = v & 0xFFFF_FFFF
                        if position < bound { push(p, bound << 32 | (position + 1)) }
                        pc = RegexVM.lazyFrame - p; sp = position
                        break
                    }
                    if p <= RegexVM.greedyFrame {
                        let bound = v >> 32, position = v & 0xFFFF_FFFF
                        if position > bound { push(p, bound << 32 | (position - 1)) }
                        pc = RegexVM.greedyFrame - p; sp = position
                        break
                    }
                    slots[-1 - p] = v
                }
            }
        }
    }

}

@inline(__always) func isLineTerminator(_ c: UInt32) -> Bool {
    c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029
}
