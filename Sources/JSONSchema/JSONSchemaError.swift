/// The one error type of the JSONSchema module: a stable code to branch on, a message for people,
/// and whether trying again could succeed (never, for this module: inputs do not change by waiting).
///
/// Note that an instance that fails validation is not an error: `Schema.validate` returns a
/// `ValidationResult` listing the failures. Errors are for bytes that are not JSON, inputs over a
/// limit, and schemas that cannot be compiled.
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// The bytes are not JSON (RFC 8259).
        case malformedJSON
        /// Input larger or deeper than the limits the caller set.
        case limitExceeded
        /// A schema that breaks the rules of its dialect (wrong keyword value types and the like).
        case invalidSchema
        /// A `$ref` (or `$dynamicRef`) whose target is in no known schema.
        case unresolvedReference
        /// A `pattern` or `patternProperties` key that is not an ECMA-262 regular expression we support.
        case invalidPattern
        /// A `$schema` naming a dialect this module does not implement.
        case unsupportedDialect
    }

    public let code: Code
    public let message: String
    /// Where the problem is: a byte offset for JSON text, a JSON Pointer or URI for schemas.
    public let location: String

    public init(_ code: Code, _ message: String, location: String = "") {
        self.code = code
        self.message = message
        self.location = location
    }

    /// Nothing in this module can be cured by waiting: the same input fails the same way.
    public var isRetriable: Bool { false }

    public var description: String {
        location.isEmpty ? "\(code.rawValue): \(message)" : "\(code.rawValue) at \(location): \(message)"
    }
}
