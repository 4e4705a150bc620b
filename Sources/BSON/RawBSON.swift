/// Unchecked little-endian loads and element sizing over bytes that have already been validated.
/// Every BSONDocument is validated when it is made, so readers after that need no bounds checks
/// beyond what validation proved.
enum RawBSON {
    @inline(__always)
    static func int32(_ p: UnsafeRawBufferPointer, _ at: Int) -> Int32 {
        Int32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: Int32.self))
    }
    @inline(__always)
    static func int64(_ p: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        Int64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }
    @inline(__always)
    static func uint32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
    @inline(__always)
    static func uint64(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
    @inline(__always)
    static func double(_ p: UnsafeRawBufferPointer, _ at: Int) -> Double {
        Double(bitPattern: uint64(p, at))
    }

    /// Index of the first NUL at or after `from`, or `limit` when there is none before it.
    /// Looks at 8 bytes at a time (keys are short, so usually one load finds it).
    @inline(__always)
    static func nul(_ p: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int {
        var i = from
        while i + 8 <= limit {
            let v = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // Sets the high bit of each byte that is zero (exact for the lowest zero byte).
            let zeros = (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
            if zeros != 0 { return i + zeros.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < limit, p[i] != 0 { i += 1 }
        return i
    }

    /// Size in bytes of the value of `type` that starts at `at` (validated data).
    @inline(__always)
    static func valueSize(_ p: UnsafeRawBufferPointer, type: UInt8, at: Int, limit: Int) -> Int {
        switch type {
        case 0x01, 0x09, 0x11, 0x12: return 8
        case 0x02, 0x0D, 0x0E: return 4 + Int(int32(p, at))
        case 0x03, 0x04, 0x0F: return Int(int32(p, at))
        case 0x05: return 5 + Int(int32(p, at))
        case 0x06, 0x0A, 0x7F, 0xFF: return 0
        case 0x07: return 12
        case 0x08: return 1
        case 0x0B:
            let first = nul(p, from: at, limit: limit)
            let second = nul(p, from: first + 1, limit: limit)
            return second + 1 - at
        case 0x0C: return 4 + Int(int32(p, at)) + 12
        case 0x10: return 4
        case 0x13: return 16
        default: return 0
        }
    }

    /// A String from validated UTF-8. (Writing into the new String's storage measured about a third
    /// faster than `String(decoding:as:)` for the short strings documents are full of.)
    @inline(__always)
    static func string(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        let source = UnsafeRawBufferPointer(rebasing: p[from..<to])
        return String(unsafeUninitializedCapacity: source.count) { buffer in
            _ = buffer.initialize(from: source)
            return source.count
        }
    }

    /// Decodes the value of `type` at `at` in `storage` (validated), sharing `storage` for
    /// documents, arrays and binary data.
    static func value(_ storage: [UInt8], _ p: UnsafeRawBufferPointer, type: UInt8, at: Int, limit: Int) -> BSONValue {
        switch type {
        case 0x01: return .double(double(p, at))
        case 0x02: return .string(string(p, from: at + 4, to: at + 4 + Int(int32(p, at)) - 1))
        case 0x03: return .document(BSONDocument(validated: storage, range: at..<at + Int(int32(p, at))))
        case 0x04: return .array(BSONArray(BSONDocument(validated: storage, range: at..<at + Int(int32(p, at)))))
        case 0x05:
            let length = Int(int32(p, at))
            let subtype = p[at + 4]
            if subtype == 0x02 {
                return .binary(BSONBinary(subtype: .binaryOld, storage: storage, range: at + 9..<at + 5 + length))
            }
            return .binary(BSONBinary(subtype: .init(subtype), storage: storage, range: at + 5..<at + 5 + length))
        case 0x06: return .undefined
        case 0x07: return .objectId(objectId(p, at))
        case 0x08: return .bool(p[at] != 0)
        case 0x09: return .datetime(BSONDateTime(millisecondsSinceEpoch: int64(p, at)))
        case 0x0A: return .null
        case 0x0B:
            let first = nul(p, from: at, limit: limit)
            let second = nul(p, from: first + 1, limit: limit)
            return .regex(BSONRegex(pattern: string(p, from: at, to: first), options: string(p, from: first + 1, to: second)))
        case 0x0C:
            let length = Int(int32(p, at))
            return .dbPointer(BSONDBPointer(ref: string(p, from: at + 4, to: at + 3 + length), id: objectId(p, at + 4 + length)))
        case 0x0D: return .javascript(string(p, from: at + 4, to: at + 4 + Int(int32(p, at)) - 1))
        case 0x0E: return .symbol(string(p, from: at + 4, to: at + 4 + Int(int32(p, at)) - 1))
        case 0x0F:
            let codeLength = Int(int32(p, at + 4))
            let code = string(p, from: at + 8, to: at + 8 + codeLength - 1)
            let scopeAt = at + 8 + codeLength
            let scope = BSONDocument(validated: storage, range: scopeAt..<scopeAt + Int(int32(p, scopeAt)))
            return .javascriptWithScope(BSONCodeWithScope(code: code, scope: scope))
        case 0x10: return .int32(int32(p, at))
        case 0x11: return .timestamp(BSONTimestamp(seconds: uint32(p, at + 4), increment: uint32(p, at)))
        case 0x12: return .int64(int64(p, at))
        case 0x13: return .decimal128(Decimal128(high: uint64(p, at + 8), low: uint64(p, at)))
        case 0x7F: return .maxKey
        default: return .minKey
        }
    }

    @inline(__always)
    static func objectId(_ p: UnsafeRawBufferPointer, _ at: Int) -> ObjectId {
        ObjectId(bytes: (p[at], p[at + 1], p[at + 2], p[at + 3], p[at + 4], p[at + 5],
                         p[at + 6], p[at + 7], p[at + 8], p[at + 9], p[at + 10], p[at + 11]))
    }
}
