import Foundation
import XCTest
@testable import JSONSchema

final class SchemaTests: XCTestCase {
    func schema(_ text: String, options: Schema.Options = .init(), registry: SchemaRegistry = .init()) throws -> Schema {
        try Schema(parsing: Array(text.utf8), registry: registry, options: options)
    }

    func json(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    func testErrorsListEveryFailureWithLocations() throws {
        let s = try schema(#"""
        {"type": "object", "required": ["id", "tags"], "additionalProperties": false,
         "properties": {"id": {"type": "integer", "minimum": 1},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                        "a/b~c": {"const": 1}}}
        """#)
        let r = s.validate(try json(#"{"id": 0, "tags": ["ok", 5, "long"], "extra": 1, "a/b~c": 2}"#))
        XCTAssertFalse(r.isValid)
        let got = Set(r.errors.map { "\($0.instanceLocation) \($0.keywordLocation) \($0.message)" })
        XCTAssertEqual(got, [
            "/id /properties/id/minimum must be at least 1",
            "/tags/1 /properties/tags/items/type expected string, found integer",
            "/tags/2 /properties/tags/items/maxLength must be at most 3 characters long",
            "/extra /additionalProperties property \"extra\" is not allowed",
            "/a~1b~0c /properties/a~1b~0c/const must equal 1",
        ])
        XCTAssertEqual(r.errors.first?.absoluteKeywordLocation, Schema.defaultBaseURI + "#/properties/id/minimum")

        let missing = s.validate(try json("{}"))
        XCTAssertEqual(missing.errors.map(\.message).sorted(), ["missing required property \"id\"", "missing required property \"tags\""])
        XCTAssertEqual(missing.errors.first?.keywordLocation, "/required")
    }

    func testFirstErrorModeAndQuickVerdict() throws {
        let s = try schema(#"{"properties": {"a": {"type": "string"}, "b": {"type": "string"}}}"#)
        let bad = try json(#"{"a": 1, "b": 2}"#)
        XCTAssertEqual(s.validate(bad).errors.count, 2)
        XCTAssertEqual(s.validate(bad, mode: .firstError).errors.count, 1)
        XCTAssertFalse(s.isValid(bad))
        XCTAssertTrue(s.isValid(try json(#"{"a": "x"}"#)))
    }

    func testAnyOfFailureCarriesItsCauses() throws {
        let s = try schema(#"{"anyOf": [{"type": "string"}, {"minimum": 10}]}"#)
        let r = s.validate(.integer(3))
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertEqual(r.errors[0].keyword, "anyOf")
        XCTAssertEqual(r.errors[0].causes?.map(\.keywordLocation), ["/anyOf/0/type", "/anyOf/1/minimum"])
        XCTAssertTrue(s.validate(.integer(30)).isValid)
    }

    func testProblemJSONAndCodable() throws {
        let s = try schema(#"{"properties": {"n": {"maximum": 9}}}"#)
        let r = s.validate(try json(#"{"n": 12}"#))
        let body = try json(r.problemJSON())
        XCTAssertEqual(body["status"], 422)
        XCTAssertEqual(body["errors"]?.arrayValue?.first?["instanceLocation"], "/n")
        XCTAssertEqual(body["errors"]?.arrayValue?.first?["message"], "must be at most 9")
        let encoded = try JSONEncoder().encode(r)
        let decoded = try JSONDecoder().decode(ValidationResult.self, from: encoded)
        XCTAssertEqual(decoded.errors.map(\.message), r.errors.map(\.message))
        XCTAssertEqual(decoded.errors.map(\.keywordLocation), r.errors.map(\.keywordLocation))
        XCTAssertEqual(decoded.errors.map(\.absoluteKeywordLocation), r.errors.map(\.absoluteKeywordLocation))
    }

    func testInvalidSchemasAreRejectedAtCompile() {
        let cases: [(String, JSONSchemaError.Code)] = [
            (#"{"type": 1}"#, .invalidSchema),
            (#"{"type": "strin"}"#, .invalidSchema),
            (#"{"minLength": -1}"#, .invalidSchema),
            (#"{"required": "a"}"#, .invalidSchema),
            (#"{"allOf": []}"#, .invalidSchema),
            (#"{"pattern": "(unclosed"}"#, .invalidPattern),
            (##"{"$ref": "#/$defs/missing"}"##, .unresolvedReference),
            (#"{"$ref": "http://example.com/nowhere.json"}"#, .unresolvedReference),
            ("[]", .invalidSchema),
        ]
        for (text, code) in cases {
            for checked in [true, false] {
                var options = Schema.Options()
                options.checkAgainstMetaSchema = checked
                XCTAssertThrowsError(try schema(text, options: options), text) { error in
                    let e = error as? JSONSchemaError
                    // The meta-schema check may catch a bad keyword first; either way it is invalid.
                    XCTAssertTrue(e?.code == code || (checked && e?.code == .invalidSchema), "\(text): \(error)")
                    XCTAssertFalse(e?.message.isEmpty ?? true)
                }
            }
        }
    }

    func testMetaSchemaIsAvailableAndChecksSchemas() throws {
        XCTAssertNotNil(MetaSchemas.draft2020_12, "the built-in 2020-12 meta-schema compiles")
        XCTAssertEqual(MetaSchemas.documents.count, 9)
        // A bad $anchor is only caught by the meta-schema (its pattern), not by the compiler.
        XCTAssertThrowsError(try schema(#"{"$anchor": "1-not-a-name"}"#)) { error in
            XCTAssertEqual((error as? JSONSchemaError)?.code, .invalidSchema)
        }
        var unchecked = Schema.Options()
        unchecked.checkAgainstMetaSchema = false
        XCTAssertNoThrow(try schema(#"{"$anchor": "1-not-a-name"}"#, options: unchecked))
    }

    func testSchemaDepthLimit() throws {
        var text = "true"
        for _ in 0..<40 { text = #"{"items": "# + text + "}" }
        var options = Schema.Options()
        options.maxSchemaDepth = 30
        XCTAssertThrowsError(try schema(text, options: options)) { error in
            XCTAssertEqual((error as? JSONSchemaError)?.code, .limitExceeded)
        }
        options.maxSchemaDepth = 64
        XCTAssertNoThrow(try schema(text, options: options))
    }

    func testEvaluationDepthStopsRefCycles() throws {
        let s = try schema(##"{"$ref": "#"}"##)
        let r = s.validate(.integer(1))
        XCTAssertFalse(r.isValid)
        XCTAssertTrue(r.errors[0].message.contains("deeper than"))
        let nested = try schema(##"{"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}"##)
        var deep: JSONValue = []
        for _ in 0..<100 { deep = [deep] }
        XCTAssertTrue(nested.isValid(deep))
        for _ in 0..<300 { deep = [deep] }
        XCTAssertFalse(nested.isValid(deep))
    }

    func testRegistryResolvesRemoteSchemasWithoutNetwork() throws {
        var registry = SchemaRegistry()
        try registry.add(try json(#"{"$defs": {"id": {"type": "string", "pattern": "^t-"}}}"#),
                         uri: "https://schemas.example/common.json")
        XCTAssertTrue(registry.contains(uri: "https://schemas.example/common.json#"))
        let s = try schema(#"{"$ref": "https://schemas.example/common.json#/$defs/id"}"#, registry: registry)
        XCTAssertTrue(s.isValid("t-1"))
        XCTAssertFalse(s.isValid("x-1"))
        let r = s.validate("x-1")
        XCTAssertEqual(r.errors.first?.absoluteKeywordLocation, "https://schemas.example/common.json#/$defs/id/pattern")
    }

    func testFormatIsAnAnnotationUnlessAsserted() throws {
        let text = #"{"format": "date-time"}"#
        XCTAssertTrue(try schema(text).isValid("not a date"))
        var options = Schema.Options()
        options.assertFormats = true
        let asserting = try schema(text, options: options)
        XCTAssertFalse(asserting.isValid("not a date"))
        XCTAssertTrue(asserting.isValid("2026-11-29T12:00:00Z"))
        for (format, good, bad) in [("date", "2024-02-29", "2023-02-29"), ("time", "23:59:60Z", "23:59:60+01:00"),
                                    ("email", "a.b@example.com", "a..b@example.com"), ("hostname", "a-b.example", "-a.example"),
                                    ("ipv4", "192.168.0.1", "192.168.0.01"), ("ipv6", "::ffff:1.2.3.4", "1::2::3"),
                                    ("uri", "https://x.example/a?b#c", "//x.example"), ("uuid", "3f1c2a9e-7b4d-4c21-9a6f-0e5d8b7c6a41", "3f1c2a9e"),
                                    ("duration", "P1Y2M3DT4H", "P1Y2H")] {
            let s = try schema(#"{"format": "\#(format)"}"#, options: options)
            XCTAssertTrue(s.isValid(.string(good)), "\(format) \(good)")
            XCTAssertFalse(s.isValid(.string(bad)), "\(format) \(bad)")
        }
    }

    func testDraft07ItemsArrayAndRefOverride() throws {
        let s = try schema(##"""
        {"$schema": "http://json-schema.org/draft-07/schema#",
         "definitions": {"s": {"type": "string"}},
         "items": [{"$ref": "#/definitions/s", "type": "integer"}], "additionalItems": false}
        """##)
        XCTAssertTrue(s.isValid(["x"]))      // $ref hides the sibling "type" in draft-07
        XCTAssertFalse(s.isValid(["x", 1]))  // additionalItems: false
    }

    func testSchemaIsSharedAcrossThreads() throws {
        let s = try schema(#"{"type": "object", "properties": {"n": {"type": "integer", "maximum": 100}}}"#)
        let good = try json(#"{"n": 5}"#), bad = try json(#"{"n": 500}"#)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for _ in 0..<200 {
                XCTAssertTrue(s.validate(good).isValid)
                XCTAssertEqual(s.validate(bad).errors.count, 1, "thread \(i)")
            }
        }
    }
}
