/// Byte constants and tests used by the canonical forms, which are defined over ASCII bytes.
enum ASCII {
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let slash: UInt8 = 0x2F
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let ampersand: UInt8 = 0x26
    static let percent: UInt8 = 0x25
    static let question: UInt8 = 0x3F
    static let hash: UInt8 = 0x23

    /// The whitespace that SigV4's Trimall removes (botocore uses Python's `str.split()`;
    /// these are its ASCII members).
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    @inline(__always)
    static func lowercased(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }

    /// RFC 7230 token characters: what an HTTP header name may contain.
    static func isTokenCharacter(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }

    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(ascii string: StaticString) {
        string.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(utf8 string: String) {
        var s = string
        s.withUTF8 { append(contentsOf: $0) }
    }
}
