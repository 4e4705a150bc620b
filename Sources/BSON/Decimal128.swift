/// An IEEE 754-2008 128-bit decimal in the binary integer decimal (BID) encoding (BSON type 0x13).
///
/// Layout of the 128 bits (high word first): 1 sign bit, a 17-bit combination field holding the
/// 14-bit biased exponent (bias 6176), and a 113-bit coefficient of at most 34 decimal digits.
/// Values are kept exactly as stored; `description` and `init(_: String)` convert per the
/// BSON Decimal128 spec (scientific-string form, no rounding on input).
public struct Decimal128: Sendable, Hashable, CustomStringConvertible {
    /// The low 64 bits (the wire stores these first, little-endian).
    public var low: UInt64
    /// The high 64 bits: sign, combination field and top of the coefficient.
    public var high: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    static let exponentBias = 6176
    static let maxExponent = 6111
    static let minExponent = -6176
    static let maxDigits = 34
    static let maxCoefficient: UInt128 = 9_999_999_999_999_999_999_999_999_999_999_999

    public static let nan = Decimal128(high: 0x7C00_0000_0000_0000, low: 0)
    public static let infinity = Decimal128(high: 0x7800_0000_0000_0000, low: 0)
    public static let negativeInfinity = Decimal128(high: 0xF800_0000_0000_0000, low: 0)

    /// Builds a finite value from its parts; the caller keeps `coefficient` and `exponent` in range.
    init(negative: Bool, coefficient: UInt128, exponent: Int) {
        let biased = UInt64(exponent + Decimal128.exponentBias)
        high = (negative ? 1 << 63 : 0) | biased << 49 | UInt64(truncatingIfNeeded: coefficient >> 64)
        low = UInt64(truncatingIfNeeded: coefficient)
    }

    public var isNegative: Bool { high >> 63 == 1 }
    public var isNaN: Bool { (high >> 58) & 0x1F == 0x1F }
    public var isInfinite: Bool { (high >> 58) & 0x1F == 0x1E }

    /// Sign, coefficient and unbiased exponent of a finite value. Non-canonical encodings (a
    /// coefficient above 34 digits, or the "11" combination form) read as a zero coefficient, as the spec says.
    var finiteParts: (negative: Bool, coefficient: UInt128, exponent: Int) {
        let biased: UInt64
        var coefficient: UInt128
        if (high >> 61) & 0b11 == 0b11 {
            biased = (high >> 47) & 0x3FFF
            coefficient = 0
        } else {
            biased = (high >> 49) & 0x3FFF
            coefficient = UInt128(high & 0x1_FFFF_FFFF_FFFF) << 64 | UInt128(low)
            if coefficient > Decimal128.maxCoefficient { coefficient = 0 }
        }
        return (isNegative, coefficient, Int(biased) - Decimal128.exponentBias)
    }

    /// The scientific-string form (IEEE 754 to-scientific-string), as Extended JSON writes it.
    public var description: String {
        if isNaN { return "NaN" }
        if isInfinite { return isNegative ? "-Infinity" : "Infinity" }
        let (negative, coefficient, exponent) = finiteParts
        let digits = Array(String(coefficient).utf8)
        let adjusted = exponent + digits.count - 1
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if exponent <= 0 && adjusted >= -6 {
            if exponent == 0 {
                out += digits
            } else {
                let point = digits.count + exponent
                if point > 0 {
                    out += digits[..<point]
                    out.append(UInt8(ascii: "."))
                    out += digits[point...]
                } else {
                    out += Array("0.".utf8)
                    out += [UInt8](repeating: UInt8(ascii: "0"), count: -point)
                    out += digits
                }
            }
        } else {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            out.append(UInt8(ascii: "E"))
            out.append(adjusted >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            out += Array(String(adjusted.magnitude).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
