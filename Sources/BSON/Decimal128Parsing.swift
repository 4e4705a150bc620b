extension Decimal128 {
    /// Parses decimal text: an optional sign, digits with at most one point, an optional exponent;
    /// or "Infinity"/"Inf"/"NaN" in any case. The value must be stored exactly: a coefficient beyond
    /// 34 digits or an exponent beyond the range is accepted only when dropping or adding zeros makes it
    /// fit (clamping); anything that would need rounding is an error, as the BSON Decimal128 spec requires.
    public init(_ text: String) throws(BSONError) {
        let c = Array(text.utf8)
        func fail(_ why: String) -> BSONError { BSONError(.invalidDecimal128, "\"\(text)\" is not a Decimal128: \(why)") }
        var i = 0
        var negative = false
        if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
            negative = c[i] == UInt8(ascii: "-")
            i += 1
        }
        let word = String(decoding: c[i...], as: UTF8.self).lowercased()
        if word == "infinity" || word == "inf" {
            self = negative ? .negativeInfinity : .infinity
            return
        }
        if word == "nan" {
            self = .nan
            return
        }

        // Significant digits (leading zeros dropped), how many follow the point, and whether any digit was seen.
        var digits: [UInt8] = []
        var sawDigit = false
        var sawPoint = false
        var fractionDigits = 0
        while i < c.count {
            let ch = c[i]
            if ch >= 0x30 && ch <= 0x39 {
                sawDigit = true
                if sawPoint { fractionDigits += 1 }
                if !(digits.isEmpty && ch == 0x30) { digits.append(ch - 0x30) }
            } else if ch == UInt8(ascii: ".") {
                if sawPoint { throw fail("two decimal points") }
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { throw fail("no digits") }

        // The written exponent saturates: beyond ±10^9 the value is certainly out of range
        // unless the coefficient is zero, and zeros clamp.
        var exponent = 0
        if i < c.count, c[i] == UInt8(ascii: "e") || c[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
                expNegative = c[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExpDigit = false
            while i < c.count, c[i] >= 0x30, c[i] <= 0x39 {
                sawExpDigit = true
                if exponent < 1_000_000_000 { exponent = exponent * 10 + Int(c[i] - 0x30) }
                i += 1
            }
            guard sawExpDigit else { throw fail("exponent has no digits") }
            if expNegative { exponent = -exponent }
        }
        guard i == c.count else { throw fail("unexpected character at position \(i)") }

        exponent -= fractionDigits

        if digits.isEmpty {
            // Zero: any exponent is exact once clamped to the representable range.
            let clamped = min(max(exponent, Decimal128.minExponent), Decimal128.maxExponent)
            self.init(negative: negative, coefficient: 0, exponent: clamped)
            return
        }

        // Too many digits: drop trailing zeros (exact); a non-zero digit would need rounding.
        while digits.count > Decimal128.maxDigits || exponent < Decimal128.minExponent {
            guard digits.last == 0 else {
                throw fail(digits.count > Decimal128.maxDigits ? "more than 34 significant digits" : "exponent underflow")
            }
            digits.removeLast()
            exponent += 1
        }
        // Exponent too large: pad the coefficient with zeros while it has room (clamping).
        while exponent > Decimal128.maxExponent {
            guard digits.count < Decimal128.maxDigits else { throw fail("exponent overflow") }
            digits.append(0)
            exponent -= 1
        }
        var coefficient: UInt128 = 0
        for d in digits { coefficient = coefficient * 10 + UInt128(d) }
        self.init(negative: negative, coefficient: coefficient, exponent: exponent)
    }
}
