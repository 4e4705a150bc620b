/// An incremental RESP2/RESP3 parser: append bytes as they arrive, then call `next()` until it returns nil.
///
/// `next()` never blocks. It returns nil when the buffered bytes do not yet hold a whole value and leaves
/// them buffered; the value is parsed again from its first byte once more bytes are appended (values are
/// small compared with the cost of keeping resumable parser state, and a long line is bounded by the limits).
/// After an error the stream cannot be resynchronised; the decoder keeps failing with the same error.
public struct RESPDecoder: Sendable {
    public let limits: RESPLimits
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the first byte not yet returned as part of a value.
    private var start = 0
    /// Stream offset of `buffer[0]`, so error offsets count from the first byte ever appended.
    private var base = 0
    private var failure: RESPError?

    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Bytes appended but not yet consumed by a returned value.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            base += start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole value, or nil if more bytes are needed.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        let parser = RESPParser(bytes: buffer, base: base, limits: limits)
        do {
            guard let (value, end) = try parser.value(at: start, depth: 0) else { return nil }
            start = end
            return value
        } catch {
            failure = error
            throw error
        }
    }
}

/// One parse attempt over the buffered bytes. Returns nil (never throws) when the bytes end early,
/// except that an over-long line is an error even before its CR LF arrives.
struct RESPParser {
    let bytes: [UInt8]
    let base: Int
    let limits: RESPLimits

    private func fail(_ code: RESPError.Code, _ message: String, at index: Int) -> RESPError {
        RESPError(code, message, offset: base + index)
    }

    /// The bytes of the line starting at `index` (excluding CR LF) and the index after its LF.
    private func line(at index: Int) throws(RESPError) -> (Range<Int>, Int)? {
        var cursor = index
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == 0x0D {
                guard cursor + 1 < bytes.count else { return nil }
                guard bytes[cursor + 1] == 0x0A else { throw fail(.missingCRLF, "CR not followed by LF", at: cursor) }
                return (index..<cursor, cursor + 2)
            }
            if byte == 0x0A { throw fail(.missingCRLF, "LF without CR", at: cursor) }
            if cursor - index >= limits.maxLineLength {
                throw fail(.lineLengthLimitExceeded, "line longer than \(limits.maxLineLength) bytes", at: index)
            }
            cursor += 1
        }
        return nil
    }

    /// An optionally signed decimal that fits Int64, or nil.
    private func decimal(_ range: Range<Int>) -> Int64? {
        var index = range.lowerBound
        var negative = false
        if index < range.upperBound && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < range.upperBound else { return nil }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            // Accumulate negatively so Int64.min parses.
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times.subtractingReportingOverflow(Int64(digit))
            guard !o1 && !o2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// A length or count line: a non-negative decimal, or -1 where `allowsNull`.
    private func length(_ range: Range<Int>, allowsNull: Bool) throws(RESPError) -> Int? {
        guard let raw = decimal(range), bytes[range.lowerBound] != UInt8(ascii: "+"),
              raw >= -1, raw <= Int64(Int.max) else {
            throw fail(.badLength, "bad length \"\(text(range))\"", at: range.lowerBound)
        }
        if raw == -1 {
            guard allowsNull else { throw fail(.badLength, "length -1 not allowed here", at: range.lowerBound) }
            return nil
        }
        return Int(raw)
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 40)], as: UTF8.self)
    }

    private func utf8(_ range: Range<Int>) throws(RESPError) -> String {
        guard let string = String(validating: bytes[range], as: UTF8.self) else {
            throw fail(.invalidUTF8, "line is not valid UTF-8", at: range.lowerBound)
        }
        return string
    }

    /// A length-prefixed body starting at `index`: its range and the index after its CR LF.
    private func body(at index: Int, length: Int) throws(RESPError) -> (Range<Int>, Int)? {
        guard length <= limits.maxBulkLength else {
            throw fail(.bulkLengthLimitExceeded, "bulk length \(length) over \(limits.maxBulkLength)", at: index)
        }
        guard bytes.count - index >= length + 2 else { return nil }
        let end = index + length
        guard bytes[end] == 0x0D && bytes[end + 1] == 0x0A else {
            throw fail(.missingCRLF, "bulk body of \(length) bytes not followed by CR LF", at: end)
        }
        return (index..<end, end + 2)
    }

    func value(at index: Int, depth: Int) throws(RESPError) -> (RESPValue, Int)? {
        guard index < bytes.count else { return nil }
        let type = bytes[index]
        guard let (lineRange, afterLine) = try line(at: index + 1) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return (.simpleString(try utf8(lineRange)), afterLine)
        case UInt8(ascii: "-"):
            return (.simpleError(try utf8(lineRange)), afterLine)
        case UInt8(ascii: ":"):
            guard let number = decimal(lineRange) else {
                throw fail(.invalidInteger, "bad integer \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.integer(number), afterLine)
        case UInt8(ascii: "_"):
            guard lineRange.isEmpty else { throw fail(.badTypeByte, "null with payload", at: lineRange.lowerBound) }
            return (.null, afterLine)
        case UInt8(ascii: "#"):
            guard lineRange.count == 1, bytes[lineRange.lowerBound] == UInt8(ascii: "t") || bytes[lineRange.lowerBound] == UInt8(ascii: "f") else {
                throw fail(.invalidBoolean, "bad boolean \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.boolean(bytes[lineRange.lowerBound] == UInt8(ascii: "t")), afterLine)
        case UInt8(ascii: ","):
            guard let number = RESPDouble.parse(bytes[lineRange]) else {
                throw fail(.invalidDouble, "bad double \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.double(number), afterLine)
        case UInt8(ascii: "("):
            guard isBigNumber(lineRange) else {
                throw fail(.invalidBigNumber, "bad big number \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.bigNumber(String(decoding: bytes[lineRange], as: UTF8.self)), afterLine)
        case UInt8(ascii: "$"):
            guard let count = try length(lineRange, allowsNull: true) else { return (.bulkString(nil), afterLine) }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            return (.bulkString(Array(bytes[bodyRange])), end)
        case UInt8(ascii: "!"):
            guard let count = try length(lineRange, allowsNull: false) else { return nil }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            return (.bulkError(Array(bytes[bodyRange])), end)
        case UInt8(ascii: "="):
            guard let count = try length(lineRange, allowsNull: false) else { return nil }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            guard bodyRange.count >= 4, bytes[bodyRange.lowerBound + 3] == UInt8(ascii: ":") else {
                throw fail(.invalidVerbatim, "verbatim string lacks \"fmt:\" prefix", at: bodyRange.lowerBound)
            }
            let format = try utf8(bodyRange.lowerBound..<bodyRange.lowerBound + 3)
            return (.verbatimString(format: format, text: Array(bytes[(bodyRange.lowerBound + 4)..<bodyRange.upperBound])), end)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            guard let count = try length(lineRange, allowsNull: type == UInt8(ascii: "*")) else { return (.array(nil), afterLine) }
            guard let (elements, end) = try elements(count, at: afterLine, depth: depth + 1, countIndex: lineRange.lowerBound) else { return nil }
            switch type {
            case UInt8(ascii: "*"): return (.array(elements), end)
            case UInt8(ascii: "~"): return (.set(elements), end)
            default: return (.push(elements), end)
            }
        case UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let pairs = try length(lineRange, allowsNull: false) else { return nil }
            guard pairs <= limits.maxElementCount / 2 else {
                throw fail(.elementCountLimitExceeded, "\(pairs) pairs over \(limits.maxElementCount / 2)", at: lineRange.lowerBound)
            }
            guard let (flat, end) = try elements(pairs * 2, at: afterLine, depth: depth + 1, countIndex: lineRange.lowerBound) else { return nil }
            var list: [RESPPair] = []
            list.reserveCapacity(pairs)
            for pair in 0..<pairs { list.append(RESPPair(flat[2 * pair], flat[2 * pair + 1])) }
            if type == UInt8(ascii: "%") { return (.map(list), end) }
            // An attribute decorates the value after it; that value counts one level deeper so chains stay bounded.
            guard let (decorated, afterValue) = try value(at: end, depth: depth + 1) else { return nil }
            return (.attribute(list, decorated), afterValue)
        default:
            throw fail(.badTypeByte, "unknown type byte 0x\(String(type, radix: 16))", at: index)
        }
    }

    private func elements(_ count: Int, at index: Int, depth: Int, countIndex: Int) throws(RESPError) -> ([RESPValue], Int)? {
        guard count <= limits.maxElementCount else {
            throw fail(.elementCountLimitExceeded, "\(count) elements over \(limits.maxElementCount)", at: countIndex)
        }
        guard depth <= limits.maxDepth else {
            throw fail(.depthLimitExceeded, "nesting deeper than \(limits.maxDepth)", at: countIndex)
        }
        var result: [RESPValue] = []
        // Each element takes at least 3 bytes, so never reserve more than the bytes could hold.
        result.reserveCapacity(min(count, (bytes.count - index) / 3 + 1))
        var cursor = index
        for _ in 0..<count {
            guard let (element, end) = try value(at: cursor, depth: depth) else { return nil }
            result.append(element)
            cursor = end
        }
        return (result, cursor)
    }

    private func isBigNumber(_ range: Range<Int>) -> Bool {
        Self.isBigNumberBytes(bytes[range])
    }

    /// `[+|-]digits`, at least one digit.
    static func isBigNumberBytes<C: Collection>(_ text: C) -> Bool where C.Element == UInt8 {
        var rest = text[...]
        if let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy { $0 &- UInt8(ascii: "0") <= 9 }
    }

    static func isBigNumberText(_ text: String) -> Bool { isBigNumberBytes(text.utf8) }
}
