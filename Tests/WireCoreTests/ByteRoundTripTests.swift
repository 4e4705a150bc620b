import WireCore
import XCTest

/// ByteWriter then ByteReader gives back every value, for random values biased to the edges;
/// known encodings pin the byte layout so a writer and reader that agree on a wrong layout fail.
final class ByteRoundTripTests: XCTestCase {
    func testRandomSequencesRoundTrip() {
        let seed: UInt64 = 0x0B17_E5EE_D
        var rng = SeededGenerator(seed: seed)
        var valuesChecked = 0
        for round in 0..<2_000 {
            let values = (0..<Int.random(in: 1...12, using: &rng)).map { _ in WireValue.random(&rng) }
            var writer = ByteWriter()
            for v in values { v.write(to: &writer) }
            var reader = ByteReader(writer.bytes)
            for v in values {
                let back = v.readSameKind(from: &reader)
                XCTAssertEqual(back, v, "seed \(seed) round \(round)")
                valuesChecked += 1
            }
            XCTAssertNil(reader.error, "seed \(seed) round \(round)")
            XCTAssertTrue(reader.isAtEnd, "seed \(seed) round \(round)")
        }
        print("ByteWriter/ByteReader round trip: \(valuesChecked) values")
    }

    /// Every integer kind at its extremes, each on its own.
    func testExtremesOfEveryIntegerKind() {
        var values: [WireValue] = []
        for v: UInt8 in [0, 1, 0x7F, 0x80, .max] { values.append(.uint8(v)) }
        for v: Int8 in [.min, -1, 0, 1, .max] { values.append(.int8(v)) }
        for v: UInt16 in [0, 0xFF, 0x100, .max] { values += [.uint16BE(v), .uint16LE(v)] }
        for v: Int16 in [.min, -1, 0, 1, .max] { values += [.int16BE(v), .int16LE(v)] }
        for v: UInt32 in [0, 0xFF, 0x1_0000, .max] { values += [.uint32BE(v), .uint32LE(v), .uvarint32(v)] }
        for v: Int32 in [.min, -1, 0, 1, .max] { values += [.int32BE(v), .int32LE(v), .varint32(v)] }
        for v: UInt64 in [0, 0xFF, 1 << 32, .max] { values += [.uint64BE(v), .uint64LE(v), .uvarint64(v)] }
        for v: Int64 in [.min, -1, 0, 1, .max] { values += [.int64BE(v), .int64LE(v), .varint64(v)] }
        for b in WireValue.uvarintBoundaries {
            values.append(.uvarint64(b))
            if let b32 = UInt32(exactly: b) { values.append(.uvarint32(b32)) }
            if let s = Int64(exactly: b) { values += [.varint64(s), .varint64(-s)] }
            if let s = Int32(exactly: b) { values += [.varint32(s), .varint32(-s)] }
        }
        for d in [0.0, -0.0, 1.5, -.infinity, .infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude] {
            values += [.float64BE(d.bitPattern), .float64LE(d.bitPattern)]
        }
        values += [.int16PrefixedString(nil), .int16PrefixedString(""), .int32PrefixedBytes(nil), .int32PrefixedBytes([]),
                   .compactString(nil), .compactString(""), .compactBytes(nil), .compactBytes([]),
                   .int16PrefixedString(String(repeating: "x", count: Int(Int16.max))),
                   .compactString(String(repeating: "y", count: 200)), .compactBytes([UInt8](repeating: 7, count: 127))]
        for v in values {
            var writer = ByteWriter()
            v.write(to: &writer)
            var reader = ByteReader(writer.bytes)
            XCTAssertEqual(v.readSameKind(from: &reader), v)
            XCTAssertNil(reader.error, "\(v)")
            XCTAssertTrue(reader.isAtEnd, "\(v)")
        }
    }

    func testFixedWidthByteOrder() {
        var w = ByteWriter()
        w.writeUInt16BE(0x0102); w.writeUInt16LE(0x0102)
        w.writeUInt32BE(0x0102_0304); w.writeUInt32LE(0x0102_0304)
        w.writeUInt64BE(0x0102_0304_0506_0708); w.writeUInt64LE(0x0102_0304_0506_0708)
        w.writeInt32BE(-2); w.writeInt16LE(-2); w.writeInt8(-1); w.writeBool(true); w.writeBool(false)
        XCTAssertEqual(w.bytes, [0x01, 0x02, 0x02, 0x01,
                                 0x01, 0x02, 0x03, 0x04, 0x04, 0x03, 0x02, 0x01,
                                 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
                                 0xFF, 0xFF, 0xFF, 0xFE, 0xFE, 0xFF, 0xFF, 0x01, 0x00])
        // IEEE 754 binary64 of 1.0 is 0x3FF0000000000000.
        var f = ByteWriter()
        f.writeFloat64BE(1.0)
        f.writeFloat64LE(1.0)
        XCTAssertEqual(f.bytes, [0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        // Any non-zero byte reads as true.
        var r = ByteReader([0x02])
        XCTAssertTrue(r.readBool())
    }

    /// Unsigned LEB128 layout. Sources: the protobuf encoding guide (150 -> 96 01,
    /// https://protobuf.dev/programming-guides/encoding/) and the 7-bit group boundaries.
    func testUVarIntKnownEncodings() {
        let known: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (150, [0x96, 0x01]),
            (300, [0xAC, 0x02]), (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
            (2_097_151, [0xFF, 0xFF, 0x7F]), (2_097_152, [0x80, 0x80, 0x80, 0x01]),
            (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in known {
            var w = ByteWriter()
            w.writeUVarInt(value)
            XCTAssertEqual(w.bytes, bytes, "\(value)")
            XCTAssertEqual(ByteWriter.uvarIntSize(value), bytes.count, "\(value)")
            var r = ByteReader(bytes)
            XCTAssertEqual(r.readUVarInt64(), value)
            XCTAssertTrue(r.isAtEnd)
        }
        for b in WireValue.uvarintBoundaries {
            var w = ByteWriter()
            w.writeUVarInt(b)
            XCTAssertEqual(ByteWriter.uvarIntSize(b), w.count, "\(b)")
            let expected = b == 0 ? 1 : (64 - b.leadingZeroBitCount + 6) / 7
            XCTAssertEqual(w.count, expected, "\(b)")
        }
    }

    /// Zigzag pairs from the protobuf encoding guide (0->0, -1->1, 1->2, -2->3, 2147483647 ->
    /// 4294967294, -2147483648 -> 4294967295) and Kafka varint bytes.
    func testZigZagKnownPairs() {
        let pairs32: [(Int32, UInt32)] = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (.max, 0xFFFF_FFFE), (.min, 0xFFFF_FFFF)]
        for (signed, unsigned) in pairs32 {
            XCTAssertEqual(ZigZag.encode32(signed), unsigned, "\(signed)")
            XCTAssertEqual(ZigZag.decode32(unsigned), signed, "\(unsigned)")
        }
        let pairs64: [(Int64, UInt64)] = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4),
                                          (Int64(Int32.max), 0xFFFF_FFFE), (Int64(Int32.min), 0xFFFF_FFFF),
                                          (.max, .max - 1), (.min, .max)]
        for (signed, unsigned) in pairs64 {
            XCTAssertEqual(ZigZag.encode64(signed), unsigned, "\(signed)")
            XCTAssertEqual(ZigZag.decode64(unsigned), signed, "\(unsigned)")
        }
        var rng = SeededGenerator(seed: 0x2162A6)
        for _ in 0..<10_000 {
            let a = Int32.random(in: .min ... .max, using: &rng)
            XCTAssertEqual(ZigZag.decode32(ZigZag.encode32(a)), a)
            let b = Int64.random(in: .min ... .max, using: &rng)
            XCTAssertEqual(ZigZag.decode64(ZigZag.encode64(b)), b)
        }
        var w = ByteWriter()
        w.writeVarInt32(-1); w.writeVarInt32(1); w.writeVarInt32(-64); w.writeVarInt32(64); w.writeVarInt64(.min)
        XCTAssertEqual(w.bytes, [0x01, 0x02, 0x7F, 0x80, 0x01] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    func testPrefixedLayouts() {
        var w = ByteWriter()
        w.writeInt16PrefixedString("ab")
        w.writeInt16PrefixedString(nil)
        w.writeInt32PrefixedBytes([9])
        w.writeInt32PrefixedBytes(nil)
        w.writeCompactString("ab")
        w.writeCompactString(nil)
        w.writeCompactBytes([])
        XCTAssertEqual(w.bytes, [0x00, 0x02, 0x61, 0x62, 0xFF, 0xFF,
                                 0x00, 0x00, 0x00, 0x01, 0x09, 0xFF, 0xFF, 0xFF, 0xFF,
                                 0x03, 0x61, 0x62, 0x00, 0x01])
    }

    func testReserveAndPatch() {
        var w = ByteWriter()
        w.writeUInt8(0xAA)
        let at = w.reserve(4)
        let le = w.reserve(4)
        let u = w.reserve(4)
        XCTAssertEqual(at, 1)
        XCTAssertEqual(w.count, 13)
        w.patchInt32BE(-2, at: at)
        w.patchInt32LE(0x0102_0304, at: le)
        w.patchUInt32BE(0xDEAD_BEEF, at: u)
        XCTAssertEqual(w.bytes, [0xAA, 0xFF, 0xFF, 0xFF, 0xFE, 0x04, 0x03, 0x02, 0x01, 0xDE, 0xAD, 0xBE, 0xEF])
        w.removeAll()
        XCTAssertEqual(w.count, 0)
    }
}
