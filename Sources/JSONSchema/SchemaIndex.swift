/// The dialects a schema can be written in. 2020-12 is the default; the others change how a few
/// keywords read (`items` as an array, `additionalItems`, `dependencies`, `$ref` hiding its siblings).
public enum Dialect: String, Sendable, Codable {
    case draft2020_12 = "https://json-schema.org/draft/2020-12/schema"
    case draft2019_09 = "https://json-schema.org/draft/2019-09/schema"
    case draft7 = "http://json-schema.org/draft-07/schema"

    /// Recognises a `$schema` value, with or without the empty fragment.
    init?(schemaURI: String) {
        var s = schemaURI
        if s.hasSuffix("#") { s.removeLast() }
        switch s {
        case "https://json-schema.org/draft/2020-12/schema": self = .draft2020_12
        case "https://json-schema.org/draft/2019-09/schema": self = .draft2019_09
        case "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema": self = .draft7
        default: return nil
        }
    }

    /// `items` may be an array of schemas, with `additionalItems` for the rest.
    var hasArrayItems: Bool { self != .draft2020_12 }
    /// `$ref` makes every sibling keyword ignored.
    var refOverridesSiblings: Bool { self == .draft7 }
}

/// A place in one of the indexed documents: the document's number and a JSON Pointer into it.
struct SchemaLocation: Hashable, Sendable {
    let document: Int
    let pointer: String

    func appending(_ tokens: String...) -> SchemaLocation {
        var p = pointer
        for t in tokens { p += "/" + JSONPointer.escape(t) }
        return SchemaLocation(document: document, pointer: p)
    }
}

/// What the vocabulary of a custom meta-schema turns on.
struct Vocabularies: Sendable, Equatable {
    var validation = true
    var applicator = true
    var formatAssertion = false
    static let all = Vocabularies()
}

/// Everything known about schema documents before compiling: which URI names which location
/// (`$id`, `$anchor`, `$dynamicAnchor`), and the base URI and dialect in force at each subschema.
struct SchemaIndex: Sendable {
    struct Scope: Sendable {
        let base: String
        let dialect: Dialect
        let vocabularies: Vocabularies
    }

    var documents: [JSONValue] = []
    /// Absolute URI (no fragment) of each schema resource.
    var resources: [String: SchemaLocation] = [:]
    /// "uri#name" for `$anchor` and `$dynamicAnchor`.
    var anchors: [String: SchemaLocation] = [:]
    /// Resource URI -> its `$dynamicAnchor` names.
    var dynamicAnchors: [String: [String: SchemaLocation]] = [:]
    var scopes: [SchemaLocation: Scope] = [:]
    var maxDepth: Int = 128

    static let applicatorSingle: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "items", "additionalItems", "contains", "propertyNames",
        "not", "if", "then", "else", "unevaluatedItems", "contentSchema",
    ]
    static let applicatorArray: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]
    static let applicatorMap: Set<String> = ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"]

    /// Adds a document retrieved from `uri`; `$id`s inside it may name further resources.
    mutating func add(_ document: JSONValue, uri: String, dialect defaultDialect: Dialect) throws(JSONSchemaError) {
        let docIndex = documents.count
        documents.append(document)
        let base = URIReference(uri).withoutFragment.string
        let root = SchemaLocation(document: docIndex, pointer: "")
        if resources[base] == nil { resources[base] = root }
        try walk(document, at: root, base: base, dialect: defaultDialect, vocabularies: .all, depth: 0)
    }

    private mutating func walk(_ value: JSONValue, at loc: SchemaLocation, base inherited: String, dialect inheritedDialect: Dialect,
                               vocabularies inheritedVocabularies: Vocabularies, depth: Int) throws(JSONSchemaError) {
        guard depth <= maxDepth else {
            throw JSONSchemaError(.limitExceeded, "schema nested deeper than \(maxDepth)", location: loc.pointer)
        }
        guard case .object(let obj) = value else {
            scopes[loc] = Scope(base: inherited, dialect: inheritedDialect, vocabularies: inheritedVocabularies)
            return
        }
        var base = inherited
        var dialect = inheritedDialect
        var vocabularies = inheritedVocabularies
        if case .string(let s)? = obj["$schema"] {
            if let d = Dialect(schemaURI: s) {
                dialect = d
                vocabularies = .all
            } else {
                (dialect, vocabularies) = dialectOfCustomMetaSchema(s, fallback: inheritedDialect)
            }
        }
        let refHidesSiblings = dialect.refOverridesSiblings && obj["$ref"] != nil
        if case .string(let id)? = obj["$id"] ?? (dialect == .draft7 ? obj["id"] : nil), !refHidesSiblings {
            let resolved = URIReference(base).resolve(URIReference(id))
            if dialect == .draft7, let frag = resolved.fragment, !frag.isEmpty {
                // draft-07: "$id": "#name" (or "uri#name") is a plain-name anchor.
                let res = resolved.withoutFragment.string
                if id.hasPrefix("#") {
                    anchors[base + "#" + frag] = loc
                } else {
                    base = res
                    if resources[base] == nil { resources[base] = loc }
                    anchors[base + "#" + frag] = loc
                }
            } else {
                base = resolved.withoutFragment.string
                resources[base] = loc
            }
        }
        if dialect != .draft7 {
            if case .string(let a)? = obj["$anchor"] { anchors[base + "#" + a] = loc }
            if case .string(let a)? = obj["$dynamicAnchor"] {
                anchors[base + "#" + a] = loc
                dynamicAnchors[base, default: [:]][a] = loc
            }
            if dialect == .draft2019_09, case .bool(true)? = obj["$recursiveAnchor"] {
                dynamicAnchors[base, default: [:]][""] = loc
            }
        }
        scopes[loc] = Scope(base: base, dialect: dialect, vocabularies: vocabularies)
        if refHidesSiblings { return }
        for m in obj.members {
            if SchemaIndex.applicatorSingle.contains(m.key), m.value.objectValue != nil || m.value.boolValue != nil {
                try walk(m.value, at: loc.appending(m.key), base: base, dialect: dialect, vocabularies: vocabularies, depth: depth + 1)
            } else if SchemaIndex.applicatorArray.contains(m.key), case .array(let items) = m.value {
                for (i, item) in items.enumerated() {
                    try walk(item, at: loc.appending(m.key, String(i)), base: base, dialect: dialect, vocabularies: vocabularies, depth: depth + 1)
                }
            } else if SchemaIndex.applicatorMap.contains(m.key), case .object(let map) = m.value {
                for entry in map.members where entry.value.objectValue != nil || entry.value.boolValue != nil {
                    try walk(entry.value, at: loc.appending(m.key, entry.key), base: base, dialect: dialect,
                             vocabularies: vocabularies, depth: depth + 1)
                }
            }
        }
    }

    /// A `$schema` that names a meta-schema we hold: its own `$schema` gives the dialect and its
    /// `$vocabulary` which keyword groups apply. Unknown meta-schemas read as the fallback dialect.
    private func dialectOfCustomMetaSchema(_ uri: String, fallback: Dialect) -> (Dialect, Vocabularies) {
        let key = URIReference(uri).withoutFragment.string
        guard let loc = resources[key], case .object(let meta)? = value(at: loc) else { return (fallback, .all) }
        var dialect = fallback
        if case .string(let s)? = meta["$schema"], let d = Dialect(schemaURI: s) { dialect = d }
        guard case .object(let vocab)? = meta["$vocabulary"] else { return (dialect, .all) }
        let prefix = dialect == .draft2019_09 ? "https://json-schema.org/draft/2019-09/vocab/" : "https://json-schema.org/draft/2020-12/vocab/"
        var v = Vocabularies()
        v.validation = vocab.contains(prefix + "validation")
        v.applicator = vocab.contains(prefix + "applicator")
        v.formatAssertion = vocab.contains(prefix + "format-assertion")
        return (dialect, v)
    }

    func value(at loc: SchemaLocation) -> JSONValue? {
        guard loc.document < documents.count, let tokens = JSONPointer.tokens(loc.pointer) else { return nil }
        var v = documents[loc.document]
        for t in tokens {
            switch v {
            case .object(let o):
                guard let next = o[t] else { return nil }
                v = next
            case .array(let a):
                guard let i = Int(t), i >= 0, i < a.count, t == String(i) else { return nil }
                v = a[i]
            default:
                return nil
            }
        }
        return v
    }

    /// The scope of a location that the walk did not reach (inside an unknown keyword):
    /// that of the nearest indexed ancestor.
    func scope(of loc: SchemaLocation) -> Scope? {
        if let s = scopes[loc] { return s }
        var p = loc.pointer
        while let slash = p.lastIndex(of: "/") {
            p = String(p[..<slash])
            if let s = scopes[SchemaLocation(document: loc.document, pointer: p)] { return s }
        }
        return nil
    }

    /// Resolves a reference written at `base` to a location.
    func resolve(_ ref: String, base: String) -> (SchemaLocation, absolute: String)? {
        let target = URIReference(base).resolve(URIReference(ref))
        let resource = target.withoutFragment.string
        let fragment = target.fragment ?? ""
        let absolute = resource + "#" + fragment
        if fragment.isEmpty {
            guard let loc = resources[resource] else { return nil }
            return (loc, absolute)
        }
        guard let decoded = JSONPointer.percentDecode(fragment) else { return nil }
        if decoded.hasPrefix("/") {
            guard let root = resources[resource] else { return nil }
            let loc = SchemaLocation(document: root.document, pointer: root.pointer + decoded)
            guard value(at: loc) != nil else { return nil }
            return (loc, absolute)
        }
        guard let loc = anchors[resource + "#" + decoded] else { return nil }
        return (loc, absolute)
    }
}
