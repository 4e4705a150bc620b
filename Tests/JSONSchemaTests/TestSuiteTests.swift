import Foundation
import XCTest
@testable import JSONSchema

/// Runs the official JSON-Schema-Test-Suite for draft 2020-12, case by case from the fixture files.
/// Cases we do not pass are listed, with a reason, in exclusions.json next to this file: the test
/// fails when a listed case passes, an unlisted case fails, or a listed case no longer exists.
final class TestSuiteTests: XCTestCase {
    struct Outcome {
        var ran = 0, passed = 0, excluded = 0, excludedFailing = 0
        var failures: [String] = []
    }

    static func loadRegistry() throws -> SchemaRegistry {
        var registry = SchemaRegistry()
        let remotes = Fixtures.suite.appendingPathComponent("remotes")
        for rel in Fixtures.jsonFiles(under: remotes) {
            let value = try JSONParser().parse(Fixtures.bytes(remotes.appendingPathComponent(rel)))
            let dialect: Dialect = rel.hasPrefix("draft2019-09/") ? .draft2019_09 : (rel.hasPrefix("draft7/") ? .draft7 : .draft2020_12)
            try registry.add(value, uri: "http://localhost:1234/" + rel, dialect: dialect)
        }
        return registry
    }

    static func loadExclusions() throws -> [String: [String: String]] {
        let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("exclusions.json")
        guard case .object(let top) = try JSONParser().parse(Fixtures.bytes(url)) else { return [:] }
        var out: [String: [String: String]] = [:]
        for section in top.members {
            guard case .object(let cases) = section.value else { continue }
            var map: [String: String] = [:]
            for c in cases.members { map[c.key] = c.value.stringValue ?? "" }
            out[section.key] = map
        }
        return out
    }

    /// Runs the files (relative to tests/draft2020-12) and checks them against the exclusions.
    func run(files: [String], exclusions: [String: String], assertFormats: Bool, registry: SchemaRegistry) throws -> Outcome {
        let dir = Fixtures.suite.appendingPathComponent("tests/draft2020-12")
        var out = Outcome()
        var seen = Set<String>()
        for file in files {
            guard case .array(let groups) = try JSONParser().parse(Fixtures.bytes(dir.appendingPathComponent(file))) else {
                XCTFail("\(file) is not an array"); continue
            }
            for group in groups {
                let groupName = group["description"]?.stringValue ?? "?"
                var options = Schema.Options()
                options.assertFormats = assertFormats
                var schema: Schema? = nil
                var compileError = ""
                do { schema = try Schema(group["schema"] ?? .null, registry: registry, options: options) } catch {
                    compileError = "\(error)"
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    let id = "\(file) | \(groupName) | \(test["description"]?.stringValue ?? "?")"
                    seen.insert(id)
                    out.ran += 1
                    let expected = test["valid"]?.boolValue ?? false
                    var ok = false
                    var detail = compileError
                    if let schema {
                        let data = test["data"] ?? .null
                        let result = schema.validate(data)
                        let quick = schema.isValid(data)
                        let first = schema.validate(data, mode: .firstError)
                        ok = result.isValid == expected && quick == expected && first.isValid == expected
                        if !ok { detail = "expected valid=\(expected), got all=\(result.isValid) quick=\(quick) first=\(first.isValid) \(result.errors.first?.message ?? "")" }
                    }
                    if let schema, ok {
                        // The error list must agree with the verdict, in both modes.
                        let data = test["data"] ?? .null
                        let all = schema.validate(data), first = schema.validate(data, mode: .firstError)
                        if all.isValid != all.errors.isEmpty || first.isValid != first.errors.isEmpty {
                            ok = false
                            detail = "verdict and error list disagree"
                        }
                    }
                    if ok { out.passed += 1 }
                    if let reason = exclusions[id] {
                        out.excluded += 1
                        if ok { out.failures.append("EXCLUDED BUT PASSES: \(id) (reason was: \(reason))") } else { out.excludedFailing += 1 }
                    } else if !ok {
                        out.failures.append("FAILS: \(id): \(detail)")
                    }
                }
            }
        }
        for id in exclusions.keys where !seen.contains(id) { out.failures.append("EXCLUSION NAMES NO CASE: \(id)") }
        return out
    }

    func testRequiredDraft2020_12() throws {
        let dir = Fixtures.suite.appendingPathComponent("tests/draft2020-12")
        let files = Fixtures.jsonFiles(under: dir).filter { !$0.hasPrefix("optional/") }
        XCTAssertFalse(files.isEmpty, "no suite files under \(dir.path)")
        let out = try run(files: files, exclusions: try Self.loadExclusions()["required"] ?? [:], assertFormats: false,
                          registry: try Self.loadRegistry())
        print("JSON-Schema-Test-Suite draft2020-12 required: ran \(out.ran), passed \(out.passed), excluded \(out.excluded)")
        for f in out.failures { print(f) }
        XCTAssertTrue(out.failures.isEmpty, "\(out.failures.count) unexpected outcomes (see output)")
        XCTAssertGreaterThanOrEqual(Double(out.passed) / Double(max(out.ran, 1)), 0.99, "pass rate under 99%")
        XCTAssertGreaterThan(out.ran, 1000)
    }

    func testOptionalDraft2020_12() throws {
        let dir = Fixtures.suite.appendingPathComponent("tests/draft2020-12")
        let all = Fixtures.jsonFiles(under: dir)
        let exclusions = try Self.loadExclusions()
        let registry = try Self.loadRegistry()
        let optional = all.filter { $0.hasPrefix("optional/") && !$0.hasPrefix("optional/format/") }
        let formats = all.filter { $0.hasPrefix("optional/format/") }
        let a = try run(files: optional, exclusions: exclusions["optional"] ?? [:], assertFormats: false, registry: registry)
        print("JSON-Schema-Test-Suite draft2020-12 optional: ran \(a.ran), passed \(a.passed), excluded \(a.excluded)")
        let b = try run(files: formats, exclusions: exclusions["optional/format"] ?? [:], assertFormats: true, registry: registry)
        print("JSON-Schema-Test-Suite draft2020-12 optional/format (format assertion on): ran \(b.ran), passed \(b.passed), excluded \(b.excluded)")
        for f in a.failures + b.failures { print(f) }
        XCTAssertTrue(a.failures.isEmpty && b.failures.isEmpty, "\(a.failures.count + b.failures.count) unexpected outcomes (see output)")
        XCTAssertGreaterThan(a.ran, 100)
        XCTAssertGreaterThan(b.ran, 300)
    }
}
