import WireCore
import XCTest

/// ByteReader on short, empty and hostile input: no read traps, the first failure sticks, and
/// every read after it returns a zero value.
final class ByteReaderHostileInputTests: XCTestCase {
    /// One read of each kind; `isZero` tells whether it returned the kind's zero value
    /// (0, false, empty, nil). `minimum` is the fewest bytes a successful read consumes.
    struct Read: Sendable {
        let name: String
        let minimum: Int
        let isZero: @Sendable (inout ByteReader) -> Bool
    }

    static let reads: [Read] = [
        Read(name: "readUInt8", minimum: 1) { $0.readUInt8() == 0 },
        Read(name: "readInt8", minimum: 1) { $0.readInt8() == 0 },
        Read(name: "readBool", minimum: 1) { $0.readBool() == false },
        Read(name: "readUInt16BE", minimum: 2) { $0.readUInt16BE() == 0 },
        Read(name: "readUInt32BE", minimum: 4) { $0.readUInt32BE() == 0 },
        Read(name: "readUInt64BE", minimum: 8) { $0.readUInt64BE() == 0 },
        Read(name: "readInt16BE", minimum: 2) { $0.readInt16BE() == 0 },
        Read(name: "readInt32BE", minimum: 4) { $0.readInt32BE() == 0 },
        Read(name: "readInt64BE", minimum: 8) { $0.readInt64BE() == 0 },
        Read(name: "readUInt16LE", minimum: 2) { $0.readUInt16LE() == 0 },
        Read(name: "readUInt32LE", minimum: 4) { $0.readUInt32LE() == 0 },
        Read(name: "readUInt64LE", minimum: 8) { $0.readUInt64LE() == 0 },
        Read(name: "readInt16LE", minimum: 2) { $0.readInt16LE() == 0 },
        Read(name: "readInt32LE", minimum: 4) { $0.readInt32LE() == 0 },
        Read(name: "readInt64LE", minimum: 8) { $0.readInt64LE() == 0 },
        Read(name: "readFloat64BE", minimum: 8) { $0.readFloat64BE().bitPattern == 0 },
        Read(name: "readFloat64LE", minimum: 8) { $0.readFloat64LE().bitPattern == 0 },
        Read(name: "readUVarInt32", minimum: 1) { $0.readUVarInt32() == 0 },
        Read(name: "readUVarInt64", minimum: 1) { $0.readUVarInt64() == 0 },
        Read(name: "readVarInt32", minimum: 1) { $0.readVarInt32() == 0 },
        Read(name: "readVarInt64", minimum: 1) { $0.readVarInt64() == 0 },
        Read(name: "readBytes(3)", minimum: 3) { $0.readBytes(3).isEmpty },
        Read(name: "readRange(3)", minimum: 3) { $0.readRange(3).isEmpty },
        Read(name: "readString(3)", minimum: 3) { $0.readString(3).isEmpty },
        Read(name: "readInt16PrefixedString", minimum: 2) { $0.readInt16PrefixedString() == nil },
        Read(name: "readInt32PrefixedBytes", minimum: 4) { $0.readInt32PrefixedBytes() == nil },
        Read(name: "readCompactString", minimum: 1) { $0.readCompactString() == nil },
        Read(name: "readCompactBytes", minimum: 1) { $0.readCompactBytes() == nil },
    ]

    func testEveryReadOnEmptyInputFailsWithNeedMoreData() {
        for read in Self.reads {
            var reader = ByteReader([])
            XCTAssertTrue(read.isZero(&reader), "\(read.name) returned a non-zero value")
            XCTAssertEqual(reader.error?.code, .needMoreData, read.name)
            XCTAssertEqual(reader.error?.isRetriable, true, read.name)
            XCTAssertEqual(reader.remaining, 0, read.name)
            XCTAssertThrowsError(try reader.check(), read.name)
        }
    }

    /// Input shorter than the read needs: fixed widths and prefixes cut inside, then varints
    /// and prefixed bodies cut short.
    func testEveryReadOnShortInputFailsWithNeedMoreData() {
        for read in Self.reads where read.minimum > 1 {
            for length in 1..<read.minimum {
                var reader = ByteReader([UInt8](repeating: 0x00, count: length))
                XCTAssertTrue(read.isZero(&reader), "\(read.name) on \(length) bytes")
                XCTAssertEqual(reader.error?.code, .needMoreData, "\(read.name) on \(length) bytes")
                XCTAssertEqual(reader.remaining, 0, "\(read.name) on \(length) bytes")
            }
        }
        // Varints cut short: every byte so far says "more follows".
        for length in 1...9 {
            let input = [UInt8](repeating: 0x80, count: length)
            var u64 = ByteReader(input)
            XCTAssertEqual(u64.readUVarInt64(), 0)
            XCTAssertEqual(u64.error?.code, .needMoreData, "uvarint64 cut after \(length)")
            var s64 = ByteReader(input)
            XCTAssertEqual(s64.readVarInt64(), 0)
            XCTAssertEqual(s64.error?.code, .needMoreData, "varint64 cut after \(length)")
            if length <= 4 {
                var u32 = ByteReader(input)
                XCTAssertEqual(u32.readUVarInt32(), 0)
                XCTAssertEqual(u32.error?.code, .needMoreData, "uvarint32 cut after \(length)")
                var s32 = ByteReader(input)
                XCTAssertEqual(s32.readVarInt32(), 0)
                XCTAssertEqual(s32.error?.code, .needMoreData, "varint32 cut after \(length)")
            }
        }
        // Prefixed values whose body is cut short.
        var string = ByteReader([0x00, 0x05, 0x61, 0x62])
        XCTAssertNil(string.readInt16PrefixedString())
        XCTAssertEqual(string.error?.code, .needMoreData)
        var bytes = ByteReader([0x00, 0x00, 0x00, 0x03, 0x01])
        XCTAssertNil(bytes.readInt32PrefixedBytes())
        XCTAssertEqual(bytes.error?.code, .needMoreData)
        var compact = ByteReader([0x04, 0x61])
        XCTAssertNil(compact.readCompactString())
        XCTAssertEqual(compact.error?.code, .needMoreData)
        var compactBytes = ByteReader([0x04, 0x61])
        XCTAssertNil(compactBytes.readCompactBytes())
        XCTAssertEqual(compactBytes.error?.code, .needMoreData)
    }

    /// After a failure every read, whatever the bytes left, returns a zero value; the first
    /// error is kept.
    func testAfterAFailureEveryReadReturnsZeroAndNothingRemains() {
        let plenty = [UInt8](repeating: 0x41, count: 64)
        for first in Self.reads {
            // Fail first with a negative length, leaving plenty of bytes behind.
            var reader = ByteReader(plenty)
            _ = reader.readBytes(-1)
            let error = reader.error
            XCTAssertEqual(error?.code, .malformed)
            XCTAssertEqual(reader.remaining, 0)
            XCTAssertTrue(reader.isAtEnd)
            XCTAssertTrue(first.isZero(&reader), "\(first.name) after failure")
            for read in Self.reads {
                XCTAssertTrue(read.isZero(&reader), "\(read.name) after \(first.name) after failure")
                XCTAssertEqual(reader.error, error, "\(read.name) replaced the first error")
                XCTAssertEqual(reader.remaining, 0)
            }
            XCTAssertNil(reader.peekUInt8())
            reader.skip(1)
            reader.fail(.limitExceeded, "later")
            XCTAssertEqual(reader.error, error, "fail() replaced the first error")
        }
    }

    func testNegativeLengthsAreMalformed() {
        let input = [UInt8](repeating: 0x41, count: 8)
        var r1 = ByteReader(input); XCTAssertEqual(r1.readBytes(-1), [])
        XCTAssertEqual(r1.error?.code, .malformed)
        var r2 = ByteReader(input); XCTAssertEqual(r2.readString(-5), "")
        XCTAssertEqual(r2.error?.code, .malformed)
        var r3 = ByteReader(input); r3.skip(-1)
        XCTAssertEqual(r3.error?.code, .malformed)
        var r4 = ByteReader(input); XCTAssertTrue(r4.readRange(Int.min).isEmpty)
        XCTAssertEqual(r4.error?.code, .malformed)
        XCTAssertEqual(r4.error?.isRetriable, false)

        // Prefixed: -1 means null and is fine; any other negative length is malformed.
        var null16 = ByteReader([0xFF, 0xFF])
        XCTAssertNil(null16.readInt16PrefixedString())
        XCTAssertNil(null16.error)
        XCTAssertTrue(null16.isAtEnd)
        var neg16 = ByteReader([0xFF, 0xFE, 0x41, 0x41])
        XCTAssertNil(neg16.readInt16PrefixedString())
        XCTAssertEqual(neg16.error?.code, .malformed)
        var min16 = ByteReader([0x80, 0x00])
        XCTAssertNil(min16.readInt16PrefixedString())
        XCTAssertEqual(min16.error?.code, .malformed)
        var null32 = ByteReader([0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertNil(null32.readInt32PrefixedBytes())
        XCTAssertNil(null32.error)
        var neg32 = ByteReader([0xFF, 0xFF, 0xFF, 0xFE, 0x41])
        XCTAssertNil(neg32.readInt32PrefixedBytes())
        XCTAssertEqual(neg32.error?.code, .malformed)
        var min32 = ByteReader([0x80, 0x00, 0x00, 0x00])
        XCTAssertNil(min32.readInt32PrefixedBytes())
        XCTAssertEqual(min32.error?.code, .malformed)
    }

    func testOverlongVarintsAreMalformed() {
        // 11 bytes: ten continuation bytes then a terminator.
        var eleven = ByteReader([UInt8](repeating: 0x80, count: 10) + [0x00])
        XCTAssertEqual(eleven.readUVarInt64(), 0)
        XCTAssertEqual(eleven.error?.code, .malformed)
        var elevenSigned = ByteReader([UInt8](repeating: 0xFF, count: 10) + [0x01])
        XCTAssertEqual(elevenSigned.readVarInt64(), 0)
        XCTAssertEqual(elevenSigned.error?.code, .malformed)
        // A 10th byte above 1 would need bits past 64.
        for tenth: UInt8 in [0x02, 0x7F, 0x81] {
            var reader = ByteReader([UInt8](repeating: 0xFF, count: 9) + [tenth])
            XCTAssertEqual(reader.readUVarInt64(), 0, "10th byte \(tenth)")
            XCTAssertEqual(reader.error?.code, .malformed, "10th byte \(tenth)")
            XCTAssertEqual(reader.remaining, 0)
        }
        // The longest legal uvarint64: nine 0xFF then 0x01 is UInt64.max.
        var longest = ByteReader([UInt8](repeating: 0xFF, count: 9) + [0x01])
        XCTAssertEqual(longest.readUVarInt64(), .max)
        XCTAssertNil(longest.error)
        XCTAssertTrue(longest.isAtEnd)

        // uvarint32: five bytes whose value needs more than 32 bits.
        var overflow = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x10])
        XCTAssertEqual(overflow.readUVarInt32(), 0)
        XCTAssertEqual(overflow.error?.code, .malformed)
        var overflowSigned = ByteReader([0x80, 0x80, 0x80, 0x80, 0x7F])
        XCTAssertEqual(overflowSigned.readVarInt32(), 0)
        XCTAssertEqual(overflowSigned.error?.code, .malformed)
        // ...and a sixth byte.
        var six = ByteReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        XCTAssertEqual(six.readUVarInt32(), 0)
        XCTAssertEqual(six.error?.code, .malformed)
        XCTAssertEqual(six.remaining, 0)
        // The largest legal uvarint32.
        var max32 = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertEqual(max32.readUVarInt32(), .max)
        XCTAssertNil(max32.error)
        // A compact string whose length varint overflows.
        var compact = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x41])
        XCTAssertNil(compact.readCompactString())
        XCTAssertEqual(compact.error?.code, .malformed)
    }

    func testInvalidUTF8IsRejected() {
        // Sources: the Unicode standard's ill-formed sequences (Table 3-7): a lone continuation
        // byte, an overlong "/", a UTF-16 surrogate, a cut 3-byte sequence, 0xFF, code points > U+10FFFF.
        let bad: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFF],
                              [0xF4, 0x90, 0x80, 0x80], [0x61, 0xC3, 0x28]]
        for bytes in bad {
            var plain = ByteReader(bytes)
            XCTAssertEqual(plain.readString(bytes.count), "", "\(bytes)")
            XCTAssertEqual(plain.error?.code, .invalidUTF8, "\(bytes)")
            XCTAssertEqual(plain.error?.offset, 0, "error offset is the string start")
            XCTAssertEqual(plain.remaining, 0)

            var writer = ByteWriter()
            writer.writeInt16BE(Int16(bytes.count))
            writer.writeBytes(bytes)
            var prefixed = ByteReader(writer.bytes)
            XCTAssertNil(prefixed.readInt16PrefixedString(), "\(bytes)")
            XCTAssertEqual(prefixed.error?.code, .invalidUTF8, "\(bytes)")

            writer = ByteWriter()
            writer.writeUVarInt(UInt64(bytes.count + 1))
            writer.writeBytes(bytes)
            var compact = ByteReader(writer.bytes)
            XCTAssertNil(compact.readCompactString(), "\(bytes)")
            XCTAssertEqual(compact.error?.code, .invalidUTF8, "\(bytes)")
        }
        var good = ByteReader(Array("héllo, 世界 🎉".utf8))
        XCTAssertEqual(good.readString(good.remaining), "héllo, 世界 🎉")
        XCTAssertNil(good.error)
    }

    func testLimitOnPrefixedBytes() {
        var writer = ByteWriter()
        writer.writeInt32PrefixedBytes([1, 2, 3, 4])
        var over = ByteReader(writer.bytes)
        XCTAssertNil(over.readInt32PrefixedBytes(limit: 3))
        XCTAssertEqual(over.error?.code, .limitExceeded)
        XCTAssertEqual(over.error?.isRetriable, false)
        XCTAssertEqual(over.remaining, 0)
        var at = ByteReader(writer.bytes)
        XCTAssertEqual(at.readInt32PrefixedBytes(limit: 4), [1, 2, 3, 4])
        XCTAssertNil(at.error)

        writer = ByteWriter()
        writer.writeCompactBytes([1, 2, 3, 4])
        var compactOver = ByteReader(writer.bytes)
        XCTAssertNil(compactOver.readCompactBytes(limit: 3))
        XCTAssertEqual(compactOver.error?.code, .limitExceeded)
        var compactAt = ByteReader(writer.bytes)
        XCTAssertEqual(compactAt.readCompactBytes(limit: 4), [1, 2, 3, 4])
        XCTAssertNil(compactAt.error)

        // A huge claimed length is refused by the limit before any allocation, not by running out.
        var huge = ByteReader([0x7F, 0xFF, 0xFF, 0xFF])
        XCTAssertNil(huge.readInt32PrefixedBytes(limit: 1 << 20))
        XCTAssertEqual(huge.error?.code, .limitExceeded)
        var hugeCompact = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertNil(hugeCompact.readCompactBytes(limit: 1 << 20))
        XCTAssertEqual(hugeCompact.error?.code, .limitExceeded)
    }

    func testRangeInitClampsHostileBounds() {
        let bytes: [UInt8] = [1, 2, 3, 4]
        var inside = ByteReader(bytes, range: 1..<3)
        XCTAssertEqual(inside.remaining, 2)
        XCTAssertEqual(inside.readUInt16BE(), 0x0203)
        XCTAssertEqual(inside.offset, 3)
        XCTAssertEqual(inside.readUInt8(), 0)
        XCTAssertEqual(inside.error?.code, .needMoreData)

        let past = ByteReader(bytes, range: 2..<100)
        XCTAssertEqual(past.remaining, 2)
        let beyond = ByteReader(bytes, range: 10..<20)
        XCTAssertEqual(beyond.remaining, 0)
        let negative = ByteReader(bytes, range: -5..<2)
        XCTAssertEqual(negative.offset, 0)
        XCTAssertEqual(negative.remaining, 2)

        let reader = ByteReader(bytes)
        XCTAssertNil(reader.peekUInt8(ahead: -1))
        XCTAssertNil(reader.peekUInt8(ahead: 4))
        XCTAssertEqual(reader.peekUInt8(ahead: 3), 4)
    }

    func testErrorRecordsOffsetAndFirstFailureWins() {
        var reader = ByteReader([0x01, 0x02, 0x03])
        XCTAssertEqual(reader.readUInt16BE(), 0x0102)
        XCTAssertEqual(reader.readUInt32BE(), 0)
        XCTAssertEqual(reader.error, WireError(.needMoreData, reader.error?.message ?? "", offset: 2))
        XCTAssertThrowsError(try reader.check()) { error in
            XCTAssertEqual((error as? WireError)?.code, .needMoreData)
        }
        reader.fail(.malformed, "second")
        XCTAssertEqual(reader.error?.code, .needMoreData)
    }

    /// Random bytes read with random read kinds: nothing traps, and a failed reader stays failed
    /// with nothing remaining.
    func testRandomHostileInputNeverTraps() {
        var rng = SeededGenerator(seed: 0xBAD_1DEA)
        for _ in 0..<5_000 {
            let input = rng.bytes(Int.random(in: 0...40, using: &rng))
            var reader = ByteReader(input)
            var firstError: WireError?
            for _ in 0..<12 {
                let read = Self.reads[Int.random(in: 0..<Self.reads.count, using: &rng)]
                let zero = read.isZero(&reader)
                if let firstError {
                    XCTAssertTrue(zero, "\(read.name) after failure")
                    XCTAssertEqual(reader.error, firstError)
                } else if reader.failed {
                    XCTAssertTrue(zero, "\(read.name) that failed returned a value")
                    firstError = reader.error
                }
                if reader.failed { XCTAssertEqual(reader.remaining, 0) }
                XCTAssertLessThanOrEqual(reader.offset, reader.end)
            }
        }
    }
}
