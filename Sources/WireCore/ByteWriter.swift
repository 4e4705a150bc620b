/// Appends integers, varints and byte runs to a growable buffer.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func reserveCapacity(_ capacity: Int) { bytes.reserveCapacity(capacity) }
    public mutating func removeAll(keepingCapacity: Bool = true) { bytes.removeAll(keepingCapacity: keepingCapacity) }

    @inline(__always)
    private mutating func store<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    public mutating func writeUInt8(_ v: UInt8) { bytes.append(v) }
    public mutating func writeInt8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func writeBool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    public mutating func writeUInt16BE(_ v: UInt16) { store(v.bigEndian) }
    public mutating func writeUInt32BE(_ v: UInt32) { store(v.bigEndian) }
    public mutating func writeUInt64BE(_ v: UInt64) { store(v.bigEndian) }
    public mutating func writeInt16BE(_ v: Int16) { store(v.bigEndian) }
    public mutating func writeInt32BE(_ v: Int32) { store(v.bigEndian) }
    public mutating func writeInt64BE(_ v: Int64) { store(v.bigEndian) }

    public mutating func writeUInt16LE(_ v: UInt16) { store(v.littleEndian) }
    public mutating func writeUInt32LE(_ v: UInt32) { store(v.littleEndian) }
    public mutating func writeUInt64LE(_ v: UInt64) { store(v.littleEndian) }
    public mutating func writeInt16LE(_ v: Int16) { store(v.littleEndian) }
    public mutating func writeInt32LE(_ v: Int32) { store(v.littleEndian) }
    public mutating func writeInt64LE(_ v: Int64) { store(v.littleEndian) }

    public mutating func writeFloat64BE(_ v: Double) { writeUInt64BE(v.bitPattern) }
    public mutating func writeFloat64LE(_ v: Double) { writeUInt64LE(v.bitPattern) }

    public mutating func writeUVarInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    public mutating func writeUVarInt32(_ value: UInt32) { writeUVarInt(UInt64(value)) }
    public mutating func writeVarInt32(_ value: Int32) { writeUVarInt(UInt64(ZigZag.encode32(value))) }
    public mutating func writeVarInt64(_ value: Int64) { writeUVarInt(ZigZag.encode64(value)) }

    /// How many bytes `writeUVarInt(value)` appends.
    public static func uvarIntSize(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    public mutating func writeBytes<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }
    public mutating func writeString(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Kafka STRING: Int16 length then UTF-8; nil is length -1.
    public mutating func writeInt16PrefixedString(_ s: String?) {
        guard let s else { writeInt16BE(-1); return }
        let utf8 = s.utf8
        writeInt16BE(Int16(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Int32 length then bytes; nil is length -1.
    public mutating func writeInt32PrefixedBytes(_ data: [UInt8]?) {
        guard let data else { writeInt32BE(-1); return }
        writeInt32BE(Int32(truncatingIfNeeded: data.count))
        bytes.append(contentsOf: data)
    }

    /// Kafka COMPACT_STRING: uvarint(length + 1) then UTF-8; nil is 0.
    public mutating func writeCompactString(_ s: String?) {
        guard let s else { writeUVarInt(0); return }
        let utf8 = s.utf8
        writeUVarInt(UInt64(utf8.count + 1))
        bytes.append(contentsOf: utf8)
    }

    /// Kafka COMPACT_BYTES: uvarint(length + 1) then bytes; nil is 0.
    public mutating func writeCompactBytes(_ data: [UInt8]?) {
        guard let data else { writeUVarInt(0); return }
        writeUVarInt(UInt64(data.count + 1))
        bytes.append(contentsOf: data)
    }

    /// Reserves `size` zero bytes and returns their offset, for a length or CRC written later.
    public mutating func reserve(_ size: Int) -> Int {
        let at = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        return at
    }

    public mutating func patchInt32BE(_ v: Int32, at offset: Int) {
        let u = UInt32(bitPattern: v)
        bytes[offset] = UInt8(truncatingIfNeeded: u >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: u >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: u >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: u)
    }
    public mutating func patchUInt32BE(_ v: UInt32, at offset: Int) { patchInt32BE(Int32(bitPattern: v), at: offset) }
    public mutating func patchInt32LE(_ v: Int32, at offset: Int) {
        let u = UInt32(bitPattern: v)
        bytes[offset] = UInt8(truncatingIfNeeded: u)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: u >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: u >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: u >> 24)
    }
}
