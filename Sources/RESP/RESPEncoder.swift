/// Writes RESP: client commands (arrays of bulk strings) and any `RESPValue` (for tests and fake servers).
public enum RESPEncoder {
    /// A command as the client sends it: `*<n>\r\n` then each argument as a bulk string.
    public static func encodeCommand(_ arguments: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.count + 16 })
        header(UInt8(ascii: "*"), arguments.count, into: &out)
        for argument in arguments {
            header(UInt8(ascii: "$"), argument.count, into: &out)
            out.append(contentsOf: argument)
            out.append(0x0D); out.append(0x0A)
        }
        return out
    }

    public static func encodeCommand(_ arguments: [String]) -> [UInt8] {
        encodeCommand(arguments.map { Array($0.utf8) })
    }

    public static func encode(_ value: RESPValue) throws(RESPError) -> [UInt8] {
        var out: [UInt8] = []
        try encode(value, into: &out)
        return out
    }

    /// Appends `value`. Throws `.unencodable` for a simple string or error holding CR or LF (which would
    /// end the line early), for a verbatim format that is not 3 bytes, and for a big number that is not decimal.
    public static func encode(_ value: RESPValue, into out: inout [UInt8]) throws(RESPError) {
        switch value {
        case .simpleString(let text): try checkedLine(UInt8(ascii: "+"), text, into: &out)
        case .simpleError(let text): try checkedLine(UInt8(ascii: "-"), text, into: &out)
        case .integer(let number): line(UInt8(ascii: ":"), String(number), into: &out)
        case .bulkString(nil): line(UInt8(ascii: "$"), "-1", into: &out)
        case .bulkString(let bytes?): bulk(UInt8(ascii: "$"), bytes, into: &out)
        case .array(nil): line(UInt8(ascii: "*"), "-1", into: &out)
        case .array(let elements?): try aggregate(UInt8(ascii: "*"), elements, into: &out)
        case .null: line(UInt8(ascii: "_"), "", into: &out)
        case .boolean(let flag): line(UInt8(ascii: "#"), flag ? "t" : "f", into: &out)
        case .double(let number): line(UInt8(ascii: ","), RESPDouble.format(number), into: &out)
        case .bigNumber(let digits):
            guard RESPParser.isBigNumberText(digits) else { throw RESPError(.unencodable, "big number \"\(digits)\" is not decimal") }
            line(UInt8(ascii: "("), digits, into: &out)
        case .bulkError(let bytes): bulk(UInt8(ascii: "!"), bytes, into: &out)
        case .verbatimString(let format, let text):
            let formatBytes = Array(format.utf8)
            guard formatBytes.count == 3 else {
                throw RESPError(.unencodable, "verbatim format \"\(format)\" must be 3 bytes")
            }
            bulk(UInt8(ascii: "="), formatBytes + [UInt8(ascii: ":")] + text, into: &out)
        case .map(let pairs): try pairsAggregate(UInt8(ascii: "%"), pairs, into: &out)
        case .set(let elements): try aggregate(UInt8(ascii: "~"), elements, into: &out)
        case .attribute(let pairs, let decorated):
            try pairsAggregate(UInt8(ascii: "|"), pairs, into: &out)
            try encode(decorated, into: &out)
        case .push(let elements): try aggregate(UInt8(ascii: ">"), elements, into: &out)
        }
    }

    private static func header(_ type: UInt8, _ count: Int, into out: inout [UInt8]) {
        line(type, String(count), into: &out)
    }

    private static func line(_ type: UInt8, _ text: String, into out: inout [UInt8]) {
        out.append(type)
        out.append(contentsOf: text.utf8)
        out.append(0x0D); out.append(0x0A)
    }

    private static func checkedLine(_ type: UInt8, _ text: String, into out: inout [UInt8]) throws(RESPError) {
        guard !text.utf8.contains(0x0D) && !text.utf8.contains(0x0A) else {
            throw RESPError(.unencodable, "simple string or error contains CR or LF")
        }
        line(type, text, into: &out)
    }

    private static func bulk(_ type: UInt8, _ bytes: [UInt8], into out: inout [UInt8]) {
        header(type, bytes.count, into: &out)
        out.append(contentsOf: bytes)
        out.append(0x0D); out.append(0x0A)
    }

    private static func aggregate(_ type: UInt8, _ elements: [RESPValue], into out: inout [UInt8]) throws(RESPError) {
        header(type, elements.count, into: &out)
        for element in elements { try encode(element, into: &out) }
    }

    private static func pairsAggregate(_ type: UInt8, _ pairs: [RESPPair], into out: inout [UInt8]) throws(RESPError) {
        header(type, pairs.count, into: &out)
        for pair in pairs {
            try encode(pair.key, into: &out)
            try encode(pair.value, into: &out)
        }
    }
}
