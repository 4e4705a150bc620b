/// Reads integers, varints and byte runs from contiguous bytes.
///
/// Reads never trap. The first failure (a short read, a bad length) is remembered in `error`
/// and every later read returns a zero value, so a decoder may read a whole structure and check
/// once at the end (`try reader.check()`), as franz-go's `kbin.Reader` does.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// Index of the next byte to read.
    public private(set) var offset: Int
    /// One past the last readable byte.
    public let end: Int
    /// The first failure, if any. Once set, all reads return zero values.
    public private(set) var error: WireError?
    /// The lease of the buffer read from, passed on to the views read out of it (`readView`).
    public var lease: ByteLease?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    /// A reader over `bytes[range]`; offsets stay those of the whole array.
    public init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        let lower = max(0, min(range.lowerBound, bytes.count))
        self.offset = lower
        self.end = max(lower, min(range.upperBound, bytes.count))
    }

    public init<S: Sequence>(copying sequence: S) where S.Element == UInt8 {
        self.init(Array(sequence))
    }

    public var remaining: Int { error == nil ? end - offset : 0 }
    public var isAtEnd: Bool { remaining == 0 }
    public var failed: Bool { error != nil }

    /// Throws the first failure, if any.
    public func check() throws(WireError) {
        if let error { throw error }
    }

    /// Records a failure found by the caller (a bad enum value, say); the first one wins.
    public mutating func fail(_ code: WireError.Code, _ message: String) {
        if error == nil { error = WireError(code, message, offset: offset) }
    }

    @inline(__always)
    private mutating func take(_ count: Int) -> Int? {
        guard error == nil else { return nil }
        guard count >= 0 else {
            fail(.malformed, "negative length \(count)")
            return nil
        }
        guard end - offset >= count else {
            fail(.needMoreData, "need \(count) bytes, have \(end - offset)")
            return nil
        }
        let start = offset
        offset += count
        return start
    }

    @inline(__always)
    private mutating func load<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard let start = take(MemoryLayout<T>.size) else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: T.self) }
    }

    // MARK: fixed-width integers

    public mutating func readUInt8() -> UInt8 {
        guard let start = take(1) else { return 0 }
        return bytes[start]
    }
    public mutating func readInt8() -> Int8 { Int8(bitPattern: readUInt8()) }
    public mutating func readBool() -> Bool { readUInt8() != 0 }

    public mutating func readUInt16BE() -> UInt16 { UInt16(bigEndian: load(UInt16.self) ?? 0) }
    public mutating func readUInt32BE() -> UInt32 { UInt32(bigEndian: load(UInt32.self) ?? 0) }
    public mutating func readUInt64BE() -> UInt64 { UInt64(bigEndian: load(UInt64.self) ?? 0) }
    public mutating func readInt16BE() -> Int16 { Int16(bitPattern: readUInt16BE()) }
    public mutating func readInt32BE() -> Int32 { Int32(bitPattern: readUInt32BE()) }
    public mutating func readInt64BE() -> Int64 { Int64(bitPattern: readUInt64BE()) }

    public mutating func readUInt16LE() -> UInt16 { UInt16(littleEndian: load(UInt16.self) ?? 0) }
    public mutating func readUInt32LE() -> UInt32 { UInt32(littleEndian: load(UInt32.self) ?? 0) }
    public mutating func readUInt64LE() -> UInt64 { UInt64(littleEndian: load(UInt64.self) ?? 0) }
    public mutating func readInt16LE() -> Int16 { Int16(bitPattern: readUInt16LE()) }
    public mutating func readInt32LE() -> Int32 { Int32(bitPattern: readUInt32LE()) }
    public mutating func readInt64LE() -> Int64 { Int64(bitPattern: readUInt64LE()) }

    public mutating func readFloat64BE() -> Double { Double(bitPattern: readUInt64BE()) }
    public mutating func readFloat64LE() -> Double { Double(bitPattern: readUInt64LE()) }

    // MARK: varints

    /// Unsigned LEB128 of at most 5 bytes whose value fits 32 bits (protobuf/Kafka "unsigned varint").
    public mutating func readUVarInt32() -> UInt32 {
        let value = readUVarInt(maxBytes: 5)
        guard value <= UInt64(UInt32.max) else {
            fail(.malformed, "varint \(value) does not fit 32 bits")
            return 0
        }
        return UInt32(value)
    }

    /// Unsigned LEB128 of at most 10 bytes.
    public mutating func readUVarInt64() -> UInt64 { readUVarInt(maxBytes: 10) }

    /// Zigzag-encoded signed varint (Kafka "varint").
    public mutating func readVarInt32() -> Int32 { ZigZag.decode32(readUVarInt32()) }
    /// Zigzag-encoded signed varlong (Kafka "varlong").
    public mutating func readVarInt64() -> Int64 { ZigZag.decode64(readUVarInt64()) }

    private mutating func readUVarInt(maxBytes: Int) -> UInt64 {
        guard error == nil else { return 0 }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        for count in 0..<maxBytes {
            guard index < end else {
                fail(.needMoreData, "varint cut short after \(count) bytes")
                return 0
            }
            let byte = bytes[index]
            index += 1
            if count == 9 && byte > 1 {
                fail(.malformed, "varint overflows 64 bits")
                return 0
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                offset = index
                return result
            }
            shift += 7
        }
        fail(.malformed, "varint longer than \(maxBytes) bytes")
        return 0
    }

    // MARK: byte runs and strings
    //
    // A prefixed read whose body fails returns nil, the zero value of an optional, not an empty
    // value a caller could mistake for a real (non-null) empty string or byte run.

    public mutating func readBytes(_ count: Int) -> [UInt8] {
        guard let start = take(count) else { return [] }
        return Array(bytes[start..<start + count])
    }

    /// The range of the next `count` bytes, consumed without copying.
    public mutating func readRange(_ count: Int) -> Range<Int> {
        guard let start = take(count) else { return offset..<offset }
        return start..<start + count
    }

    public mutating func skip(_ count: Int) { _ = take(count) }

    /// `count` bytes that must be valid UTF-8.
    public mutating func readString(_ count: Int) -> String {
        guard let start = take(count) else { return "" }
        let slice = bytes[start..<start + count]
        guard let string = String(validating: slice, as: UTF8.self) else {
            offset = start
            fail(.invalidUTF8, "\(count) bytes are not valid UTF-8")
            return ""
        }
        return string
    }

    /// A string after a big-endian Int16 length (Kafka STRING); a length of -1 is nil.
    public mutating func readInt16PrefixedString() -> String? {
        let length = Int(readInt16BE())
        if failed { return nil }
        if length == -1 { return nil }
        if length < 0 { fail(.malformed, "string length \(length)"); return nil }
        let body = readString(length)
        return failed ? nil : body
    }

    /// Bytes after a big-endian Int32 length; a length of -1 is nil.
    public mutating func readInt32PrefixedBytes(limit: Int = Int(Int32.max)) -> [UInt8]? {
        let length = Int(readInt32BE())
        if failed { return nil }
        if length == -1 { return nil }
        if length < 0 { fail(.malformed, "byte length \(length)"); return nil }
        if length > limit { fail(.limitExceeded, "byte length \(length) over limit \(limit)"); return nil }
        let body = readBytes(length)
        return failed ? nil : body
    }

    /// A string after an unsigned-varint length plus one (Kafka COMPACT_STRING); 0 is nil.
    public mutating func readCompactString() -> String? {
        let lengthPlusOne = Int(readUVarInt32())
        if failed || lengthPlusOne == 0 { return nil }
        let body = readString(lengthPlusOne - 1)
        return failed ? nil : body
    }

    /// Bytes after an unsigned-varint length plus one (Kafka COMPACT_BYTES); 0 is nil.
    public mutating func readCompactBytes(limit: Int = Int(Int32.max)) -> [UInt8]? {
        let lengthPlusOne = Int(readUVarInt32())
        if failed || lengthPlusOne == 0 { return nil }
        if lengthPlusOne - 1 > limit { fail(.limitExceeded, "byte length \(lengthPlusOne - 1) over limit \(limit)"); return nil }
        let body = readBytes(lengthPlusOne - 1)
        return failed ? nil : body
    }

    /// Looks at the byte `ahead` positions from the cursor without consuming it.
    public func peekUInt8(ahead: Int = 0) -> UInt8? {
        guard error == nil, ahead >= 0, offset + ahead < end else { return nil }
        return bytes[offset + ahead]
    }
}
