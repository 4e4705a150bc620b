import WireCore
import XCTest

final class HexTests: XCTestCase {
    func testKnownEncodingIsLowercase() {
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode([0x00, 0xFF, 0x1A, 0xB0]), "00ff1ab0")
        XCTAssertEqual(Hex.decode("00ff1ab0"), [0x00, 0xFF, 0x1A, 0xB0])
        XCTAssertEqual(Hex.decode("00FF1AB0"), [0x00, 0xFF, 0x1A, 0xB0])
        XCTAssertEqual(Hex.decode("aBcD"), [0xAB, 0xCD])
        XCTAssertEqual(Hex.decode(""), [])
    }

    func testRoundTripOfRandomBytes() {
        var rng = SeededGenerator(seed: 0x4E_C5)
        for length in 0...300 {
            let bytes = rng.bytes(length)
            let text = Hex.encode(bytes)
            XCTAssertEqual(text.utf8.count, 2 * length)
            XCTAssertEqual(Hex.decode(text), bytes)
            XCTAssertEqual(Hex.decode(text.uppercased()), bytes)
        }
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(Hex.decode(Hex.encode(all)), all)
    }

    func testRejectsOddLengthAndNonHex() {
        for text in ["0", "abc", "0g", "g0", "zz", " 00", "00 ", "0x00", "-1", "+1", "é0", "٠٠", "0\u{0}", "ff:ff", "\u{FF10}\u{FF10}"] {
            XCTAssertNil(Hex.decode(text), "\(text.debugDescription) should be rejected")
        }
    }
}
