import Crypto
import XCTest
@_exported import TestRandom

/// Hex for test tables (spaces allowed); CryptoTests depends only on Crypto, so no WireCore.Hex.
func unhex(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
    guard digits.count % 2 == 0 else {
        XCTFail("odd-length hex in test data", file: file, line: line)
        return []
    }
    var out: [UInt8] = []
    var i = 0
    while i < digits.count {
        guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
            XCTFail("bad hex in test data: \(text)", file: file, line: line)
            return []
        }
        out.append(byte)
        i += 2
    }
    return out
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

