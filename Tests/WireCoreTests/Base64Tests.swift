import WireCore
import XCTest

final class Base64Tests: XCTestCase {
    /// RFC 4648 §10 test vectors, both ways.
    func testRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
        }
        XCTAssertEqual(Base64.encode([0xFF, 0xFE, 0xFD, 0x00]), "//79AA==")
    }

    func testMalformedInputIsRefused() {
        for bad in ["Zg=", "Zg", "Z===", "Zm9v=", "Zg==Zg==", "Zm 9", "Zm9-", "=Zg="] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }

    func testRandomRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
        }
    }
}
