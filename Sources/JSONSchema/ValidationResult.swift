/// One way an instance fails its schema.
///
/// Messages are mostly prepared when the schema is compiled; the few that name instance data
/// (an unexpected property) are put together when read, so collecting failures builds few strings.
public struct ValidationFailure: Sendable, Equatable {
    /// JSON Pointer to the failing part of the instance ("" is the whole instance).
    public var instanceLocation: String
    public var keyword: String
    /// JSON Pointer to the failing keyword within its schema document (static: through `$ref`
    /// it points at the referenced schema's keyword).
    public var keywordLocation: String
    /// The same keyword as an absolute URI with a JSON Pointer fragment.
    public var absoluteKeywordLocation: String
    let detail: FailureDetail
    /// For `anyOf`/`oneOf` that no branch satisfied: why each branch failed.
    public var causes: [ValidationFailure]?

    init(instanceLocation: String, keyword: String, location: KeywordLocation, detail: FailureDetail,
         causes: [ValidationFailure]? = nil) {
        self.instanceLocation = instanceLocation
        self.keyword = keyword
        keywordLocation = location.pointer
        absoluteKeywordLocation = location.uri
        self.detail = detail
        self.causes = causes
    }
    /// A sentence for people, e.g. `must be at most 9`.
    public var message: String { detail.message }
}

extension ValidationFailure: Codable {
    enum CodingKeys: String, CodingKey {
        case instanceLocation, keywordLocation, absoluteKeywordLocation, keyword, message, causes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(instanceLocation, forKey: .instanceLocation)
        try c.encode(keywordLocation, forKey: .keywordLocation)
        try c.encode(absoluteKeywordLocation, forKey: .absoluteKeywordLocation)
        try c.encode(keyword, forKey: .keyword)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(causes, forKey: .causes)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        instanceLocation = try c.decode(String.self, forKey: .instanceLocation)
        keyword = try c.decode(String.self, forKey: .keyword)
        keywordLocation = try c.decode(String.self, forKey: .keywordLocation)
        absoluteKeywordLocation = try c.decode(String.self, forKey: .absoluteKeywordLocation)
        detail = .text(try c.decode(String.self, forKey: .message))
        causes = try c.decodeIfPresent([ValidationFailure].self, forKey: .causes)
    }
}

/// What failed, in a form that is cheap to record; `message` renders it.
enum FailureDetail: Sendable, Equatable {
    enum Bound: Sendable, Equatable { case minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf }
    enum Count: Sendable, Equatable { case minLength, maxLength, minItems, maxItems, minProperties, maxProperties }

    case text(String)
    case type(expected: String, found: String)
    case const(String)
    case enumeration(String)
    case bound(Bound, SchemaNumber)
    case count(Count, Int)
    case pattern(String)
    case format(String)
    case missing(String)
    case notAllowed(String)

    var message: String {
        switch self {
        case .text(let s): return s
        case .type(let expected, let found): return "expected \(expected), found \(found)"
        case .const(let v): return "must equal \(v)"
        case .enumeration(let vs): return "must be one of \(vs)"
        case .bound(let b, let n):
            switch b {
            case .minimum: return "must be at least \(n.text)"
            case .maximum: return "must be at most \(n.text)"
            case .exclusiveMinimum: return "must be greater than \(n.text)"
            case .exclusiveMaximum: return "must be less than \(n.text)"
            case .multipleOf: return "must be a multiple of \(n.text)"
            }
        case .count(let c, let n):
            switch c {
            case .minLength: return "must be at least \(n) characters long"
            case .maxLength: return "must be at most \(n) characters long"
            case .minItems: return "must have at least \(n) items"
            case .maxItems: return "must have at most \(n) items"
            case .minProperties: return "must have at least \(n) properties"
            case .maxProperties: return "must have at most \(n) properties"
            }
        case .pattern(let source): return "must match the pattern /\(source)/"
        case .format(let name): return "must be a valid \(name)"
        case .missing(let name): return "missing required property \"\(name)\""
        case .notAllowed(let name): return "property \"\(name)\" is not allowed"
        }
    }
}

/// The verdict and, when invalid, every failure.
public struct ValidationResult: Sendable, Codable, Equatable {
    public var isValid: Bool
    public var errors: [ValidationFailure]

    /// An RFC 9457 `application/problem+json` body for a 422 response (written straight to bytes).
    public func problemJSON(title: String = "Request body does not match the schema", type: String = "about:blank") -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128 + errors.count * 160)
        out.append(contentsOf: #"{"type":"#.utf8)
        JSONWriter.appendString(type, to: &out)
        out.append(contentsOf: #","title":"#.utf8)
        JSONWriter.appendString(title, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        out.append(contentsOf: (isValid ? "200" : "422").utf8)
        out.append(contentsOf: #","detail":"#.utf8)
        JSONWriter.appendString(errors.count == 1 ? "1 validation error" : "\(errors.count) validation errors", to: &out)
        out.append(contentsOf: #","errors":"#.utf8)
        ValidationResult.append(errors, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ failures: [ValidationFailure], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, f) in failures.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"instanceLocation":"#.utf8)
            JSONWriter.appendString(f.instanceLocation, to: &out)
            out.append(contentsOf: #","keywordLocation":"#.utf8)
            JSONWriter.appendString(f.keywordLocation, to: &out)
            out.append(contentsOf: #","absoluteKeywordLocation":"#.utf8)
            JSONWriter.appendString(f.absoluteKeywordLocation, to: &out)
            out.append(contentsOf: #","keyword":"#.utf8)
            JSONWriter.appendString(f.keyword, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONWriter.appendString(f.message, to: &out)
            if let causes = f.causes {
                out.append(contentsOf: #","causes":"#.utf8)
                append(causes, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    static func json(_ f: ValidationFailure) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "instanceLocation", value: .string(f.instanceLocation)),
            .init(key: "keywordLocation", value: .string(f.keywordLocation)),
            .init(key: "absoluteKeywordLocation", value: .string(f.absoluteKeywordLocation)),
            .init(key: "keyword", value: .string(f.keyword)),
            .init(key: "message", value: .string(f.message)),
        ]
        if let causes = f.causes { members.append(.init(key: "causes", value: .array(causes.map(json)))) }
        return .object(JSONObject(members))
    }
}
