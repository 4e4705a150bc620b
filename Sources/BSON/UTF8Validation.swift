/// Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF), with a
/// word-at-a-time fast path for ASCII, which most keys and strings are.
enum UTF8Validation {
    @inline(__always)
    static func isValid(_ p: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Bool {
        var i = start
        // Fast path: 8 bytes at a time while all are ASCII.
        while i + 8 <= end {
            let word = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        // A short tail (most keys): one load that may read past `end` but not past the buffer, masked.
        let tail = end - i
        if tail > 0 && tail < 8 && i + 8 <= p.count {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let mask: UInt64 = (1 << UInt64(tail * 8)) - 1
            if word & mask & 0x8080_8080_8080_8080 == 0 { return true }
        }
        while i < end {
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            return validateMultibyte(p, from: i, to: end)
        }
        return true
    }

    private static func validateMultibyte(_ p: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Bool {
        var i = start
        @inline(__always) func cont(_ j: Int) -> Bool { j < end && p[j] & 0xC0 == 0x80 }
        while i < end {
            let b0 = p[i]
            switch b0 {
            case 0x00...0x7F:
                i += 1
            case 0xC2...0xDF:
                guard cont(i + 1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard cont(i + 1), cont(i + 2) else { return false }
                let b1 = p[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { return false }   // overlong
                if b0 == 0xED && b1 > 0x9F { return false }   // surrogates
                i += 3
            case 0xF0...0xF4:
                guard cont(i + 1), cont(i + 2), cont(i + 3) else { return false }
                let b1 = p[i + 1]
                if b0 == 0xF0 && b1 < 0x90 { return false }   // overlong
                if b0 == 0xF4 && b1 > 0x8F { return false }   // above U+10FFFF
                i += 4
            default:
                return false
            }
        }
        return true
    }
}
