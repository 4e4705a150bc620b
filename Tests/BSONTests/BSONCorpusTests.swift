import BSON
import Foundation
import XCTest

/// Runs every case of the official BSON corpus (Fixtures/bson-corpus), enumerated from the files,
/// with the assertions of bson-corpus.md for a codec with a native representation:
///
///   cB:  bytes(native(cB)) == cB, canonicalEJ(native(cB)) == cEJ, relaxedEJ(native(cB)) == rEJ
///   cEJ: canonicalEJ(native(cEJ)) == cEJ, bytes(native(cEJ)) == cB unless lossy
///   dB:  bytes(native(dB)) == cB (re-encoded through the value model), canonicalEJ(native(dB)) == cEJ
///   dEJ: canonicalEJ(native(dEJ)) == cEJ, bytes(native(dEJ)) == cB unless lossy
///   rEJ: relaxedEJ(native(rEJ)) == rEJ
///   converted_bson/converted_extjson (deprecated types): each side reads and writes the other
///   decodeErrors: reading the bytes throws
///   parseErrors: 0x00/0x05 Extended JSON parsing throws (and plain JSON parsing succeeds);
///                0x13 Decimal128(string) throws
///
/// "bytes(native(x))" re-encodes by walking every value, twice: through `canonicalized()` and through
/// a fully materialised `BSONTree`, so it exercises the decoders and encoders, not just the stored bytes.
final class BSONCorpusTests: XCTestCase {
    /// The only place exclusions are listed: "file.json: description" -> reason. Empty: every case runs.
    static let exclusions: [String: String] = [:]

    struct Tally {
        var ran = 0, passed = 0, excluded = 0
        var failures: [String] = []
    }

    func testCorpus() throws {
        let dir = Fixtures.bsonCorpus
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(files.count, 31, "expected the 31 corpus files in \(dir.path)")
        var tally = Tally()
        var perKind: [String: Int] = [:]
        for file in files {
            let data = try Data(contentsOf: dir.appendingPathComponent(file))
            let suite = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let bsonType = suite["bson_type"] as? String ?? "?"
            for case let c as [String: Any] in suite["valid"] as? [Any] ?? [] {
                perKind["valid", default: 0] += 1
                run(file, c, &tally) { try self.checkValid(c) }
            }
            for case let c as [String: Any] in suite["decodeErrors"] as? [Any] ?? [] {
                perKind["decodeErrors", default: 0] += 1
                run(file, c, &tally) { try self.checkDecodeError(c) }
            }
            for case let c as [String: Any] in suite["parseErrors"] as? [Any] ?? [] {
                perKind["parseErrors", default: 0] += 1
                run(file, c, &tally) { try self.checkParseError(c, bsonType: bsonType) }
            }
        }
        let summary = "BSON corpus: \(tally.ran) cases ran, \(tally.passed) passed, \(tally.failures.count) failed, "
            + "\(tally.excluded) excluded (valid \(perKind["valid"] ?? 0), decodeErrors \(perKind["decodeErrors"] ?? 0), "
            + "parseErrors \(perKind["parseErrors"] ?? 0))"
        print(summary)
        for f in tally.failures.prefix(60) { print("  FAIL \(f)") }
        for (name, reason) in Self.exclusions.sorted(by: { $0.key < $1.key }) { print("  EXCLUDED \(name): \(reason)") }
        XCTAssertEqual(tally.failures.count, 0, summary)
        XCTAssertEqual(tally.ran + tally.excluded, 983, "the corpus README counts 728 valid + 75 decodeErrors + 180 parseErrors")
    }

    private func run(_ file: String, _ c: [String: Any], _ tally: inout Tally, _ body: () throws -> Void) {
        let name = "\(file): \(c["description"] as? String ?? "?")"
        if Self.exclusions[name] != nil {
            tally.excluded += 1
            return
        }
        tally.ran += 1
        do {
            try body()
            tally.passed += 1
        } catch {
            tally.failures.append("\(name): \(error)")
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    // MARK: valid

    private func checkValid(_ c: [String: Any]) throws {
        let cB = try bytes(c["canonical_bson"])
        let cEJ = try XCTUnwrap(c["canonical_extjson"] as? String)
        let lossy = c["lossy"] as? Bool ?? false
        let rEJ = c["relaxed_extjson"] as? String

        // cB
        let fromCB = try BSONDocument(bytes: cB)
        try expectBytes(try fromCB.canonicalized(), cB, "cB -> native -> bytes")
        try expectBytes(try BSONTree(fromCB).encode(), cB, "cB -> tree -> bytes")
        try expectJSON(ExtendedJSON.string(from: fromCB, mode: .canonical), cEJ, "cB -> canonical EJ")
        if let rEJ { try expectJSON(ExtendedJSON.string(from: fromCB, mode: .relaxed), rEJ, "cB -> relaxed EJ") }

        // cEJ
        let fromCEJ = try ExtendedJSON.document(from: cEJ)
        try expectJSON(ExtendedJSON.string(from: fromCEJ, mode: .canonical), cEJ, "cEJ -> native -> canonical EJ")
        if !lossy { try expectBytes(fromCEJ, cB, "cEJ -> bytes") }

        // dB
        if let dBText = c["degenerate_bson"] {
            let fromDB = try BSONDocument(bytes: try bytes(dBText))
            try expectBytes(try fromDB.canonicalized(), cB, "dB -> native -> bytes")
            try expectBytes(try BSONTree(fromDB).encode(), cB, "dB -> tree -> bytes")
            try expectJSON(ExtendedJSON.string(from: fromDB, mode: .canonical), cEJ, "dB -> canonical EJ")
            if let rEJ { try expectJSON(ExtendedJSON.string(from: fromDB, mode: .relaxed), rEJ, "dB -> relaxed EJ") }
        }

        // dEJ
        if let dEJ = c["degenerate_extjson"] as? String {
            let fromDEJ = try ExtendedJSON.document(from: dEJ)
            try expectJSON(ExtendedJSON.string(from: fromDEJ, mode: .canonical), cEJ, "dEJ -> canonical EJ")
            if !lossy { try expectBytes(fromDEJ, cB, "dEJ -> bytes") }
        }

        // rEJ
        if let rEJ {
            let fromREJ = try ExtendedJSON.document(from: rEJ)
            try expectJSON(ExtendedJSON.string(from: fromREJ, mode: .relaxed), rEJ, "rEJ -> native -> relaxed EJ")
        }

        // converted forms of deprecated types: each is ordinary BSON/EJ of the other.
        if let convB = c["converted_bson"], let convEJ = c["converted_extjson"] as? String {
            let fromConvB = try BSONDocument(bytes: try bytes(convB))
            try expectJSON(ExtendedJSON.string(from: fromConvB, mode: .canonical), convEJ, "converted_bson -> canonical EJ")
            try expectBytes(try ExtendedJSON.document(from: convEJ), try bytes(convB), "converted_extjson -> bytes")
        }
    }

    // MARK: errors

    private func checkDecodeError(_ c: [String: Any]) throws {
        let b = try bytes(c["bson"])
        do {
            let doc = try BSONDocument(bytes: b)
            throw Mismatch("decoded without error: \(ExtendedJSON.string(from: doc, mode: .canonical))")
        } catch let error as BSONError {
            // A clear, typed error: a code and a message.
            if error.message.isEmpty { throw Mismatch("error without a message") }
        }
    }

    private func checkParseError(_ c: [String: Any], bsonType: String) throws {
        let text = try XCTUnwrap(c["string"] as? String)
        switch bsonType {
        case "0x00", "0x05":
            // The input must be valid JSON, so the failure is an Extended JSON one.
            _ = try JSONParser().parse(text)
            do {
                let doc = try ExtendedJSON.document(from: text)
                throw Mismatch("parsed without error: \(ExtendedJSON.string(from: doc, mode: .canonical))")
            } catch let error as BSONError {
                if error.code == .invalidJSON { throw Mismatch("failed as plain JSON, not as Extended JSON: \(error)") }
            }
        case "0x13":
            do {
                let d = try Decimal128(text)
                throw Mismatch("parsed as Decimal128 \(d)")
            } catch let error as BSONError {
                if error.code != .invalidDecimal128 { throw Mismatch("unexpected error \(error)") }
            }
        default:
            throw Mismatch("no parseErrors rule for bson_type \(bsonType)")
        }
    }

    // MARK: helpers

    private func bytes(_ any: Any?) throws -> [UInt8] {
        guard let text = any as? String, let b = hexBytes(text) else { throw Mismatch("bad hex in fixture") }
        return b
    }

    private func expectBytes(_ doc: BSONDocument, _ expected: [UInt8], _ what: String) throws {
        let got = Array(doc.bytes)
        if got != expected { throw Mismatch("\(what): got \(hexString(got)), want \(hexString(expected))") }
    }

    /// JSON equality after parsing both sides: whitespace and escapes are normalised, key order and
    /// number text are not.
    private func expectJSON(_ got: String, _ expected: String, _ what: String) throws {
        let a = try JSONParser().parse(got)
        let b = try JSONParser().parse(expected)
        if a != b { throw Mismatch("\(what): got \(got), want \(b.jsonText)") }
    }
}
