import BSON
import Foundation
import XCTest

final class BSONDocumentTests: XCTestCase {
    func testBuilderProducesExpectedBytesAndLazyLookups() throws {
        var b = BSONDocumentBuilder()
        b.append("a", .int32(1))
        b.appendDocument("sub") { $0.append("x", "y") }
        b.appendArray("arr") { $0.append(.bool(true)); $0.append(.null) }
        let doc = try b.build()
        XCTAssertEqual(ExtendedJSON.string(from: doc, mode: .canonical),
                       #"{"a":{"$numberInt":"1"},"sub":{"x":"y"},"arr":[true,null]}"#)
        XCTAssertEqual(doc["sub"]?.documentValue?["x"], "y")
        XCTAssertEqual(doc["arr"]?.arrayValue?[1], .null)
        XCTAssertNil(doc["nope"])
        XCTAssertEqual(doc.count, 3)
        XCTAssertEqual(doc.keys, ["a", "sub", "arr"])
        // The builder's bytes validate.
        XCTAssertEqual(try BSONDocument(bytes: doc.byteArray), doc)
    }

    func testEmbeddedDocumentsShareBytesAndCanBeSentAsIs() throws {
        let inner = try BSONDocument(["q": .int32(5)])
        let outer = try BSONDocument(["find": "c", "filter": .document(inner)])
        let filter = try XCTUnwrap(outer["filter"]?.documentValue)
        XCTAssertEqual(Array(filter.bytes), inner.byteArray)
    }

    // bson-corpus.md prose test 1: NUL bytes are refused in keys and regex parts when encoding.
    func testNulBytesRefusedInKeysAndRegex() {
        func expectNul(_ body: () throws -> BSONDocument, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try body(), file: file, line: line) { error in
                XCTAssertEqual((error as? BSONError)?.code, .nulInCString, file: file, line: line)
            }
        }
        expectNul { try BSONDocument(["a\0b": 1]) }
        expectNul { var b = BSONDocumentBuilder(); b.appendDocument("x") { $0.append("c\0", 1) }; return try b.build() }
        expectNul { try BSONDocument(["r": .regex(BSONRegex(pattern: "a\0", options: "i"))]) }
        expectNul { try BSONDocument(["r": .regex(BSONRegex(pattern: "a", options: "i\0"))]) }
        struct K: Encodable { var v: [String: Int] }
        XCTAssertThrowsError(try BSONEncoder().encode(K(v: ["x\0": 1])))
    }

    func testSizeAndDepthLimits() throws {
        // Depth: 5 nested documents pass a limit of 5, fail a limit of 4.
        var bytes: [UInt8] = [5, 0, 0, 0, 0]
        for _ in 0..<4 {
            var b = BSONDocumentBuilder()
            b.append("d", .document(try BSONDocument(bytes: bytes, limits: BSONLimits(maxDepth: 10))))
            bytes = try b.build().byteArray
        }
        XCTAssertNoThrow(try BSONDocument(bytes: bytes, limits: BSONLimits(maxDepth: 5)))
        XCTAssertThrowsError(try BSONDocument(bytes: bytes, limits: BSONLimits(maxDepth: 4))) { error in
            XCTAssertEqual((error as? BSONError)?.code, .limitExceeded)
        }
        // Size.
        XCTAssertThrowsError(try BSONDocument(bytes: bytes, limits: BSONLimits(maxDocumentSize: 10))) { error in
            XCTAssertEqual((error as? BSONError)?.code, .limitExceeded)
        }
        var big = BSONDocumentBuilder()
        big.append("s", .string(String(repeating: "x", count: 100)))
        XCTAssertThrowsError(try big.build(limits: BSONLimits(maxDocumentSize: 50)))
        // A deep hostile input does not overflow the stack: 100k nested arrays, rejected by depth.
        var deep: [UInt8] = []
        let levels = 100_000
        var lengths: [Int] = []
        var size = 5
        for _ in 0..<levels { lengths.append(size); size += 8 }
        deep.reserveCapacity(size)
        func le(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        deep += le(size)
        for k in stride(from: levels - 1, through: 0, by: -1) { deep += [4, 0x61, 0] + le(lengths[k]) }
        deep += [0]
        deep += Array(repeating: 0, count: levels)
        XCTAssertThrowsError(try BSONDocument(bytes: deep, limits: BSONLimits(maxDocumentSize: 1 << 24))) { error in
            XCTAssertEqual((error as? BSONError)?.code, .limitExceeded)
        }
    }

    func testTruncatedInputIsRetriable() throws {
        let doc = try BSONDocument(["k": "value"])
        let cut = Array(doc.byteArray.dropLast(3))
        XCTAssertThrowsError(try BSONDocument(bytes: cut)) { error in
            XCTAssertEqual((error as? BSONError)?.code, .needMoreData)
            XCTAssertEqual((error as? BSONError)?.isRetriable, true)
        }
        XCTAssertNil(try BSONDocument.read(from: cut))
    }

    /// Codec rule: the same bytes fed whole, byte by byte and concatenated give the same documents.
    func testFramingWholeByteByByteAndConcatenated() throws {
        let dir = Fixtures.bsonCorpus
        var docs: [[UInt8]] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as? [String: Any]
            for case let c as [String: Any] in json?["valid"] as? [Any] ?? [] {
                if let hex = c["canonical_bson"] as? String, let b = hexBytes(hex) { docs.append(b) }
            }
        }
        XCTAssertGreaterThan(docs.count, 700)

        // Whole.
        for d in docs {
            let r = try XCTUnwrap(try BSONDocument.read(from: d))
            XCTAssertEqual(r.next, d.count)
            XCTAssertEqual(Array(r.document.bytes), d)
        }
        // Concatenated: read one after another.
        let all = docs.flatMap { $0 }
        var at = 0
        var got: [[UInt8]] = []
        while let r = try BSONDocument.read(from: all, at: at) {
            got.append(Array(r.document.bytes))
            at = r.next
        }
        XCTAssertEqual(at, all.count)
        XCTAssertEqual(got, docs)
        // Byte by byte (first 60 documents, to keep the test quick): nil until the last byte arrives.
        var buffer: [UInt8] = []
        var produced: [[UInt8]] = []
        let stream = docs.prefix(60).flatMap { $0 }
        var start = 0
        for byte in stream {
            buffer.append(byte)
            while let r = try BSONDocument.read(from: buffer, at: start) {
                produced.append(Array(r.document.bytes))
                start = r.next
            }
        }
        XCTAssertEqual(produced, Array(docs.prefix(60)))
    }

    func testExtendedJSONValueTypesAndRelaxedForms() throws {
        let doc = try ExtendedJSON.document(from: #"{"d": {"$date": "2012-12-24T12:15:30.501+01:00"}, "n": 1.5, "i": 3, "l": 3000000000, "u": {"$uuid": "73ffd264-44b3-4c69-90e8-e7d1dfc035d4"}, "r": {"$regex": "^a", "$options": "i"}, "b": {"$binary": "AQI=", "$type": "80"}}"#)
        XCTAssertEqual(doc["d"], .datetime(BSONDateTime(millisecondsSinceEpoch: 1_356_351_330_501 - 3_600_000)))
        XCTAssertEqual(doc["n"], .double(1.5))
        XCTAssertEqual(doc["i"], .int32(3))
        XCTAssertEqual(doc["l"], .int64(3_000_000_000))
        XCTAssertEqual(doc["u"]?.binaryValue?.uuid, UUID(uuidString: "73ffd264-44b3-4c69-90e8-e7d1dfc035d4"))
        XCTAssertEqual(doc["r"], .regex(BSONRegex(pattern: "^a", options: "i")))
        XCTAssertEqual(doc["b"]?.binaryValue, BSONBinary(subtype: .userDefined, bytes: [1, 2]))
        XCTAssertEqual(ExtendedJSON.formatDouble(1e-7), "1E-7")
        XCTAssertEqual(ExtendedJSON.formatDouble(1e16), "1E+16")
        XCTAssertEqual(ExtendedJSON.formatDouble(-0.0), "-0.0")
        XCTAssertEqual(Double(ExtendedJSON.formatDouble(0.1 + 0.2)), 0.1 + 0.2)
    }

    func testDecimal128Conversions() throws {
        let cases: [(String, String)] = [("1.0", "1.0"), ("-0", "-0"), ("1E+3", "1E+3"), ("0.001", "0.001"),
                                         ("1E-7", "1E-7"), ("123456789012345678901234567890.1234", "123456789012345678901234567890.1234"),
                                         ("inf", "Infinity"), ("-Infinity", "-Infinity"), ("nan", "NaN")]
        for (input, output) in cases {
            XCTAssertEqual(try Decimal128(input).description, output, input)
        }
        XCTAssertThrowsError(try Decimal128("1.2.3"))
        XCTAssertThrowsError(try Decimal128("12345678901234567890123456789012345"), "35 significant digits need rounding")
    }
}
