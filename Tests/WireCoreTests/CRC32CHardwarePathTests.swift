import WireCore
import XCTest

/// The CPU instruction path and the portable table path must agree on every length and alignment.
final class CRC32CHardwarePathTests: XCTestCase {
    func testHardwareAndTablePathsAgree() {
        print("CRC32C uses the CPU instruction: \(CRC32C.usesHardware)")
        var generator = SystemRandomNumberGenerator()
        let buffer = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var checked = 0
        buffer.withUnsafeBytes { all in
            for offset in 0..<8 {
                for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 1000, 4096, 4991] where offset + length <= all.count {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<offset + length])
                    var fast = CRC32C()
                    fast.update(slice)
                    var table = CRC32C()
                    table.updateWithoutHardware(slice)
                    XCTAssertEqual(fast.value, table.value, "offset \(offset) length \(length)")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 120)
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }
}
