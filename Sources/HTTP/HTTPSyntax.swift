/// Byte classes from RFC 9110 §5.6 and RFC 9112, as lookup tables so the parser's inner loops
/// are a load and a compare.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA,
    /// as a 128-bit set (bit b of the mask for byte b): a shift and a test, no table in memory.
    private static let tokenMaskLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenMaskHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    @inline(__always) static func isToken(_ b: UInt8) -> Bool {
        b < 64 ? (tokenMaskLow >> b) & 1 == 1 : b < 128 && (tokenMaskHigh >> (b &- 64)) & 1 == 1
    }

    /// field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value: every byte but the
    /// controls (other than HTAB) and DEL.
    @inline(__always) static func isFieldValue(_ b: UInt8) -> Bool {
        b >= 0x20 ? b != 0x7F : b == 0x09
    }

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab }
    /// A request-target byte: visible ASCII (RFC 3986 characters and the `%` of escapes).
    @inline(__always) static func isTargetByte(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }

    static func isToken<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        var any = false
        for b in bytes {
            guard isToken(b) else { return false }
            any = true
        }
        return any
    }

    /// Case-insensitive ASCII comparison.
    @inline(__always)
    static func equalsIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where lower(a[i]) != lower(b[i]) { return false }
        return true
    }

    /// Appends `value` in decimal without building a String.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(0 - value, to: &bytes)  // values here are lengths and codes; never Int.min
            return
        }
        if value < 10 {
            bytes.append(0x30 &+ UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while n > 0 {
                raw[19 - count] = 0x30 &+ UInt8(n % 10)
                n /= 10
                count += 1
            }
            bytes.append(contentsOf: raw[(20 - count)...])
        }
    }

    /// Appends `value` in lowercase hexadecimal (chunk sizes).
    static func appendHex(_ value: Int, to bytes: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        var shift = 60
        while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            bytes.append(digits.utf8Start[(value >> shift) & 0xF])
            shift -= 4
        }
    }
}
