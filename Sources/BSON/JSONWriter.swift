/// Writes JSON text: compact, members in order, numbers as their stored text, and strings with
/// the escapes JSON requires (quote, backslash, control characters); other characters stay UTF-8.
struct JSONWriter {
    var out: [UInt8] = []

    init(capacity: Int = 256) { out.reserveCapacity(capacity) }

    var text: String { String(decoding: out, as: UTF8.self) }

    @inline(__always) mutating func raw(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
    @inline(__always) mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    mutating func string(utf8 u: UnsafeBufferPointer<UInt8>) {
        out.append(0x22)
        var runStart = 0
        for k in 0..<u.count {
            let ch = u[k]
            guard ch < 0x20 || ch == 0x22 || ch == 0x5C else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<k]))
            runStart = k + 1
            switch ch {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                raw("\\u00")
                out.append(hex[Int(ch >> 4)])
                out.append(hex[Int(ch & 0xF)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count]))
        out.append(0x22)
    }

    mutating func value(_ v: JSONValue) {
        switch v {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): raw(n)
        case .string(let s): string(s)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                value(item)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, m) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                string(m.key)
                out.append(UInt8(ascii: ":"))
                value(m.value)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue {
    /// Compact JSON text.
    public var jsonText: String {
        var w = JSONWriter()
        w.value(self)
        return w.text
    }
}
