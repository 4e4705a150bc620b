import CZlib
import WireCore
import XCTest

/// CRC-32 (IEEE, as gzip uses) against known answers and against zlib's crc32().
final class CRC32Tests: XCTestCase {
    /// Known answers. Sources: the CRC catalogue entry CRC-32/ISO-HDLC check value
    /// (https://reveng.sourceforge.io/crc-catalogue/17plus.htm) for "123456789"; the others are
    /// widely quoted values, re-checked with Python's `zlib.crc32` when this table was written.
    static let knownAnswers: [(input: [UInt8], crc: UInt32, label: String)] = [
        (Array("123456789".utf8), 0xCBF4_3926, "check 123456789"),
        ([], 0x0000_0000, "empty"),
        (Array("a".utf8), 0xE8B7_BE43, "a"),
        (Array("abc".utf8), 0x3524_41C2, "abc"),
        (Array("The quick brown fox jumps over the lazy dog".utf8), 0x414F_A339, "quick brown fox"),
        ([UInt8](repeating: 0, count: 32), 0x190A_55AD, "32 zero bytes"),
    ]

    func testKnownAnswers() {
        for (input, crc, label) in Self.knownAnswers {
            XCTAssertEqual(CRC32.checksum(input), crc, label)
            XCTAssertEqual(CRC32.checksum(input.lazy.map { $0 }), crc, "\(label) via lazy collection")
        }
    }

    private func zlibCRC(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        let start = crc32(0, nil, 0)
        guard let base = buffer.baseAddress else { return UInt32(start) }
        return UInt32(crc32(start, base.assumingMemoryBound(to: Bytef.self), uInt(buffer.count)))
    }

    /// Random buffers of many sizes at offsets 0..7, so every tail length and alignment of the
    /// slicing-by-8 loop is met.
    func testMatchesZlibOnRandomBuffersAtEveryAlignment() {
        var rng = SeededGenerator(seed: 0x2_1ABC_DE32)
        let buffer = rng.bytes(70_000 + 8)
        var sizes = Array(0...100) + [127, 128, 129, 255, 256, 257, 511, 512, 1000, 4095, 4096, 4097, 65_535, 65_536, 70_000]
        for _ in 0..<40 { sizes.append(Int.random(in: 0...70_000, using: &rng)) }
        var checked = 0
        buffer.withUnsafeBytes { raw in
            for offset in 0..<8 {
                for size in sizes {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<offset + size])
                    var crc = CRC32()
                    crc.update(slice)
                    XCTAssertEqual(crc.value, zlibCRC(slice), "offset \(offset) size \(size)")
                    checked += 1
                }
            }
        }
        print("CRC32 compared with zlib crc32() on \(checked) buffers")
    }

    func testIncrementalEqualsOneShotAndZlib() {
        var rng = SeededGenerator(seed: 0x1_2345)
        for size in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 10_000] {
            let data = rng.bytes(size)
            let oneShot = CRC32.checksum(data)
            XCTAssertEqual(oneShot, data.withUnsafeBytes { zlibCRC($0) }, "size \(size)")
            for _ in 0..<10 {
                var crc = CRC32()
                var at = 0
                while at < size {
                    let piece = min(size - at, Int.random(in: 0...17, using: &rng))
                    crc.update(data[at..<at + piece])
                    at += piece
                }
                XCTAssertEqual(crc.value, oneShot, "size \(size)")
            }
        }
    }

    func testSlicingMatchesBitwiseReference() {
        var rng = SeededGenerator(seed: 77)
        let data = rng.bytes(300)
        data.withUnsafeBytes { raw in
            for size in 0...300 {
                let slice = UnsafeRawBufferPointer(rebasing: raw[0..<size])
                XCTAssertEqual(CRC32.checksum(Array(slice)), bitwiseCRC(slice, reflectedPolynomial: 0xEDB8_8320), "size \(size)")
            }
        }
    }
}
