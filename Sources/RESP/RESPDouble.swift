/// The text form of RESP3 doubles: `[-]digits[.digits][(e|E)[+|-]digits]`, `inf`, `-inf`, `nan`.
enum RESPDouble {
    /// Parses the strict grammar first so Swift's `Double(String)` never sees forms RESP does not allow
    /// (hex floats, "infinity", leading spaces).
    static func parse(_ bytes: ArraySlice<UInt8>) -> Double? {
        switch String(decoding: bytes, as: UTF8.self) {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan  // "-nan" was valid in earlier versions of the spec.
        default: break
        }
        guard bytes.count <= 400 else { return nil }
        var index = bytes.startIndex
        func digits() -> Int {
            let from = index
            while index < bytes.endIndex && bytes[index] &- UInt8(ascii: "0") <= 9 { index += 1 }
            return index - from
        }
        if index < bytes.endIndex && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
        var mantissa = digits()
        if index < bytes.endIndex && bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return nil }
        if index < bytes.endIndex && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.endIndex && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// Shortest text that parses back to the same double.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }
}
