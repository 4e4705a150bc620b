/// The compiled form of one subschema: its keywords as an array of operations that the evaluator
/// runs in order, with everything decided at compile time (types as a bit mask, property names in
/// a table, regexes compiled, references pointing straight at their target node).
///
/// Nodes form a graph (references make cycles); `CompiledSchema` owns every node, and references
/// hold them unowned so that the graph frees with it.
final class SchemaNode: @unchecked Sendable {
    /// The `false` schema, or a schema whose vocabulary makes it reject everything.
    // Written only while compiling; `@exclusivity(unchecked)` spares the evaluator a runtime
    // exclusivity check on every read.
    @exclusivity(unchecked) var alwaysFalse = false
    /// No operations: every value is valid.
    @exclusivity(unchecked) var isTrivial = true
    @exclusivity(unchecked) var ops: [SchemaOp] = []
    /// For each op, its keyword (for error locations) and a prepared text for its messages.
    @exclusivity(unchecked) var opKeywords: [String] = []
    @exclusivity(unchecked) var opTexts: [String] = []
    /// `type`, checked before the ops (nearly every schema has one, so it gets no op of its own).
    @exclusivity(unchecked) var typeMask: TypeMask? = nil
    /// This node has `unevaluatedProperties`/`unevaluatedItems`, so it tracks what its keywords evaluated.
    @exclusivity(unchecked) var tracksEvaluation = false
    /// The schema resource this node belongs to (for `$dynamicRef`'s dynamic scope).
    @exclusivity(unchecked) unowned(unsafe) var resource: SchemaResource
    /// JSON Pointer of this subschema within its document, and the absolute URI form.
    let pointer: String
    let absoluteLocation: String

    init(resource: SchemaResource, pointer: String, absoluteLocation: String) {
        self.resource = resource
        self.pointer = pointer
        self.absoluteLocation = absoluteLocation
    }

    /// The keyword locations that failures of this node can name, made once at compile time.
    @exclusivity(unchecked) var locations: [String: KeywordLocation] = [:]
    @exclusivity(unchecked) var opLocations: [KeywordLocation] = []

    func append(_ op: SchemaOp, _ keyword: String, message: String = "") {
        ops.append(op)
        opKeywords.append(keyword)
        opTexts.append(message)
        isTrivial = false
    }

    func prepareLocations() {
        var keywords = Set(opKeywords)
        keywords.formUnion(["", "type", "required", "additionalProperties", "patternProperties", "maxContains", "unevaluatedProperties"])
        for k in keywords {
            let suffix = k.isEmpty ? "" : "/" + k
            locations[k] = KeywordLocation(pointer: pointer + suffix, uri: absoluteLocation + suffix)
        }
        opLocations = opKeywords.map { location($0) }
    }

    func location(_ keyword: String) -> KeywordLocation {
        if let l = locations[keyword] { return l }
        let suffix = keyword.isEmpty ? "" : "/" + keyword
        return KeywordLocation(pointer: pointer + suffix, uri: absoluteLocation + suffix)
    }

    func setType(_ mask: TypeMask) {
        typeMask = mask
        isTrivial = false
    }

    func setAlwaysFalse() {
        alwaysFalse = true
        isTrivial = false
    }
}

struct KeywordLocation: Sendable {
    let pointer: String
    let uri: String
}

/// A schema resource (a document root or a subschema with `$id`).
final class SchemaResource: @unchecked Sendable {
    let uri: String
    /// `$dynamicAnchor` names declared in this resource.
    @exclusivity(unchecked) var dynamicAnchors: [String: SchemaNode] = [:]
    init(uri: String) { self.uri = uri }
}

/// A `$ref`/`$dynamicRef` target, filled in once the target is compiled (it may be an ancestor).
final class RefTarget: @unchecked Sendable {
    @exclusivity(unchecked) unowned(unsafe) var node: SchemaNode
    /// For a `$dynamicRef` whose initial target has a `$dynamicAnchor`: the anchor name to look up
    /// in the dynamic scope.
    let dynamicName: String?
    init(node: SchemaNode, dynamicName: String?) { self.node = node; self.dynamicName = dynamicName }
}

/// JSON types as bits, so `type: [..]` is one AND.
struct TypeMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let integer = TypeMask(rawValue: 4)
    static let number = TypeMask(rawValue: 8)      // includes integers
    static let string = TypeMask(rawValue: 16)
    static let array = TypeMask(rawValue: 32)
    static let object = TypeMask(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    @inline(__always) func matches(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .integer: return rawValue & 12 != 0
        case .number(let d): return contains(.number) || (contains(.integer) && d.isIntegral)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    /// "expected string or null, found integer", for every mask and found type, made once.
    static let messages: [[String]] = (0..<128).map { raw in
        let expected = TypeMask(rawValue: UInt8(raw)).names.joined(separator: " or ")
        return foundNames.map { "expected \(expected), found \($0)" }
    }
    static let foundNames = ["null", "boolean", "integer", "number", "string", "array", "object"]

    static func foundIndex(_ v: JSONValue) -> Int {
        switch v {
        case .null: return 0
        case .bool: return 1
        case .integer: return 2
        case .number(let d): return d.isIntegral ? 2 : 3
        case .string: return 4
        case .array: return 5
        case .object: return 6
        }
    }

    var names: [String] {
        var out: [String] = []
        for (bit, name) in [(TypeMask.null, "null"), (.boolean, "boolean"), (.integer, "integer"), (.number, "number"),
                            (.string, "string"), (.array, "array"), (.object, "object")] where contains(bit) {
            out.append(name)
        }
        return out
    }
}

/// A number from a schema, kept exact when it is an integer.
enum SchemaNumber: Sendable, Equatable {
    case integer(Int64)
    case double(Double)

    init?(_ v: JSONValue) {
        switch v {
        case .integer(let i): self = .integer(i)
        case .number(let d): self = .double(d)
        default: return nil
        }
    }

    var double: Double {
        switch self {
        case .integer(let i): return Double(i)
        case .double(let d): return d
        }
    }

    var text: String {
        switch self {
        case .integer(let i): return String(i)
        case .double(let d): return JSONWriter.string(.number(d))
        }
    }

    /// Compares an instance number with this bound: negative, zero or positive like `a - b`.
    @inline(__always) static func compare(_ a: JSONValue, _ b: SchemaNumber) -> Int? {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.integer(let x), .double(let y)): return compareDoubles(Double(x), y)
        case (.number(let x), _): return compareDoubles(x, b.double)
        default: return nil
        }
    }

    @inline(__always) static func compareDoubles(_ x: Double, _ y: Double) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
}

/// The combined plan for `properties`, `patternProperties`, `additionalProperties` and the
/// `required` names that `properties` also declares: one pass over the instance's members.
final class ObjectPlan: @unchecked Sendable {
    @exclusivity(unchecked) var names: [String] = []
    @exclusivity(unchecked) var nodes: [SchemaNode] = []
    @exclusivity(unchecked) var lookup: [String: Int] = [:]
    @exclusivity(unchecked) var patterns: [(regex: ECMARegex, node: SchemaNode, source: String)] = []
    @exclusivity(unchecked) var additional: SchemaNode? = nil
    @exclusivity(unchecked) var hasProperties = false
    /// Indices into `names` that `required` lists.
    @exclusivity(unchecked) var requiredIndices: [Int] = []
    @exclusivity(unchecked) var requiredMessages: [String] = []
    @exclusivity(unchecked) var hasRequired = false
}

/// One keyword's work.
enum SchemaOp: @unchecked Sendable {
    case const(JSONValue)
    case enumeration([JSONValue])
    case minimum(SchemaNumber)
    case maximum(SchemaNumber)
    case exclusiveMinimum(SchemaNumber)
    case exclusiveMaximum(SchemaNumber)
    case multipleOf(SchemaNumber)
    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMARegex)
    case format(FormatKind, name: String)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case prefixItems([SchemaNode])
    /// `items` (2020-12) or `additionalItems`: every element from `start` on.
    case items(SchemaNode, start: Int)
    case contains(SchemaNode, min: Int, max: Int?)
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case object(ObjectPlan)
    case propertyNames(SchemaNode)
    case dependentRequired([(String, [String])])
    case dependentSchemas([(String, SchemaNode)])
    case allOf([SchemaNode])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case conditional(if: SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case ref(RefTarget)
    case dynamicRef(RefTarget)
    case unevaluatedProperties(SchemaNode)
    case unevaluatedItems(SchemaNode)
}
