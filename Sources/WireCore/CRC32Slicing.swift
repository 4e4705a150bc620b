import CHardwareCRC

/// Table-driven reflected CRC-32 with slicing-by-8: eight table lookups per 8 input bytes.
/// Shared by CRC-32C (Castagnoli, Kafka record batches, S3 checksums) and CRC-32 (IEEE, gzip).
@usableFromInline
struct CRC32Slicing: Sendable {
    /// 8 tables of 256 entries, table k at [k * 256 ..< (k + 1) * 256].
    @usableFromInline let table: [UInt32]

    init(reflectedPolynomial poly: UInt32) {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ poly : crc >> 1 }
            t[i] = crc
        }
        for i in 0..<256 {
            for k in 1..<8 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        table = t
    }

    /// Continues `crc` (already inverted, i.e. the running register) over `buffer`.
    @inlinable
    func update(_ register: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = register
        guard var p = buffer.baseAddress else { return crc }
        var n = buffer.count
        return table.withUnsafeBufferPointer { tb -> UInt32 in
            let t = tb.baseAddress.unsafelyUnwrapped
            while n >= 8 {
                let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) ^ UInt64(crc)
                let lo = UInt32(truncatingIfNeeded: word)
                let hi = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(lo & 0xFF)]
                    ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)]
                    ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)]
                    ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)]
                    ^ t[Int(hi >> 24)]
                p += 8
                n -= 8
            }
            while n > 0 {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)]
                p += 1
                n -= 1
            }
            return crc
        }
    }
}

/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), as used by Kafka record batches,
/// iSCSI and S3 `x-amz-checksum-crc32c`.
public struct CRC32C: Sendable {
    @usableFromInline static let slicing = CRC32Slicing(reflectedPolynomial: 0x82F6_3B78)
    @usableFromInline var register: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// Whether the CPU's CRC-32C instruction is used (SSE4.2 on x86-64).
    public static let usesHardware: Bool = chwcrc_available() != 0

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        if Self.usesHardware, let base = buffer.baseAddress {
            register = chwcrc_update(register, base.assumingMemoryBound(to: UInt8.self), buffer.count)
        } else {
            register = Self.slicing.update(register, buffer)
        }
    }

    /// The portable table-driven path, whatever the CPU has (tests compare both paths).
    public mutating func updateWithoutHardware(_ buffer: UnsafeRawBufferPointer) {
        register = Self.slicing.update(register, buffer)
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let copy = Array(bytes)
        copy.withUnsafeBytes { update($0) }
    }
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(buffer)
        return crc.value
    }
}

/// CRC-32 (IEEE 802.3; reflected polynomial 0xEDB88320), as used by gzip, zip and PNG.
public struct CRC32: Sendable {
    @usableFromInline static let slicing = CRC32Slicing(reflectedPolynomial: 0xEDB8_8320)
    @usableFromInline var register: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        register = Self.slicing.update(register, buffer)
    }
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let copy = Array(bytes)
        copy.withUnsafeBytes { update($0) }
    }
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
