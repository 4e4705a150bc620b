import WireCore
/// MongoDB Extended JSON v2 (canonical and relaxed), written straight from BSON bytes.
public enum ExtendedJSON {
    public enum Mode: Sendable {
        /// Every value wrapped so that it parses back to the same BSON type and value.
        case canonical
        /// Plain JSON numbers and ISO dates where that loses no value; type detail may be lost.
        case relaxed
    }

    /// The document as Extended JSON text.
    public static func string(from document: BSONDocument, mode: Mode) -> String {
        var w = JSONWriter(capacity: document.byteCount * 2)
        writeDocument(document, mode: mode, to: &w)
        return w.text
    }

    /// One value as Extended JSON text.
    public static func string(from value: BSONValue, mode: Mode) -> String {
        var w = JSONWriter()
        writeValue(value, mode: mode, to: &w)
        return w.text
    }

    static func writeDocument(_ document: BSONDocument, mode: Mode, to w: inout JSONWriter) {
        w.out.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in document {
            if !first { w.out.append(UInt8(ascii: ",")) }
            first = false
            w.string(key)
            w.out.append(UInt8(ascii: ":"))
            writeValue(value, mode: mode, to: &w)
        }
        w.out.append(UInt8(ascii: "}"))
    }

    static func writeValue(_ value: BSONValue, mode: Mode, to w: inout JSONWriter) {
        switch value {
        case .double(let d):
            if mode == .relaxed && d.isFinite {
                w.raw(formatDouble(d))
            } else {
                w.raw("{\"$numberDouble\":")
                w.string(formatDouble(d))
                w.raw("}")
            }
        case .string(let s): w.string(s)
        case .document(let d): writeDocument(d, mode: mode, to: &w)
        case .array(let a):
            w.out.append(UInt8(ascii: "["))
            var first = true
            for item in a {
                if !first { w.out.append(UInt8(ascii: ",")) }
                first = false
                writeValue(item, mode: mode, to: &w)
            }
            w.out.append(UInt8(ascii: "]"))
        case .binary(let b):
            w.raw("{\"$binary\":{\"base64\":")
            w.string(Base64.encode(b.data))
            w.raw(",\"subType\":")
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            w.out.append(0x22)
            w.out.append(hex[Int(b.subtype.rawValue >> 4)])
            w.out.append(hex[Int(b.subtype.rawValue & 0xF)])
            w.out.append(0x22)
            w.raw("}}")
        case .undefined: w.raw("{\"$undefined\":true}")
        case .objectId(let id):
            w.raw("{\"$oid\":\"")
            w.raw(id.hex)
            w.raw("\"}")
        case .bool(let b): w.raw(b ? "true" : "false")
        case .datetime(let d):
            if mode == .relaxed, let iso = ISO8601Millis.format(d.millisecondsSinceEpoch) {
                w.raw("{\"$date\":\"")
                w.raw(iso)
                w.raw("\"}")
            } else {
                w.raw("{\"$date\":{\"$numberLong\":\"")
                w.raw(String(d.millisecondsSinceEpoch))
                w.raw("\"}}")
            }
        case .null: w.raw("null")
        case .regex(let r):
            w.raw("{\"$regularExpression\":{\"pattern\":")
            w.string(r.pattern)
            w.raw(",\"options\":")
            w.string(r.sortedOptions)
            w.raw("}}")
        case .dbPointer(let p):
            w.raw("{\"$dbPointer\":{\"$ref\":")
            w.string(p.ref)
            w.raw(",\"$id\":{\"$oid\":\"")
            w.raw(p.id.hex)
            w.raw("\"}}}")
        case .javascript(let code):
            w.raw("{\"$code\":")
            w.string(code)
            w.raw("}")
        case .symbol(let s):
            w.raw("{\"$symbol\":")
            w.string(s)
            w.raw("}")
        case .javascriptWithScope(let c):
            w.raw("{\"$code\":")
            w.string(c.code)
            w.raw(",\"$scope\":")
            writeDocument(c.scope, mode: mode, to: &w)
            w.raw("}")
        case .int32(let v):
            if mode == .relaxed {
                w.raw(String(v))
            } else {
                w.raw("{\"$numberInt\":\"")
                w.raw(String(v))
                w.raw("\"}")
            }
        case .timestamp(let t):
            w.raw("{\"$timestamp\":{\"t\":")
            w.raw(String(t.seconds))
            w.raw(",\"i\":")
            w.raw(String(t.increment))
            w.raw("}}")
        case .int64(let v):
            if mode == .relaxed {
                w.raw(String(v))
            } else {
                w.raw("{\"$numberLong\":\"")
                w.raw(String(v))
                w.raw("\"}")
            }
        case .decimal128(let d):
            w.raw("{\"$numberDecimal\":\"")
            w.raw(d.description)
            w.raw("\"}")
        case .minKey: w.raw("{\"$minKey\":1}")
        case .maxKey: w.raw("{\"$maxKey\":1}")
        }
    }

    /// The shortest text that reads back as the same double ("1.0", "-0.0", "1.2345678921232E+18"),
    /// or "Infinity", "-Infinity", "NaN".
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        // Swift writes "1e-07"; Extended JSON (like most languages) writes "1E-7".
        let text = d.description
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        var exponent = text[text.index(after: e)...]
        var sign = "+"
        if let s = exponent.first, s == "-" || s == "+" {
            sign = String(s)
            exponent = exponent.dropFirst()
        }
        let digits = exponent.drop(while: { $0 == "0" })
        return mantissa + "E" + sign + (digits.isEmpty ? "0" : digits)
    }
}
