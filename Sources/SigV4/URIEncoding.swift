/// RFC 3986 percent-encoding as SigV4 defines it ("UriEncode"): every byte except the
/// unreserved characters `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex, and a space
/// is `%20`, never `+`. Object keys are encoded byte by byte from their UTF-8 form, so `+`,
/// `=`, `@`, `[`, `]`, `%` and non-ASCII keys come out the way S3 computes them.
public enum URIEncoding {
    @inline(__always)
    static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }

    @inline(__always)
    private static func upperHexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x37 + nibble }

    /// Appends the encoding of `bytes`; with `keepSlash` a `/` stays as it is (paths and keys).
    public static func append(_ bytes: some Sequence<UInt8>, keepSlash: Bool, to out: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { appendContiguous($0, keepSlash: keepSlash, to: &out) }
        if done == nil {
            for b in bytes { appendByte(b, keepSlash: keepSlash, to: &out) }
        }
    }

    private static func appendContiguous(_ input: UnsafeBufferPointer<UInt8>, keepSlash: Bool, to out: inout [UInt8]) {
        for b in input { appendByte(b, keepSlash: keepSlash, to: &out) }
    }

    @inline(__always)
    private static func appendByte(_ b: UInt8, keepSlash: Bool, to out: inout [UInt8]) {
        if isUnreserved(b) || (keepSlash && b == ASCII.slash) {
            out.append(b)
        } else {
            out.append(ASCII.percent)
            out.append(upperHexDigit(b >> 4))
            out.append(upperHexDigit(b & 0x0F))
        }
    }

    public static func encode(_ bytes: some Sequence<UInt8>, keepSlash: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        append(bytes, keepSlash: keepSlash, to: &out)
        return out
    }

    public static func encode(_ string: String, keepSlash: Bool = false) -> String {
        ASCII.string(encode(string.utf8, keepSlash: keepSlash))
    }

    /// Decodes `%XX` escapes. A `%` not followed by two hex digits stays a literal `%`
    /// (re-encoding then yields `%25`), and `+` stays `+`: SigV4 query strings are RFC 3986,
    /// not HTML form encoding.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == ASCII.percent {
                let h1 = bytes.index(after: i)
                if h1 != bytes.endIndex {
                    let h2 = bytes.index(after: h1)
                    if h2 != bytes.endIndex, let hi = hexValue(bytes[h1]), let lo = hexValue(bytes[h2]) {
                        out.append(hi << 4 | lo)
                        i = bytes.index(after: h2)
                        continue
                    }
                }
            }
            out.append(b)
            i = bytes.index(after: i)
        }
        return out
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
