/// One way an instance fails its schema.
public struct ValidationFailure: Sendable, Codable, Equatable {
    /// JSON Pointer to the failing part of the instance ("" is the whole instance).
    public var instanceLocation: String
    /// JSON Pointer to the failing keyword within its schema document (static: through `$ref`
    /// it points at the referenced schema's keyword).
    public var keywordLocation: String
    /// The same keyword as an absolute URI with a JSON Pointer fragment.
    public var absoluteKeywordLocation: String
    public var keyword: String
    public var message: String
    /// For `anyOf`/`oneOf` that no branch satisfied: why each branch failed.
    public var causes: [ValidationFailure]?
}

/// The verdict and, when invalid, every failure.
public struct ValidationResult: Sendable, Codable, Equatable {
    public var isValid: Bool
    public var errors: [ValidationFailure]

    /// An RFC 9457 `application/problem+json` body for a 422 response.
    public func problemJSON(title: String = "Request body does not match the schema", type: String = "about:blank") -> String {
        var members: [JSONObject.Member] = [
            .init(key: "type", value: .string(type)),
            .init(key: "title", value: .string(title)),
            .init(key: "status", value: .integer(422)),
            .init(key: "detail", value: .string(errors.count == 1 ? "1 validation error" : "\(errors.count) validation errors")),
            .init(key: "errors", value: .array(errors.map(ValidationResult.json))),
        ]
        if isValid { members[2] = .init(key: "status", value: .integer(200)) }
        return JSONWriter.string(.object(JSONObject(members)))
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
