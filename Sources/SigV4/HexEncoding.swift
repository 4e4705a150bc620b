/// Lowercase hexadecimal, the form SigV4 uses for hashes and signatures.
enum HexEncoding {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append(bytes, to: &out)
        return out
    }

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        ASCII.string(encode(bytes))
    }

    /// Whether `bytes` is exactly `count` lowercase hex digits (a well-formed signature).
    static func isLowercaseHex(_ bytes: some Collection<UInt8>, count: Int) -> Bool {
        bytes.count == count && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
