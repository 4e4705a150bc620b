/// Lowercase hexadecimal, the form SigV4 uses for hashes and signatures.
enum HexEncoding {
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    /// Fills a scratch buffer and appends it once: per-byte appends to a growing array cost
    /// more than the hex conversion itself.
    static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count * 2) { scratch in
                var i = 0
                for b in input {
                    scratch[i] = digit(b >> 4)
                    scratch[i + 1] = digit(b & 0x0F)
                    i += 2
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<i]))
            }
        }
    }

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return out
    }

    static func string(_ bytes: [UInt8]) -> String {
        ASCII.string(encode(bytes))
    }

    /// Whether `bytes` is exactly `count` lowercase hex digits (a well-formed signature).
    static func isLowercaseHex(_ bytes: some Collection<UInt8>, count: Int) -> Bool {
        bytes.count == count && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
