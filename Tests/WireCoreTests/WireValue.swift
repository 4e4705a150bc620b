import WireCore

/// One value of every kind ByteWriter writes, for the round-trip and truncation properties.
enum WireValue: Equatable {
    case uint8(UInt8), int8(Int8), bool(Bool)
    case uint16BE(UInt16), uint32BE(UInt32), uint64BE(UInt64)
    case int16BE(Int16), int32BE(Int32), int64BE(Int64)
    case uint16LE(UInt16), uint32LE(UInt32), uint64LE(UInt64)
    case int16LE(Int16), int32LE(Int32), int64LE(Int64)
    /// Compared by bit pattern so NaNs round-trip too.
    case float64BE(UInt64), float64LE(UInt64)
    case uvarint64(UInt64), uvarint32(UInt32), varint32(Int32), varint64(Int64)
    case int16PrefixedString(String?), int32PrefixedBytes([UInt8]?)
    case compactString(String?), compactBytes([UInt8]?)
    /// Raw runs whose length the decoder knows from the test, not from the wire.
    case bytes([UInt8]), string(String)

    func write(to w: inout ByteWriter) {
        switch self {
        case .uint8(let v): w.writeUInt8(v)
        case .int8(let v): w.writeInt8(v)
        case .bool(let v): w.writeBool(v)
        case .uint16BE(let v): w.writeUInt16BE(v)
        case .uint32BE(let v): w.writeUInt32BE(v)
        case .uint64BE(let v): w.writeUInt64BE(v)
        case .int16BE(let v): w.writeInt16BE(v)
        case .int32BE(let v): w.writeInt32BE(v)
        case .int64BE(let v): w.writeInt64BE(v)
        case .uint16LE(let v): w.writeUInt16LE(v)
        case .uint32LE(let v): w.writeUInt32LE(v)
        case .uint64LE(let v): w.writeUInt64LE(v)
        case .int16LE(let v): w.writeInt16LE(v)
        case .int32LE(let v): w.writeInt32LE(v)
        case .int64LE(let v): w.writeInt64LE(v)
        case .float64BE(let v): w.writeFloat64BE(Double(bitPattern: v))
        case .float64LE(let v): w.writeFloat64LE(Double(bitPattern: v))
        case .uvarint64(let v): w.writeUVarInt(v)
        case .uvarint32(let v): w.writeUVarInt32(v)
        case .varint32(let v): w.writeVarInt32(v)
        case .varint64(let v): w.writeVarInt64(v)
        case .int16PrefixedString(let v): w.writeInt16PrefixedString(v)
        case .int32PrefixedBytes(let v): w.writeInt32PrefixedBytes(v)
        case .compactString(let v): w.writeCompactString(v)
        case .compactBytes(let v): w.writeCompactBytes(v)
        case .bytes(let v): w.writeBytes(v)
        case .string(let v): w.writeString(v)
        }
    }

    /// Reads a value of the same kind as `self` (the payload only picks the raw run length).
    func readSameKind(from r: inout ByteReader) -> WireValue {
        switch self {
        case .uint8: .uint8(r.readUInt8())
        case .int8: .int8(r.readInt8())
        case .bool: .bool(r.readBool())
        case .uint16BE: .uint16BE(r.readUInt16BE())
        case .uint32BE: .uint32BE(r.readUInt32BE())
        case .uint64BE: .uint64BE(r.readUInt64BE())
        case .int16BE: .int16BE(r.readInt16BE())
        case .int32BE: .int32BE(r.readInt32BE())
        case .int64BE: .int64BE(r.readInt64BE())
        case .uint16LE: .uint16LE(r.readUInt16LE())
        case .uint32LE: .uint32LE(r.readUInt32LE())
        case .uint64LE: .uint64LE(r.readUInt64LE())
        case .int16LE: .int16LE(r.readInt16LE())
        case .int32LE: .int32LE(r.readInt32LE())
        case .int64LE: .int64LE(r.readInt64LE())
        case .float64BE: .float64BE(r.readFloat64BE().bitPattern)
        case .float64LE: .float64LE(r.readFloat64LE().bitPattern)
        case .uvarint64: .uvarint64(r.readUVarInt64())
        case .uvarint32: .uvarint32(r.readUVarInt32())
        case .varint32: .varint32(r.readVarInt32())
        case .varint64: .varint64(r.readVarInt64())
        case .int16PrefixedString: .int16PrefixedString(r.readInt16PrefixedString())
        case .int32PrefixedBytes: .int32PrefixedBytes(r.readInt32PrefixedBytes())
        case .compactString: .compactString(r.readCompactString())
        case .compactBytes: .compactBytes(r.readCompactBytes())
        case .bytes(let v): .bytes(r.readBytes(v.count))
        case .string(let v): .string(r.readString(v.utf8.count))
        }
    }

    /// The value a failed read of this kind returns.
    var zeroOfSameKind: WireValue {
        switch self {
        case .uint8: .uint8(0)
        case .int8: .int8(0)
        case .bool: .bool(false)
        case .uint16BE: .uint16BE(0)
        case .uint32BE: .uint32BE(0)
        case .uint64BE: .uint64BE(0)
        case .int16BE: .int16BE(0)
        case .int32BE: .int32BE(0)
        case .int64BE: .int64BE(0)
        case .uint16LE: .uint16LE(0)
        case .uint32LE: .uint32LE(0)
        case .uint64LE: .uint64LE(0)
        case .int16LE: .int16LE(0)
        case .int32LE: .int32LE(0)
        case .int64LE: .int64LE(0)
        case .float64BE: .float64BE(0)
        case .float64LE: .float64LE(0)
        case .uvarint64: .uvarint64(0)
        case .uvarint32: .uvarint32(0)
        case .varint32: .varint32(0)
        case .varint64: .varint64(0)
        case .int16PrefixedString: .int16PrefixedString(nil)
        case .int32PrefixedBytes: .int32PrefixedBytes(nil)
        case .compactString: .compactString(nil)
        case .compactBytes: .compactBytes(nil)
        case .bytes: .bytes([])
        case .string: .string("")
        }
    }

    // MARK: random values, biased to the edges

    static let uvarintBoundaries: [UInt64] = {
        var out: [UInt64] = [0, 1, .max, .max - 1]
        for k in 1...9 {
            let edge = UInt64(1) << (7 * k)  // 128, 16384, ...: the first value one byte longer
            out += [edge - 1, edge, edge + 1]
        }
        out += [UInt64(UInt32.max), UInt64(UInt32.max) + 1, UInt64(Int64.max), UInt64(Int64.max) + 1]
        return out
    }()

    static func edgy<T: FixedWidthInteger>(_: T.Type, _ rng: inout SeededGenerator) -> T {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: [T.min, T.max, 0, 1, T.min &+ 1, T.max &- 1, T(truncatingIfNeeded: -1)].randomElement(using: &rng)!
        case 1: T(truncatingIfNeeded: uvarintBoundaries.randomElement(using: &rng)!)
        default: T.random(in: T.min ... T.max, using: &rng)
        }
    }

    static func randomString(_ rng: inout SeededGenerator) -> String {
        let alphabet: [String] = ["a", "Z", "0", " ", "é", "ß", "世", "界", "🎉", "\u{0}", "\u{7F}", "\u{10FFFF}"]
        let count = [0, 0, 1, 5, 40, 200].randomElement(using: &rng)!
        return (0..<count).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    static func randomBytes(_ rng: inout SeededGenerator) -> [UInt8] {
        rng.bytes([0, 1, 3, 16, 130, 300].randomElement(using: &rng)!)
    }

    static func random(_ rng: inout SeededGenerator) -> WireValue {
        let maybeNil = Int.random(in: 0..<4, using: &rng) == 0
        switch Int.random(in: 0..<27, using: &rng) {
        case 0: return .uint8(edgy(UInt8.self, &rng))
        case 1: return .int8(edgy(Int8.self, &rng))
        case 2: return .bool(Bool.random(using: &rng))
        case 3: return .uint16BE(edgy(UInt16.self, &rng))
        case 4: return .uint32BE(edgy(UInt32.self, &rng))
        case 5: return .uint64BE(edgy(UInt64.self, &rng))
        case 6: return .int16BE(edgy(Int16.self, &rng))
        case 7: return .int32BE(edgy(Int32.self, &rng))
        case 8: return .int64BE(edgy(Int64.self, &rng))
        case 9: return .uint16LE(edgy(UInt16.self, &rng))
        case 10: return .uint32LE(edgy(UInt32.self, &rng))
        case 11: return .uint64LE(edgy(UInt64.self, &rng))
        case 12: return .int16LE(edgy(Int16.self, &rng))
        case 13: return .int32LE(edgy(Int32.self, &rng))
        case 14: return .int64LE(edgy(Int64.self, &rng))
        case 15: return .float64BE(edgy(UInt64.self, &rng))
        case 16: return .float64LE(edgy(UInt64.self, &rng))
        case 17: return .uvarint64(edgy(UInt64.self, &rng))
        case 18: return .uvarint32(edgy(UInt32.self, &rng))
        case 19: return .varint32(edgy(Int32.self, &rng))
        case 20: return .varint64(edgy(Int64.self, &rng))
        case 21: return .int16PrefixedString(maybeNil ? nil : randomString(&rng))
        case 22: return .int32PrefixedBytes(maybeNil ? nil : randomBytes(&rng))
        case 23: return .compactString(maybeNil ? nil : randomString(&rng))
        case 24: return .compactBytes(maybeNil ? nil : randomBytes(&rng))
        case 25: return .bytes(randomBytes(&rng))
        default: return .string(randomString(&rng))
        }
    }
}
