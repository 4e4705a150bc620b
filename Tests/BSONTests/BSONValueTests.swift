import BSON
import Foundation
import XCTest

final class BSONValueTests: XCTestCase {
    func testObjectIdGenerationIsUniqueAndCarriesTime() {
        let ids = (0..<1000).map { _ in ObjectId() }
        XCTAssertEqual(Set(ids).count, 1000)
        let now = UInt32(Date().timeIntervalSince1970)
        XCTAssertLessThanOrEqual(abs(Int64(ids[0].timestampSeconds) - Int64(now)), 5)
        XCTAssertEqual(ObjectId(hex: ids[0].hex), ids[0])
        XCTAssertNil(ObjectId(hex: "xyz"))
        XCTAssertNil(ObjectId(hex: "56e1fc72e0c917e9c47141"))
    }

    func testRelaxedDatesUseISOOnlyBetween1970And9999() throws {
        func relaxed(_ ms: Int64) throws -> String {
            ExtendedJSON.string(from: try BSONDocument(["d": .datetime(BSONDateTime(millisecondsSinceEpoch: ms))]), mode: .relaxed)
        }
        XCTAssertEqual(try relaxed(0), #"{"d":{"$date":"1970-01-01T00:00:00Z"}}"#)
        XCTAssertEqual(try relaxed(951_782_400_123), #"{"d":{"$date":"2000-02-29T00:00:00.123Z"}}"#)
        XCTAssertEqual(try relaxed(-1), #"{"d":{"$date":{"$numberLong":"-1"}}}"#)
        XCTAssertEqual(try relaxed(253_402_300_800_000), #"{"d":{"$date":{"$numberLong":"253402300800000"}}}"#)
        // Parsing ISO with offsets and fractions.
        let doc = try ExtendedJSON.document(from: #"{"d": {"$date": "2000-02-29T01:30:00.5-01:30"}}"#)
        XCTAssertEqual(doc["d"], .datetime(BSONDateTime(millisecondsSinceEpoch: 951_782_400_000 + 3 * 3_600_000 + 500)))
        XCTAssertThrowsError(try ExtendedJSON.document(from: #"{"d": {"$date": "2001-02-29T00:00:00Z"}}"#), "no Feb 29 in 2001")
    }

    func testIntValueAcrossNumericTypes() {
        XCTAssertEqual(BSONValue.int32(5).intValue, 5)
        XCTAssertEqual(BSONValue.int64(1 << 40).intValue, 1 << 40)
        XCTAssertEqual(BSONValue.double(3).intValue, 3)
        XCTAssertNil(BSONValue.double(3.5).intValue)
        XCTAssertNil(BSONValue.string("3").intValue)
        XCTAssertEqual(BSONValue.int(1 << 31), .int64(1 << 31))
        XCTAssertEqual(BSONValue.int(-(1 << 31)), .int32(Int32.min))
    }

    func testJSONParserLimitsAndErrors() {
        XCTAssertThrowsError(try JSONParser(maxDepth: 3).parse("[[[[1]]]]")) { error in
            XCTAssertEqual((error as? BSONError)?.code, .limitExceeded)
        }
        for bad in ["{", "[1,]", "01", "\"\\x\"", "{\"a\" 1}", "1 2", "\"\\ud800\""] {
            XCTAssertThrowsError(try JSONParser().parse(bad), bad)
        }
        XCTAssertEqual(try JSONParser().parse(#"{"b":1.50,"a":[true,null,"\u00e9\ud83d\ude00"]}"#).jsonText,
                       #"{"b":1.50,"a":[true,null,"é😀"]}"#)
    }
}
