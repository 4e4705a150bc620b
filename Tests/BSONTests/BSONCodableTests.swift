import BSON
import Foundation
import XCTest

final class BSONCodableTests: XCTestCase {
    enum Color: String, Codable, Equatable { case red, green }
    enum Level: Int, Codable, Equatable { case low = 1, high = 2 }

    struct Address: Codable, Equatable {
        var street: String
        var zip: Int32
    }

    struct Person: Codable, Equatable {
        var id: ObjectId
        var name: String
        var age: Int
        var big: Int64
        var small: Int8
        var ratio: Double
        var flag: Bool
        var born: Date
        var uuid: UUID
        var blob: Data
        var price: Decimal128
        var nickname: String?
        var missing: String?
        var color: Color
        var level: Level
        var address: Address
        var tags: [String]
        var scores: [Int]
        var history: [Address]
        var attributes: [String: Int]
        var raw: BSONBinary
        var stamp: BSONTimestamp
        var extra: BSONDocument
        var any: BSONValue
    }

    func sample() throws -> Person {
        Person(id: ObjectId(hex: "57e193d7a9cc81b4027498b5")!, name: "Ada", age: 36, big: 1 << 40, small: -3, ratio: 0.25,
               flag: true, born: Date(timeIntervalSince1970: 1_356_351_330.501),
               uuid: UUID(uuidString: "73FFD264-44B3-4C69-90E8-E7D1DFC035D4")!, blob: Data([1, 2, 3]),
               price: try Decimal128("12.34"), nickname: "ada", missing: nil, color: .green, level: .high,
               address: Address(street: "Main", zip: 12345), tags: ["a", "b"], scores: [1, 1 << 33],
               history: [Address(street: "Old", zip: 1)], attributes: ["x": 1],
               raw: BSONBinary(subtype: .userDefined, bytes: [9, 9]), stamp: BSONTimestamp(seconds: 42, increment: 1),
               extra: try BSONDocument(["k": "v"]), any: .int64(7))
    }

    func testRoundTripEveryMappedType() throws {
        let person = try sample()
        let doc = try BSONEncoder().encode(person)
        let back = try BSONDecoder().decode(Person.self, from: doc)
        XCTAssertEqual(back, person)
    }

    func testWireTypesOfEncodedFields() throws {
        let doc = try BSONEncoder().encode(try sample())
        XCTAssertEqual(doc["id"]?.type, .objectId)
        XCTAssertEqual(doc["age"], .int32(36), "Int that fits is int32")
        XCTAssertEqual(doc["big"], .int64(1 << 40))
        XCTAssertEqual(doc["born"], .datetime(BSONDateTime(millisecondsSinceEpoch: 1_356_351_330_501)))
        XCTAssertEqual(doc["uuid"]?.binaryValue?.subtype, .uuid)
        XCTAssertEqual(doc["blob"]?.binaryValue?.bytes, [1, 2, 3])
        XCTAssertEqual(doc["blob"]?.binaryValue?.subtype, .generic)
        XCTAssertEqual(doc["price"], .decimal128(try Decimal128("12.34")))
        XCTAssertNil(doc["missing"], "nil optionals are left out")
        XCTAssertEqual(doc["color"], .string("green"))
        XCTAssertEqual(doc["level"], .int32(2))
        XCTAssertEqual(doc["address"]?.documentValue?["zip"], .int32(12345))
        XCTAssertEqual(doc["scores"]?.arrayValue?.values, [.int32(1), .int64(1 << 33)])
        XCTAssertEqual(doc["stamp"], .timestamp(BSONTimestamp(seconds: 42, increment: 1)))
        XCTAssertEqual(doc.keys.first, "id", "fields keep declaration order")
        // The encoder's bytes pass full validation.
        XCTAssertNoThrow(try BSONDocument(bytes: doc.byteArray))
    }

    func testDecodeAcceptsOtherNumericWidthsWhenExact() throws {
        struct N: Codable { var a: Int; var b: Double; var c: Int32 }
        let doc = try BSONDocument(["a": .double(3.0), "b": .int32(2), "c": .int64(5)])
        let n = try BSONDecoder().decode(N.self, from: doc)
        XCTAssertEqual(n.a, 3); XCTAssertEqual(n.b, 2); XCTAssertEqual(n.c, 5)
        let bad = try BSONDocument(["a": .double(3.5), "b": .int32(2), "c": .int64(5)])
        XCTAssertThrowsError(try BSONDecoder().decode(N.self, from: bad))
        let overflow = try BSONDocument(["a": .int32(1), "b": .int32(2), "c": .int64(1 << 40)])
        XCTAssertThrowsError(try BSONDecoder().decode(N.self, from: overflow)) { error in
            XCTAssertEqual((error as? BSONError)?.code, .typeMismatch)
        }
    }

    func testMissingKeyAndWrongTypeAreTypedErrors() throws {
        struct A: Codable { var x: Int; var y: String }
        XCTAssertThrowsError(try BSONDecoder().decode(A.self, from: try BSONDocument(["x": 1]))) { error in
            let e = error as? BSONError
            XCTAssertEqual(e?.code, .typeMismatch)
            XCTAssertTrue(e?.message.contains("y") ?? false, "\(String(describing: e))")
            XCTAssertEqual(e?.isRetriable, false)
        }
        XCTAssertThrowsError(try BSONDecoder().decode(A.self, from: try BSONDocument(["x": "1", "y": "s"])))
    }

    func testFieldsInAnyOrderAndDuplicatesFirstWins() throws {
        struct A: Codable, Equatable { var a: Int; var b: Int; var c: Int }
        let doc = try BSONDocument(["c": 3, "a": 1, "b": 2])
        XCTAssertEqual(try BSONDecoder().decode(A.self, from: doc), A(a: 1, b: 2, c: 3))
    }

    func testTopLevelMustBeADocument() {
        XCTAssertThrowsError(try BSONEncoder().encode(5)) { error in
            XCTAssertEqual((error as? BSONError)?.code, .unsupported)
        }
        XCTAssertThrowsError(try BSONEncoder().encode([1, 2]))
    }

    func testNestedContainersOutOfOrderAreRejected() throws {
        struct Weird: Encodable {
            enum K: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var top = encoder.container(keyedBy: K.self)
                var a = top.nestedContainer(keyedBy: K.self, forKey: .a)
                try a.encode(1, forKey: .a)
                try top.encode(2, forKey: .b)
                try a.encode(3, forKey: .c)   // a was closed when top moved on
            }
        }
        XCTAssertThrowsError(try BSONEncoder().encode(Weird())) { error in
            XCTAssertEqual((error as? BSONError)?.code, .unsupported)
        }
    }

    func testNestedContainersInOrderWork() throws {
        struct Manual: Codable, Equatable {
            var x: Int; var list: [Int]; var inner: Int
            enum K: String, CodingKey { case x, list, meta }
            enum M: String, CodingKey { case inner }
            init(x: Int, list: [Int], inner: Int) { self.x = x; self.list = list; self.inner = inner }
            func encode(to encoder: any Encoder) throws {
                var top = encoder.container(keyedBy: K.self)
                try top.encode(x, forKey: .x)
                var l = top.nestedUnkeyedContainer(forKey: .list)
                for v in list { try l.encode(v) }
                var m = top.nestedContainer(keyedBy: M.self, forKey: .meta)
                try m.encode(inner, forKey: .inner)
            }
            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: K.self)
                x = try top.decode(Int.self, forKey: .x)
                var l = try top.nestedUnkeyedContainer(forKey: .list)
                var out: [Int] = []
                while !l.isAtEnd { out.append(try l.decode(Int.self)) }
                list = out
                inner = try top.nestedContainer(keyedBy: M.self, forKey: .meta).decode(Int.self, forKey: .inner)
            }
        }
        let value = Manual(x: 1, list: Array(0..<15), inner: 9)
        let doc = try BSONEncoder().encode(value)
        XCTAssertEqual(ExtendedJSON.string(from: doc, mode: .relaxed),
                       #"{"x":1,"list":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14],"meta":{"inner":9}}"#)
        XCTAssertEqual(try BSONDecoder().decode(Manual.self, from: doc), value)
    }

    func testClassInheritanceThroughSuperEncoder() throws {
        class Base: Codable { var a = 1 }
        final class Derived: Base {
            var b = 2
            enum K: String, CodingKey { case b }
            override init() { super.init() }
            required init(from decoder: any Decoder) throws {
                b = try decoder.container(keyedBy: K.self).decode(Int.self, forKey: .b)
                try super.init(from: decoder)
            }
            override func encode(to encoder: any Encoder) throws {
                try super.encode(to: encoder)
                var c = encoder.container(keyedBy: K.self)
                try c.encode(b, forKey: .b)
            }
        }
        let doc = try BSONEncoder().encode(Derived())
        XCTAssertEqual(ExtendedJSON.string(from: doc, mode: .relaxed), #"{"a":1,"b":2}"#)
        let back = try BSONDecoder().decode(Derived.self, from: doc)
        XCTAssertEqual(back.a, 1); XCTAssertEqual(back.b, 2)
    }

    func testDecodedBinaryAliasesTheDocumentBuffer() throws {
        struct B: Codable { var blob: BSONBinary }
        var builder = BSONDocumentBuilder()
        builder.append("blob", .binary(BSONBinary(bytes: Array(repeating: 7, count: 1000))))
        let doc = try builder.build()
        let b = try BSONDecoder().decode(B.self, from: doc)
        XCTAssertEqual(b.blob.data.count, 1000)
        XCTAssertTrue(b.blob.data.allSatisfy { $0 == 7 })
    }
}
