import WireCore
import XCTest

final class JSONStringTests: XCTestCase {
    func testQuotesEscapesAndControlCharacters() {
        XCTAssertEqual(JSONString.quoted("plain"), "\"plain\"")
        XCTAssertEqual(JSONString.quoted("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"")
        XCTAssertEqual(JSONString.quoted("\u{01}\u{1F}"), "\"\\u0001\\u001f\"")
        XCTAssertEqual(JSONString.quoted("é 😀 /"), "\"é 😀 /\"")
    }
}
