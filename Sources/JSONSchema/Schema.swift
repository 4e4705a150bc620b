/// A JSON Schema compiled once, ready to validate many instances.
///
///     let schema = try Schema(parsing: schemaBytes)
///     let result = schema.validate(try JSONParser().parse(bodyBytes))
///     if !result.isValid { respond(422, result.problemJSON()) }
///
/// Compiling checks the schema itself (keyword types, regexes, references), so an invalid schema
/// fails at registration with a `JSONSchemaError`, never at validation time.
public final class Schema: Sendable {
    public struct Options: Sendable {
        /// Make `format` an assertion for the formats we know (date-time, date, time, duration, email,
        /// hostname, ipv4, ipv6, uri, uri-reference, iri, uuid, json-pointer, regex, ...).
        public var assertFormats = false
        /// The dialect when the schema has no `$schema`.
        public var defaultDialect = Dialect.draft2020_12
        /// Deepest nesting of subschemas inside a schema document.
        public var maxSchemaDepth = 128
        /// Deepest evaluation (instance nesting plus reference hops) before validation stops with a failure.
        public var maxEvaluationDepth = 256
        public var regexLimits = ECMARegex.Limits()
        /// Check a 2020-12 schema against the 2020-12 meta-schema before compiling it.
        public var checkAgainstMetaSchema = true
        public init() {}
    }

    public enum Mode: Sendable {
        /// Every failure, with locations and messages.
        case allErrors
        /// Stop at the first failure (it is still reported).
        case firstError
    }

    let root: SchemaNode
    let nodes: [SchemaNode]
    let resources: [SchemaResource]
    let usesDynamicRef: Bool
    public let options: Options

    /// The default base URI of a schema that has no `$id`.
    public static let defaultBaseURI = "urn:switchyard:schema"

    public init(_ schema: JSONValue, baseURI: String = Schema.defaultBaseURI, registry: SchemaRegistry = SchemaRegistry(),
                options: Options = Options()) throws(JSONSchemaError) {
        if options.checkAgainstMetaSchema, Schema.isDraft2020_12(schema, default: options.defaultDialect),
           let meta = MetaSchemas.draft2020_12 {
            let result = meta.validate(schema, mode: .firstError)
            if let first = result.errors.first {
                throw JSONSchemaError(.invalidSchema, "not a valid 2020-12 schema: \(first.message) (meta-schema keyword \(first.keywordLocation))",
                                      location: first.instanceLocation)
            }
        }
        var index = registry.index
        index.maxDepth = options.maxSchemaDepth
        let docNumber = index.documents.count
        try index.add(schema, uri: baseURI, dialect: options.defaultDialect)
        var compiler = SchemaCompiler(index: index, options: options)
        root = try compiler.compile(SchemaLocation(document: docNumber, pointer: ""), depth: 0)
        try compiler.finish()
        nodes = compiler.nodes
        resources = Array(compiler.resources.values)
        usesDynamicRef = compiler.usesDynamicRef
        self.options = options
    }

    static func isDraft2020_12(_ schema: JSONValue, default d: Dialect) -> Bool {
        guard case .string(let s)? = schema["$schema"] else { return d == .draft2020_12 }
        return Dialect(schemaURI: s) == .draft2020_12
    }

    /// Parses the schema from JSON bytes first.
    public convenience init(parsing bytes: [UInt8], baseURI: String = Schema.defaultBaseURI,
                            registry: SchemaRegistry = SchemaRegistry(), options: Options = Options()) throws(JSONSchemaError) {
        let value = try JSONParser().parse(bytes)
        try self.init(value, baseURI: baseURI, registry: registry, options: options)
    }

    public func validate(_ instance: JSONValue, mode: Mode = .allErrors) -> ValidationResult {
        // The instance path starts in a stack buffer (under 1 KiB) and moves to the heap only if deeper.
        withUnsafeTemporaryAllocation(of: PathSegment.self, capacity: 40) { path in
            var e = Evaluator(schema: self, collecting: true, pathBuffer: path)
            e.stopAtFirst = mode == .firstError
            let ok = e.validate(root, instance, nil)
            e.release()
            return ValidationResult(isValid: ok, errors: e.errors)
        }
    }

    /// Only the verdict: no locations or messages are built.
    public func isValid(_ instance: JSONValue) -> Bool {
        withUnsafeTemporaryAllocation(of: PathSegment.self, capacity: 1) { path in
            var e = Evaluator(schema: self, collecting: false, pathBuffer: path)
            return e.validate(root, instance, nil)
        }
    }
}

/// Extra schemas that `$ref` may name by URI (never fetched from the network).
public struct SchemaRegistry: Sendable {
    var index = MetaSchemas.index

    /// A registry holding the draft 2020-12 meta-schemas.
    public init() {}

    /// Adds a schema document under its retrieval URI; `$id`s inside it name more resources.
    public mutating func add(_ schema: JSONValue, uri: String, dialect: Dialect = .draft2020_12) throws(JSONSchemaError) {
        try index.add(schema, uri: uri, dialect: dialect)
    }

    public func contains(uri: String) -> Bool { index.resources[URIReference(uri).withoutFragment.string] != nil }
}
