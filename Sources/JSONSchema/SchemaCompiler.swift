/// Turns indexed schema JSON into `SchemaNode`s, checking each keyword's value as it goes
/// (a schema that breaks its dialect's rules is an `invalidSchema` error, never a silent pass).
struct SchemaCompiler {
    var index: SchemaIndex
    let options: Schema.Options
    var nodes: [SchemaNode] = []
    var memo: [SchemaLocation: SchemaNode] = [:]
    var resources: [String: SchemaResource] = [:]
    var usesDynamicRef = false
    /// Resources whose `$dynamicAnchor`s still need compiling.
    var pendingResources: [String] = []

    init(index: SchemaIndex, options: Schema.Options) {
        self.index = index
        self.options = options
    }

    func invalid(_ loc: SchemaLocation, _ keyword: String, _ message: String) -> JSONSchemaError {
        JSONSchemaError(.invalidSchema, "\(keyword): \(message)", location: loc.pointer + "/" + JSONPointer.escape(keyword))
    }

    mutating func resource(_ uri: String) -> SchemaResource {
        if let r = resources[uri] { return r }
        let r = SchemaResource(uri: uri)
        resources[uri] = r
        pendingResources.append(uri)
        return r
    }

    /// Compiles the dynamic anchors of every resource met so far (which may meet more).
    mutating func finish() throws(JSONSchemaError) {
        while let uri = pendingResources.popLast() {
            guard let anchors = index.dynamicAnchors[uri], let r = resources[uri] else { continue }
            for (name, loc) in anchors { r.dynamicAnchors[name] = try compile(loc, depth: 0) }
        }
    }

    mutating func compile(_ loc: SchemaLocation, depth: Int) throws(JSONSchemaError) -> SchemaNode {
        if let n = memo[loc] { return n }
        guard depth <= options.maxSchemaDepth else {
            throw JSONSchemaError(.limitExceeded, "schema nested deeper than \(options.maxSchemaDepth)", location: loc.pointer)
        }
        guard let value = index.value(at: loc) else {
            throw JSONSchemaError(.unresolvedReference, "no schema at this location", location: loc.pointer)
        }
        guard let scope = index.scope(of: loc) else {
            throw JSONSchemaError(.invalidSchema, "location outside every indexed schema", location: loc.pointer)
        }
        let node = SchemaNode(resource: resource(scope.base), pointer: loc.pointer,
                              absoluteLocation: scope.base + "#" + loc.pointer)
        memo[loc] = node
        nodes.append(node)
        defer { node.prepareLocations() }
        switch value {
        case .bool(let b): if !b { node.setAlwaysFalse() }
        case .object(let obj): try compileKeywords(obj, node: node, loc: loc, scope: scope, depth: depth)
        default:
            throw JSONSchemaError(.invalidSchema, "a schema must be an object or a boolean, not \(value.typeName)",
                                  location: loc.pointer)
        }
        return node
    }

    private mutating func sub(_ loc: SchemaLocation, _ depth: Int, _ tokens: String...) throws(JSONSchemaError) -> SchemaNode {
        var l = loc
        for t in tokens { l = l.appending(t) }
        return try compile(l, depth: depth + 1)
    }

    private mutating func subArray(_ obj: JSONObject, _ key: String, _ loc: SchemaLocation, _ depth: Int, nonEmpty: Bool = true)
        throws(JSONSchemaError) -> [SchemaNode]?
    {
        guard let v = obj[key] else { return nil }
        guard case .array(let items) = v, !(nonEmpty && items.isEmpty) else {
            throw invalid(loc, key, nonEmpty ? "must be a non-empty array of schemas" : "must be an array of schemas")
        }
        var out: [SchemaNode] = []
        for i in items.indices { out.append(try sub(loc, depth, key, String(i))) }
        return out
    }

    private func nonNegative(_ obj: JSONObject, _ key: String, _ loc: SchemaLocation) throws(JSONSchemaError) -> Int? {
        guard let v = obj[key] else { return nil }
        switch v {
        case .integer(let i) where i >= 0: return Int(clamping: i)
        case .number(let d) where d.isIntegral && d >= 0: return d > 1e18 ? Int.max : Int(d)
        default: throw invalid(loc, key, "must be a non-negative integer")
        }
    }

    private func number(_ obj: JSONObject, _ key: String, _ loc: SchemaLocation) throws(JSONSchemaError) -> SchemaNumber? {
        guard let v = obj[key] else { return nil }
        guard let n = SchemaNumber(v) else { throw invalid(loc, key, "must be a number") }
        return n
    }

    private mutating func compileKeywords(_ obj: JSONObject, node: SchemaNode, loc: SchemaLocation, scope: SchemaIndex.Scope,
                                          depth: Int) throws(JSONSchemaError) {
        let dialect = scope.dialect
        let validation = scope.vocabularies.validation
        let applicator = scope.vocabularies.applicator

        // References first: cheap to state, and in draft-07 they hide everything else.
        if case let refValue? = obj["$ref"] {
            guard case .string(let ref) = refValue else { throw invalid(loc, "$ref", "must be a string") }
            node.append(.ref(try reference(ref, base: scope.base, from: loc, dynamic: false, depth: depth)), "$ref")
            if dialect.refOverridesSiblings { return }
        }
        if dialect == .draft2020_12, case let refValue? = obj["$dynamicRef"] {
            guard case .string(let ref) = refValue else { throw invalid(loc, "$dynamicRef", "must be a string") }
            usesDynamicRef = true
            node.append(.dynamicRef(try reference(ref, base: scope.base, from: loc, dynamic: true, depth: depth)), "$dynamicRef")
        }
        if dialect == .draft2019_09, case .string(let ref)? = obj["$recursiveRef"] {
            usesDynamicRef = true
            node.append(.dynamicRef(try recursiveReference(ref, base: scope.base, from: loc, depth: depth)), "$recursiveRef")
        }

        if validation {
            if let t = obj["type"] {
                var mask = TypeMask()
                switch t {
                case .string(let name):
                    guard let m = TypeMask(name: name) else { throw invalid(loc, "type", "unknown type \"\(name)\"") }
                    mask = m
                case .array(let names) where !names.isEmpty:
                    for n in names {
                        guard case .string(let name) = n, let m = TypeMask(name: name) else {
                            throw invalid(loc, "type", "must list type names")
                        }
                        mask.insert(m)
                    }
                default: throw invalid(loc, "type", "must be a type name or a non-empty array of them")
                }
                node.setType(mask)
            }
            if let c = obj["const"] { node.append(.const(c), "const", message: "must equal " + JSONWriter.string(c)) }
            if let e = obj["enum"] {
                guard case .array(let values) = e else { throw invalid(loc, "enum", "must be an array") }
                node.append(.enumeration(values), "enum", message: "must be one of " + JSONWriter.string(e))
            }
            if let n = try number(obj, "minimum", loc) { node.append(.minimum(n), "minimum", message: FailureDetail.bound(.minimum, n).message) }
            if let n = try number(obj, "maximum", loc) { node.append(.maximum(n), "maximum", message: FailureDetail.bound(.maximum, n).message) }
            if let v = obj["exclusiveMinimum"], v.boolValue == nil || dialect != .draft7 {
                guard let n = SchemaNumber(v) else { throw invalid(loc, "exclusiveMinimum", "must be a number") }
                node.append(.exclusiveMinimum(n), "exclusiveMinimum", message: FailureDetail.bound(.exclusiveMinimum, n).message)
            }
            if let v = obj["exclusiveMaximum"], v.boolValue == nil || dialect != .draft7 {
                guard let n = SchemaNumber(v) else { throw invalid(loc, "exclusiveMaximum", "must be a number") }
                node.append(.exclusiveMaximum(n), "exclusiveMaximum", message: FailureDetail.bound(.exclusiveMaximum, n).message)
            }
            if let n = try number(obj, "multipleOf", loc) {
                guard n.double > 0 else { throw invalid(loc, "multipleOf", "must be greater than 0") }
                node.append(.multipleOf(n), "multipleOf", message: FailureDetail.bound(.multipleOf, n).message)
            }
            if let n = try nonNegative(obj, "minLength", loc) { node.append(.minLength(n), "minLength", message: FailureDetail.count(.minLength, n).message) }
            if let n = try nonNegative(obj, "maxLength", loc) { node.append(.maxLength(n), "maxLength", message: FailureDetail.count(.maxLength, n).message) }
            if let p = obj["pattern"] {
                guard case .string(let source) = p else { throw invalid(loc, "pattern", "must be a string") }
                node.append(.pattern(try regex(source, loc, "pattern")), "pattern", message: FailureDetail.pattern(source).message)
            }
            if let n = try nonNegative(obj, "minItems", loc) { node.append(.minItems(n), "minItems", message: FailureDetail.count(.minItems, n).message) }
            if let n = try nonNegative(obj, "maxItems", loc) { node.append(.maxItems(n), "maxItems", message: FailureDetail.count(.maxItems, n).message) }
            if let u = obj["uniqueItems"] {
                guard case .bool(let b) = u else { throw invalid(loc, "uniqueItems", "must be a boolean") }
                if b { node.append(.uniqueItems, "uniqueItems") }
            }
            if let n = try nonNegative(obj, "minProperties", loc) { node.append(.minProperties(n), "minProperties", message: FailureDetail.count(.minProperties, n).message) }
            if let n = try nonNegative(obj, "maxProperties", loc) { node.append(.maxProperties(n), "maxProperties", message: FailureDetail.count(.maxProperties, n).message) }
        }
        if let f = obj["format"] {
            guard case .string(let name) = f else { throw invalid(loc, "format", "must be a string") }
            if options.assertFormats || scope.vocabularies.formatAssertion {
                let kind = FormatKind(name: name)
                if case .unknown = kind {} else { node.append(.format(kind, name: name), "format", message: FailureDetail.format(name).message) }
            }
        }

        // Object keywords: one combined plan for properties/patternProperties/additionalProperties/required.
        var required: [String] = []
        if validation, let r = obj["required"] {
            guard case .array(let names) = r else { throw invalid(loc, "required", "must be an array of strings") }
            for n in names {
                guard case .string(let s) = n else { throw invalid(loc, "required", "must be an array of strings") }
                required.append(s)
            }
        }
        if applicator {
            let plan = ObjectPlan()
            var planUsed = false
            if let p = obj["properties"] {
                guard case .object(let props) = p else { throw invalid(loc, "properties", "must be an object of schemas") }
                plan.hasProperties = true
                planUsed = true
                for m in props.members {
                    plan.lookup[m.key] = plan.names.count
                    plan.names.append(m.key)
                    plan.nodes.append(try sub(loc, depth, "properties", m.key))
                }
            }
            if let p = obj["patternProperties"] {
                guard case .object(let pats) = p else { throw invalid(loc, "patternProperties", "must be an object of schemas") }
                planUsed = planUsed || !pats.members.isEmpty
                for m in pats.members {
                    plan.patterns.append((try regex(m.key, loc, "patternProperties"), try sub(loc, depth, "patternProperties", m.key), m.key))
                }
            }
            if obj["additionalProperties"] != nil {
                plan.additional = try sub(loc, depth, "additionalProperties")
                planUsed = true
            }
            if planUsed {
                // `required` names that `properties` declares are checked from the same pass.
                if !required.isEmpty && plan.hasProperties {
                    var rest: [String] = []
                    for r in required {
                        if let i = plan.lookup[r] {
                            plan.requiredIndices.append(i)
                            plan.requiredMessages.append(FailureDetail.missing(r).message)
                        } else {
                            rest.append(r)
                        }
                    }
                    plan.hasRequired = !plan.requiredIndices.isEmpty
                    required = rest
                }
                node.append(.object(plan), plan.hasProperties ? "properties" : (plan.patterns.isEmpty ? "additionalProperties" : "patternProperties"))
            }
        }
        if !required.isEmpty { node.append(.required(required), "required") }

        if validation {
            if let d = obj["dependentRequired"], dialect != .draft7 {
                guard case .object(let map) = d else { throw invalid(loc, "dependentRequired", "must be an object") }
                var deps: [(String, [String])] = []
                for m in map.members {
                    guard case .array(let names) = m.value else { throw invalid(loc, "dependentRequired", "values must be arrays of strings") }
                    var list: [String] = []
                    for n in names {
                        guard case .string(let s) = n else { throw invalid(loc, "dependentRequired", "values must be arrays of strings") }
                        list.append(s)
                    }
                    deps.append((m.key, list))
                }
                node.append(.dependentRequired(deps), "dependentRequired")
            }
        }
        if applicator {
            if let p = obj["propertyNames"] {
                _ = p
                node.append(.propertyNames(try sub(loc, depth, "propertyNames")), "propertyNames")
            }
            if let d = obj["dependentSchemas"], dialect != .draft7 {
                guard case .object(let map) = d else { throw invalid(loc, "dependentSchemas", "must be an object of schemas") }
                var deps: [(String, SchemaNode)] = []
                for m in map.members { deps.append((m.key, try sub(loc, depth, "dependentSchemas", m.key))) }
                node.append(.dependentSchemas(deps), "dependentSchemas")
            }
            // Draft-07's `dependencies`, still honoured in later dialects for compatibility.
            if case .object(let map)? = obj["dependencies"] {
                var reqs: [(String, [String])] = []
                var schemas: [(String, SchemaNode)] = []
                for m in map.members {
                    if case .array(let names) = m.value {
                        reqs.append((m.key, names.compactMap(\.stringValue)))
                    } else {
                        schemas.append((m.key, try sub(loc, depth, "dependencies", m.key)))
                    }
                }
                if !reqs.isEmpty { node.append(.dependentRequired(reqs), "dependencies") }
                if !schemas.isEmpty { node.append(.dependentSchemas(schemas), "dependencies") }
            }

            // Arrays.
            var prefixCount = 0
            if dialect.hasArrayItems {
                if case .array = obj["items"] {
                    let prefix = try subArray(obj, "items", loc, depth, nonEmpty: false) ?? []
                    prefixCount = prefix.count
                    node.append(.prefixItems(prefix), "items")
                    if obj["additionalItems"] != nil {
                        node.append(.items(try sub(loc, depth, "additionalItems"), start: prefixCount), "additionalItems")
                    }
                } else if obj["items"] != nil {
                    node.append(.items(try sub(loc, depth, "items"), start: 0), "items")
                }
            } else {
                if let prefix = try subArray(obj, "prefixItems", loc, depth) {
                    prefixCount = prefix.count
                    node.append(.prefixItems(prefix), "prefixItems")
                }
                if obj["items"] != nil {
                    node.append(.items(try sub(loc, depth, "items"), start: prefixCount), "items")
                }
            }
            if obj["contains"] != nil {
                let minC = dialect == .draft7 ? 1 : (try nonNegative(obj, "minContains", loc) ?? 1)
                let maxC = dialect == .draft7 ? nil : try nonNegative(obj, "maxContains", loc)
                node.append(.contains(try sub(loc, depth, "contains"), min: minC, max: maxC), "contains")
            }

            // In-place applicators.
            if let s = try subArray(obj, "allOf", loc, depth) { node.append(.allOf(s), "allOf") }
            if let s = try subArray(obj, "anyOf", loc, depth) { node.append(.anyOf(s), "anyOf") }
            if let s = try subArray(obj, "oneOf", loc, depth) { node.append(.oneOf(s), "oneOf") }
            if obj["not"] != nil { node.append(.not(try sub(loc, depth, "not")), "not") }
            if obj["if"] != nil {
                let i = try sub(loc, depth, "if")
                let t = obj["then"] != nil ? try sub(loc, depth, "then") : nil
                let e = obj["else"] != nil ? try sub(loc, depth, "else") : nil
                // Even without then/else, `if` contributes annotations to unevaluated*.
                node.append(.conditional(if: i, then: t, else: e), "if")
            }
        }

        // Unevaluated keywords run last: they see what every other keyword evaluated.
        if dialect != .draft7 {
            if obj["unevaluatedItems"] != nil {
                node.append(.unevaluatedItems(try sub(loc, depth, "unevaluatedItems")), "unevaluatedItems")
                node.tracksEvaluation = true
            }
            if obj["unevaluatedProperties"] != nil {
                node.append(.unevaluatedProperties(try sub(loc, depth, "unevaluatedProperties")), "unevaluatedProperties")
                node.tracksEvaluation = true
            }
        }
        // Draft-07 has no `const`-free `false` node shortcut; nothing else to do.
    }

    private func regex(_ source: String, _ loc: SchemaLocation, _ keyword: String) throws(JSONSchemaError) -> ECMARegex {
        do throws(JSONSchemaError) {
            return try ECMARegex(source, limits: options.regexLimits)
        } catch {
            throw JSONSchemaError(error.code, error.message, location: loc.pointer + "/" + keyword)
        }
    }

    private mutating func reference(_ ref: String, base: String, from loc: SchemaLocation, dynamic: Bool, depth: Int)
        throws(JSONSchemaError) -> RefTarget
    {
        guard let (targetLoc, absolute) = index.resolve(ref, base: base) else {
            throw JSONSchemaError(.unresolvedReference, "cannot resolve \"\(ref)\" against base \(base)", location: loc.pointer)
        }
        let target = try compile(targetLoc, depth: depth + 1)
        var dynamicName: String? = nil
        if dynamic, let hash = absolute.firstIndex(of: "#") {
            let name = String(absolute[absolute.index(after: hash)...])
            let resource = String(absolute[..<hash])
            // Dynamic only when the initial target itself declares this $dynamicAnchor.
            if !name.isEmpty, !name.hasPrefix("/"), index.dynamicAnchors[resource]?[name] == targetLoc { dynamicName = name }
        }
        return RefTarget(node: target, dynamicName: dynamicName)
    }

    /// Draft 2019-09 `$recursiveRef`: like `$ref`, but re-targeted through `$recursiveAnchor: true`.
    private mutating func recursiveReference(_ ref: String, base: String, from loc: SchemaLocation, depth: Int)
        throws(JSONSchemaError) -> RefTarget
    {
        guard let (targetLoc, absolute) = index.resolve(ref, base: base) else {
            throw JSONSchemaError(.unresolvedReference, "cannot resolve \"\(ref)\"", location: loc.pointer)
        }
        let target = try compile(targetLoc, depth: depth + 1)
        let resource = String(absolute.prefix(while: { $0 != "#" }))
        let dynamic = index.dynamicAnchors[resource]?[""] == targetLoc
        return RefTarget(node: target, dynamicName: dynamic ? "" : nil)
    }
}
