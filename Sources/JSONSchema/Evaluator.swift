/// What the keywords of a schema evaluated (annotations), for `unevaluatedProperties`/`unevaluatedItems`.
/// Only made when a node that tracks evaluation is on the way; otherwise nil and free.
final class Evaluated {
    var properties: Set<String> = []
    var allProperties = false
    /// Items [0, itemPrefix) were evaluated.
    var itemPrefix = 0
    var allItems = false
    var items: Set<Int> = []

    func merge(_ o: Evaluated) {
        if o.allProperties { allProperties = true } else if !allProperties { properties.formUnion(o.properties) }
        if o.allItems { allItems = true }
        itemPrefix = max(itemPrefix, o.itemPrefix)
        if !o.items.isEmpty { items.formUnion(o.items) }
    }

    func hasProperty(_ k: String) -> Bool { allProperties || properties.contains(k) }
    func hasItem(_ i: Int) -> Bool { allItems || i < itemPrefix || items.contains(i) }
}


/// One step of an instance location.
enum PathSegment {
    case key(String)
    case index(Int)
}

/// Runs compiled nodes over an instance. In collecting mode it records a `ValidationFailure` for
/// each failed keyword and keeps going; in quick mode (used for the branches of anyOf/oneOf/not/if
/// and `contains`) it builds nothing and stops at the first failure.
struct Evaluator {
    let usesDynamicRef: Bool
    let maxDepth: Int
    var collecting: Bool
    var stopAtFirst = false
    var errors: [ValidationFailure] = []
    /// The instance location, kept only while collecting, in a buffer that starts on the machine
    /// stack (a push retains the key, a pop releases it; nothing else is built until a failure).
    var pathBuffer: UnsafeMutablePointer<PathSegment>
    var pathCapacity: Int
    var pathOnHeap = false
    var pathCount = 0
    var scope: [SchemaResource] = []
    var depth = 0

    init(schema: Schema, collecting: Bool, pathBuffer: UnsafeMutableBufferPointer<PathSegment>) {
        usesDynamicRef = schema.usesDynamicRef
        maxDepth = schema.options.maxEvaluationDepth
        self.collecting = collecting
        if let base = pathBuffer.baseAddress, pathBuffer.count > 0 {
            self.pathBuffer = base
            pathCapacity = pathBuffer.count
        } else {
            self.pathBuffer = UnsafeMutablePointer<PathSegment>.allocate(capacity: 16)
            pathCapacity = 16
            pathOnHeap = true
        }
    }

    /// Releases what is left on the path and frees the buffer if it had to move to the heap.
    mutating func release() {
        pathBuffer.deinitialize(count: pathCount)
        pathCount = 0
        if pathOnHeap { pathBuffer.deallocate(); pathOnHeap = false }
    }

    @inline(__always) var shortCircuit: Bool { !collecting || stopAtFirst }

    mutating func validate(_ node: SchemaNode, _ v: JSONValue, _ ev: Evaluated?) -> Bool {
        if node.alwaysFalse {
            fail(node, "", "no value is allowed here (the schema is false)")
            return false
        }
        if let mask = node.typeMask, !mask.matches(v) {
            fail(node, "type", detail: .text(TypeMask.messages[Int(mask.rawValue)][TypeMask.foundIndex(v)]))
            if shortCircuit { return false }
            // Collecting: the other keywords still report their own failures.
            _ = validateOps(node, v, ev)
            return false
        }
        return validateOps(node, v, ev)
    }

    @inline(__always) mutating func validateOps(_ node: SchemaNode, _ v: JSONValue, _ ev: Evaluated?) -> Bool {
        let ops = node.ops
        if ops.isEmpty { return true }
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth {
            let limit = maxDepth
            fail(node, "", "evaluation deeper than \(limit) levels (nesting or a $ref cycle)")
            return false
        }
        var pushed = false
        if usesDynamicRef && scope.last !== node.resource { scope.append(node.resource); pushed = true }
        defer { if pushed { scope.removeLast() } }
        let local = node.tracksEvaluation ? Evaluated() : ev
        var ok = true
        for i in 0..<ops.count {
            if apply(ops[i], i, node, v, local) { continue }
            ok = false
            if shortCircuit { break }
        }
        if node.tracksEvaluation, ok, let ev, let local { ev.merge(local) }
        return ok
    }

    // MARK: failures and paths

    /// Steps into a member or element of the current instance.
    @inline(__always) mutating func enter(_ segment: PathSegment) {
        if collecting {
            if pathCount == pathCapacity { growPath() }
            (pathBuffer + pathCount).initialize(to: segment)
            pathCount += 1
        }
    }

    @inline(__always) mutating func leave() {
        if collecting {
            pathCount -= 1
            (pathBuffer + pathCount).deinitialize(count: 1)
        }
    }

    mutating func growPath() {
        let bigger = UnsafeMutablePointer<PathSegment>.allocate(capacity: pathCapacity * 2)
        bigger.moveInitialize(from: pathBuffer, count: pathCount)
        if pathOnHeap { pathBuffer.deallocate() }
        pathBuffer = bigger
        pathCapacity *= 2
        pathOnHeap = true
    }

    /// The JSON Pointer of the current instance.
    var instancePointer: String {
        if pathCount == 0 { return "" }
        var s = ""
        for j in 0..<pathCount {
            s.append("/")
            switch pathBuffer[j] {
            case .key(let key): s.append(JSONPointer.escape(key))
            case .index(let i): s.append(String(i))
            }
        }
        return s
    }

    @inline(__always) mutating func fail(_ node: SchemaNode, _ keyword: String, _ message: @autoclosure () -> String,
                                         causes: [ValidationFailure]? = nil) {
        guard collecting else { return }
        fail(node, keyword, detail: .text(message()), causes: causes)
    }

    /// A failure of op `i`, whose keyword location was prepared at compile time.
    mutating func failOp(_ node: SchemaNode, _ i: Int, detail: FailureDetail) {
        guard collecting else { return }
        if errors.isEmpty { errors.reserveCapacity(16) }
        errors.append(ValidationFailure(instanceLocation: instancePointer, keyword: node.opKeywords[i],
                                        location: node.opLocations[i], detail: detail))
    }

    mutating func fail(_ node: SchemaNode, _ keyword: String, detail: FailureDetail, causes: [ValidationFailure]? = nil) {
        guard collecting else { return }
        if errors.isEmpty { errors.reserveCapacity(16) }
        errors.append(ValidationFailure(instanceLocation: instancePointer, keyword: keyword, location: node.location(keyword),
                                        detail: detail, causes: causes))
    }

    /// Runs `node` in quick mode: a verdict only.
    @inline(__always) mutating func quick(_ node: SchemaNode, _ v: JSONValue, _ ev: Evaluated?) -> Bool {
        if node.isTrivial { return true }
        let saved = collecting
        collecting = false
        defer { collecting = saved }
        return validate(node, v, ev)
    }

    /// Runs `node` collecting into a fresh list, for the causes of a failed anyOf/oneOf.
    mutating func collectCauses(_ nodes: [SchemaNode], _ v: JSONValue) -> [ValidationFailure]? {
        guard collecting, !stopAtFirst else { return nil }
        let saved = errors
        errors = []
        for n in nodes { _ = validate(n, v, nil) }
        let causes = errors
        errors = saved
        return causes
    }

    // MARK: keywords

    @inline(__always) mutating func apply(_ op: SchemaOp, _ i: Int, _ node: SchemaNode, _ v: JSONValue, _ ev: Evaluated?) -> Bool {
        switch op {
        case .const(let c):
            if v == c { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false

        case .enumeration(let values):
            for e in values where e == v { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false

        case .minimum(let n):
            guard let c = SchemaNumber.compare(v, n), c < 0 else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .maximum(let n):
            guard let c = SchemaNumber.compare(v, n), c > 0 else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .exclusiveMinimum(let n):
            guard let c = SchemaNumber.compare(v, n), c <= 0 else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .exclusiveMaximum(let n):
            guard let c = SchemaNumber.compare(v, n), c >= 0 else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .multipleOf(let n):
            guard v.doubleValue != nil, !Evaluator.isMultiple(v, of: n) else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false

        case .minLength(let n):
            guard case .string(let s) = v else { return true }
            let bytes = s.utf8.count
            if bytes >= n &* 4 { return true }
            if bytes >= n && scalarCount(s) >= n { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .maxLength(let n):
            guard case .string(let s) = v else { return true }
            if s.utf8.count <= n || scalarCount(s) <= n { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .pattern(let regex):
            guard case .string(let s) = v else { return true }
            switch regex.search(s) {
            case .match: return true
            case .noMatch: failOp(node, i, detail: .text(node.opTexts[i]))
            case .tooComplex: fail(node, "pattern", "matching /\(regex.source)/ took too many steps")
            }
            return false
        case .format(let kind, _):
            guard case .string(let s) = v, !FormatChecker.check(kind, s) else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false

        case .minItems(let n):
            guard case .array(let a) = v, a.count < n else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .maxItems(let n):
            guard case .array(let a) = v, a.count > n else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .uniqueItems:
            guard case .array(let a) = v, let (x, y) = Evaluator.firstDuplicate(a) else { return true }
            fail(node, "uniqueItems", "items \(x) and \(y) are equal; items must be unique")
            return false
        case .prefixItems(let nodes):
            guard case .array(let a) = v else { return true }
            var ok = true
            let n = min(a.count, nodes.count)
            for k in 0..<n {
                enter(.index(k))
                let r = validate(nodes[k], a[k], nil)
                leave()
                if !r { ok = false; if shortCircuit { return false } }
            }
            if let ev { ev.itemPrefix = max(ev.itemPrefix, n) }
            return ok
        case .items(let itemNode, let start):
            guard case .array(let a) = v else { return true }
            var ok = true
            if start < a.count {
                for k in start..<a.count {
                    enter(.index(k))
                    let r = validate(itemNode, a[k], nil)
                    leave()
                    if !r { ok = false; if shortCircuit { return false } }
                }
            }
            ev?.allItems = true
            return ok
        case .contains(let c, let minC, let maxC):
            guard case .array(let a) = v else { return true }
            var count = 0
            for k in a.indices {
                guard quick(c, a[k], nil) else { continue }
                count += 1
                ev?.items.insert(k)
            }
            if count < minC {
                fail(node, "contains", count == 0 && minC == 1 ? "must contain at least one item matching the contains schema"
                    : "must contain at least \(minC) items matching the contains schema, found \(count)")
                return false
            }
            if let maxC, count > maxC {
                fail(node, "maxContains", "must contain at most \(maxC) items matching the contains schema, found \(count)")
                return false
            }
            return true

        case .minProperties(let n):
            guard case .object(let o) = v, o.count < n else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .maxProperties(let n):
            guard case .object(let o) = v, o.count > n else { return true }
            failOp(node, i, detail: .text(node.opTexts[i]))
            return false
        case .required(let names):
            guard case .object(let o) = v else { return true }
            var ok = true
            for name in names where !o.contains(name) {
                fail(node, "required", detail: .missing(name))
                ok = false
                if shortCircuit { return false }
            }
            return ok
        case .object(let plan):
            guard case .object(let o) = v else { return true }
            return validateObject(plan, node, o, ev)
        case .propertyNames(let namesNode):
            guard case .object(let o) = v else { return true }
            var ok = true
            for m in o.members {
                enter(.key(m.key))
                let r = validate(namesNode, .string(m.key), nil)
                leave()
                if !r { ok = false; if shortCircuit { return false } }
            }
            return ok
        case .dependentRequired(let deps):
            guard case .object(let o) = v else { return true }
            var ok = true
            for (trigger, names) in deps where o.contains(trigger) {
                for name in names where !o.contains(name) {
                    fail(node, node.opKeywords[i], "property \"\(name)\" is required when \"\(trigger)\" is present")
                    ok = false
                    if shortCircuit { return false }
                }
            }
            return ok
        case .dependentSchemas(let deps):
            guard case .object(let o) = v else { return true }
            var ok = true
            for (trigger, depNode) in deps where o.contains(trigger) {
                if !validate(depNode, v, ev) { ok = false; if shortCircuit { return false } }
            }
            return ok

        case .allOf(let nodes):
            var ok = true
            for n in nodes {
                if validate(n, v, ev) { continue }
                ok = false
                if shortCircuit { return false }
            }
            return ok
        case .anyOf(let nodes):
            var any = false
            for n in nodes {
                if let ev {
                    // With annotations to collect, every passing branch counts, so try them all.
                    let branch = Evaluated()
                    if quick(n, v, branch) { ev.merge(branch); any = true }
                } else if quick(n, v, nil) {
                    return true
                }
            }
            if any { return true }
            fail(node, "anyOf", "must match at least one of the \(nodes.count) schemas in anyOf",
                 causes: collectCauses(nodes, v))
            return false
        case .oneOf(let nodes):
            var passed: [Int] = []
            var branches: [Evaluated] = []
            for (k, n) in nodes.enumerated() {
                let branch = ev == nil ? nil : Evaluated()
                if quick(n, v, branch) {
                    passed.append(k)
                    if let branch { branches.append(branch) }
                    if passed.count > 1 && ev == nil && !collecting { return false }
                }
            }
            if passed.count == 1 {
                if let ev { for b in branches { ev.merge(b) } }
                return true
            }
            if passed.isEmpty {
                fail(node, "oneOf", "must match exactly one of the \(nodes.count) schemas in oneOf, matches none",
                     causes: collectCauses(nodes, v))
            } else {
                fail(node, "oneOf", "must match exactly one schema in oneOf, matches those at \(passed)")
            }
            return false
        case .not(let n):
            guard quick(n, v, nil) else { return true }
            fail(node, "not", "must not match the schema in not")
            return false
        case .conditional(let ifNode, let thenNode, let elseNode):
            if thenNode == nil && elseNode == nil && ev == nil { return true }
            let branch = ev == nil ? nil : Evaluated()
            if quick(ifNode, v, branch) {
                if let ev, let branch { ev.merge(branch) }
                guard let thenNode else { return true }
                return validate(thenNode, v, ev)
            }
            guard let elseNode else { return true }
            return validate(elseNode, v, ev)

        case .ref(let target):
            return validate(target.node, v, ev)
        case .dynamicRef(let target):
            var dest = target.node
            if let name = target.dynamicName {
                for r in scope { if let n = r.dynamicAnchors[name] { dest = n; break } }
            }
            return validate(dest, v, ev)

        case .unevaluatedProperties(let n):
            guard case .object(let o) = v, let ev else { return true }
            var ok = true
            for m in o.members where !ev.hasProperty(m.key) {
                enter(.key(m.key))
                var r: Bool
                if n.alwaysFalse {
                    fail(node, "unevaluatedProperties", "property \"\(m.key)\" is not allowed (unevaluated)")
                    r = false
                } else {
                    r = validate(n, m.value, nil)
                }
                leave()
                if !r {
                    ok = false
                    if shortCircuit { return false }
                }
            }
            if ok { ev.allProperties = true }
            return ok
        case .unevaluatedItems(let n):
            guard case .array(let a) = v, let ev else { return true }
            var ok = true
            for k in a.indices where !ev.hasItem(k) {
                enter(.index(k))
                let r = validate(n, a[k], nil)
                leave()
                if !r { ok = false; if shortCircuit { return false } }
            }
            if ok { ev.allItems = true }
            return ok
        }
    }

    /// properties + patternProperties + additionalProperties + required, in one pass over the members.
    mutating func validateObject(_ plan: ObjectPlan, _ node: SchemaNode, _ o: JSONObject, _ ev: Evaluated?) -> Bool {
        o.members.withUnsafeBufferPointer { members in
            plan.names.withUnsafeBufferPointer { names in
                plan.nodes.withUnsafeBufferPointer { nodes in
                    validateMembers(plan, node, members, names, nodes, ev)
                }
            }
        }
    }

    private mutating func validateMembers(_ plan: ObjectPlan, _ node: SchemaNode, _ members: UnsafeBufferPointer<JSONObject.Member>,
                                          _ names: UnsafeBufferPointer<String>, _ nodes: UnsafeBufferPointer<SchemaNode>,
                                          _ ev: Evaluated?) -> Bool {
        var ok = true
        let count = names.count
        // Which declared properties were seen, for `required` (a bit mask for up to 64 of them).
        var seenMask: UInt64 = 0
        var seenLarge: [Bool] = count > 64 && plan.hasRequired ? Array(repeating: false, count: count) : []
        var cursor = 0
        let hasPatterns = !plan.patterns.isEmpty
        let additional = plan.additional
        for k in 0..<members.count {
            var matched = false
            if count > 0 {
                // Members usually come in the schema's order: try the next declared name before hashing.
                var idx = -1
                if cursor < count && names[cursor] == members[k].key {
                    idx = cursor
                } else if let j = plan.lookup[members[k].key] {
                    idx = j
                }
                if idx >= 0 {
                    cursor = idx + 1
                    matched = true
                    if idx < 64 { seenMask |= 1 << UInt64(idx) } else if !seenLarge.isEmpty { seenLarge[idx] = true }
                    let child = nodes[idx]
                    if !child.isTrivial {
                        enter(.key(members[k].key))
                        let r = validate(child, members[k].value, nil)
                        leave()
                        if !r { ok = false; if shortCircuit { return false } }
                    }
                }
            }
            if hasPatterns {
                for p in plan.patterns {
                    switch p.regex.search(members[k].key) {
                    case .match:
                        matched = true
                        enter(.key(members[k].key))
                        let r = validate(p.node, members[k].value, nil)
                        leave()
                        if !r { ok = false; if shortCircuit { return false } }
                    case .noMatch:
                        break
                    case .tooComplex:
                        enter(.key(members[k].key))
                        fail(node, "patternProperties", "matching /\(p.source)/ took too many steps")
                        leave()
                        ok = false
                        if shortCircuit { return false }
                    }
                }
            }
            if !matched, let additional {
                matched = true
                enter(.key(members[k].key))
                var r = true
                if additional.alwaysFalse {
                    fail(node, "additionalProperties", detail: .notAllowed(members[k].key))
                    r = false
                } else if !additional.isTrivial {
                    r = validate(additional, members[k].value, nil)
                }
                leave()
                if !r { ok = false; if shortCircuit { return false } }
            }
            if matched, let ev { ev.properties.insert(members[k].key) }
        }
        if plan.hasRequired {
            for (requiredIndexPosition, idx) in plan.requiredIndices.enumerated() {
                let seen = idx < 64 ? seenMask & (1 << UInt64(idx)) != 0 : seenLarge[idx]
                if !seen {
                    fail(node, "required", detail: .text(plan.requiredMessages[requiredIndexPosition]))
                    ok = false
                    if shortCircuit { return false }
                }
            }
        }
        return ok
    }

    static func isMultiple(_ v: JSONValue, of n: SchemaNumber) -> Bool {
        if case .integer(let x) = v, case .integer(let m) = n { return x % m == 0 }
        guard let x = v.doubleValue else { return true }
        let m = n.double
        let q = x / m
        if q.isFinite { return q == q.rounded() }
        // The quotient overflowed: fall back to the exact remainder.
        return x.truncatingRemainder(dividingBy: m) == 0
    }

    static func firstDuplicate(_ a: [JSONValue]) -> (Int, Int)? {
        if a.count < 2 { return nil }
        if a.count <= 16 {
            for x in 0..<a.count { for y in (x + 1)..<a.count where a[x] == a[y] { return (x, y) } }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        for (k, e) in a.enumerated() {
            if let first = seen[e] { return (first, k) }
            seen[e] = k
        }
        return nil
    }
}
