import BSON
import XCTest

final class BSONTreeTests: XCTestCase {
    func testMaterialiseEditAndEncode() throws {
        let doc = try ExtendedJSON.document(from: #"{"a": 1, "sub": {"b": [1, {"c": "x"}, [true]]}, "s": "text"}"#)
        var tree = BSONTree(doc)
        XCTAssertEqual(tree.fields.map(\.key), ["a", "sub", "s"])
        guard case .document(let sub)? = tree["sub"], case .array(let items)? = sub["b"] else {
            return XCTFail("expected materialised nodes")
        }
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[0], .value(.int32(1)))
        XCTAssertEqual(try tree.encode(), doc, "an unedited tree encodes to the same bytes")
        tree.append("added", .int64(5))
        tree.fields[0].value = .value(.string("one"))
        XCTAssertEqual(ExtendedJSON.string(from: try tree.encode(), mode: .relaxed),
                       #"{"a":"one","sub":{"b":[1,{"c":"x"}, [true]]},"s":"text","added":5}"#.replacingOccurrences(of: " ", with: ""))
    }

    func testValidatingReadMatchesDocumentReadAndRejectsBadInput() throws {
        let doc = try ExtendedJSON.document(from: #"{"k": [1, 2, {"d": {"$numberDecimal": "1.5"}}], "long": "a string longer than fifteen bytes"}"#)
        XCTAssertEqual(try BSONTree(bytes: doc.byteArray), BSONTree(doc))
        var bad = doc.byteArray
        bad[bad.count - 2] = 0x01   // break the inner terminator region
        XCTAssertThrowsError(try BSONTree(bytes: bad))
        XCTAssertThrowsError(try BSONTree(bytes: Array(doc.byteArray.dropLast()))) { error in
            XCTAssertEqual((error as? BSONError)?.code, .needMoreData)
        }
    }

    func testNulInKeyIsRefused() {
        var tree = BSONTree()
        tree.append("bad\0key", .int32(1))
        XCTAssertThrowsError(try tree.encode()) { error in
            XCTAssertEqual((error as? BSONError)?.code, .nulInCString)
        }
    }
}
