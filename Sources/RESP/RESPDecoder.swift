/// An incremental RESP2/RESP3 parser: append bytes as they arrive, then call `next()` until it returns nil.
///
/// `next()` never blocks: it returns nil when the buffered bytes do not yet hold a whole value. Aggregates
/// are built on an explicit stack (no recursion), and every element already parsed stays on it, so a large
/// reply arriving in pieces is parsed once; only a scalar cut short (a line, a bulk body) is looked at again.
/// After an error the stream cannot be resynchronised; the decoder keeps failing with the same error.
public struct RESPDecoder: Sendable {
    public let limits: RESPLimits
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the first byte not yet parsed into a value or an open aggregate.
    private var start = 0
    /// Stream offset of `buffer[0]`, so error offsets count from the first byte ever appended.
    private var base = 0
    private var failure: RESPError?
    /// Aggregates opened but not yet complete, outermost first.
    private var open: [OpenAggregate] = []

    /// A struct, not an enum with payloads, so `items` grows in place (an enum payload would be copied).
    private struct OpenAggregate: Sendable {
        /// `*`, `~`, `>` (elements) or `%`, `|` (keys and values, flattened).
        var type: UInt8
        /// Elements still due.
        var remaining: Int
        var items: [RESPValue]
        /// Set once an attribute's pairs are complete: it now waits for the value they decorate.
        var decoratingPairs: [RESPPair]?
    }

    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Bytes appended but not yet parsed (into a returned value or an aggregate still open).
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Lets `receive` append bytes straight to the decoder's buffer (say, a socket read into it), so received
    /// bytes are copied once instead of into a scratch array first. Returns what `receive` returns (the
    /// number of bytes it appended); `receive` must only append.
    public mutating func receive<E: Error>(_ receive: (inout [UInt8]) async throws(E) -> Int) async throws(E) -> Int {
        compact()
        return try await receive(&buffer)
    }

    /// Drops parsed bytes once they are at least half the buffer, so appends stay amortised O(1).
    private mutating func compact() {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            base += start
            start = 0
        }
    }

    /// The next whole value, or nil if more bytes are needed.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func step() throws(RESPError) -> RESPValue? {
        let parser = RESPParser(bytes: buffer, base: base, limits: limits)
        while true {
            guard let (item, end) = try parser.item(at: start) else { return nil }
            start = end
            var value: RESPValue
            switch item {
            case .scalar(let scalar):
                value = scalar
            case .header(let type, let count, let countIndex):
                guard open.count < limits.maxDepth else {
                    throw parser.fail(.depthLimitExceeded, "nesting deeper than \(limits.maxDepth)", at: countIndex)
                }
                let isPairs = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
                guard count <= (isPairs ? limits.maxElementCount / 2 : limits.maxElementCount) else {
                    throw parser.fail(.elementCountLimitExceeded, "\(count) \(isPairs ? "pairs" : "elements") over the limit \(limits.maxElementCount)", at: countIndex)
                }
                let elements = isPairs ? count * 2 : count
                if elements > 0 {
                    var items: [RESPValue] = []
                    // Each element takes at least 3 bytes, so never reserve more than the bytes could hold.
                    items.reserveCapacity(min(elements, (buffer.count - start) / 3 + 1))
                    open.append(OpenAggregate(type: type, remaining: elements, items: items))
                    continue
                }
                if type == UInt8(ascii: "|") {
                    open.append(OpenAggregate(type: type, remaining: 0, items: [], decoratingPairs: []))
                    continue
                }
                value = Self.aggregate(type, [])
            }
            // Hand the finished value to the aggregates it completes, innermost first.
            while let last = open.indices.last {
                if let pairs = open[last].decoratingPairs {
                    open.removeLast()
                    value = .attribute(pairs, value)
                    continue
                }
                open[last].items.append(value)
                open[last].remaining -= 1
                if open[last].remaining > 0 { break }
                if open[last].type == UInt8(ascii: "|") {
                    // The attribute's pairs are done; it decorates the next value, one level deeper
                    // (so chains of attributes stay bounded by maxDepth).
                    open[last].decoratingPairs = Self.pairs(open[last].items)
                    open[last].items = []
                    break
                }
                let done = open.removeLast()
                value = Self.aggregate(done.type, done.items)
            }
            if open.isEmpty { return value }
        }
    }

    private static func pairs(_ flat: [RESPValue]) -> [RESPPair] {
        stride(from: 0, to: flat.count - 1, by: 2).map { RESPPair(flat[$0], flat[$0 + 1]) }
    }

    private static func aggregate(_ type: UInt8, _ items: [RESPValue]) -> RESPValue {
        switch type {
        case UInt8(ascii: "~"): return .set(items)
        case UInt8(ascii: ">"): return .push(items)
        case UInt8(ascii: "%"): return .map(pairs(items))
        default: return .array(items)
        }
    }
}

/// Reads one item (a scalar, or an aggregate header) from the buffered bytes. Returns nil when the bytes
/// end early; throws for malformed bytes, and for an over-long line even before its CR LF arrives.
struct RESPParser {
    let bytes: [UInt8]
    let base: Int
    let limits: RESPLimits

    func fail(_ code: RESPError.Code, _ message: String, at index: Int) -> RESPError {
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

    /// What starts at a byte: a whole scalar, or the header of an aggregate whose elements follow.
    enum Item {
        case scalar(RESPValue)
        /// `count` elements (or pairs, for `%` and `|`); `countIndex` locates the count for error offsets.
        case header(type: UInt8, count: Int, countIndex: Int)
    }

    /// The item starting at `index` and the index after it, or nil if the bytes end first.
    func item(at index: Int) throws(RESPError) -> (Item, Int)? {
        guard index < bytes.count else { return nil }
        let type = bytes[index]
        guard let (lineRange, afterLine) = try line(at: index + 1) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return (.scalar(.simpleString(try utf8(lineRange))), afterLine)
        case UInt8(ascii: "-"):
            return (.scalar(.simpleError(try utf8(lineRange))), afterLine)
        case UInt8(ascii: ":"):
            guard let number = decimal(lineRange) else {
                throw fail(.invalidInteger, "bad integer \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.scalar(.integer(number)), afterLine)
        case UInt8(ascii: "_"):
            guard lineRange.isEmpty else { throw fail(.badTypeByte, "null with payload", at: lineRange.lowerBound) }
            return (.scalar(.null), afterLine)
        case UInt8(ascii: "#"):
            guard lineRange.count == 1, bytes[lineRange.lowerBound] == UInt8(ascii: "t") || bytes[lineRange.lowerBound] == UInt8(ascii: "f") else {
                throw fail(.invalidBoolean, "bad boolean \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.scalar(.boolean(bytes[lineRange.lowerBound] == UInt8(ascii: "t"))), afterLine)
        case UInt8(ascii: ","):
            guard let number = RESPDouble.parse(bytes[lineRange]) else {
                throw fail(.invalidDouble, "bad double \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.scalar(.double(number)), afterLine)
        case UInt8(ascii: "("):
            guard isBigNumber(lineRange) else {
                throw fail(.invalidBigNumber, "bad big number \"\(text(lineRange))\"", at: lineRange.lowerBound)
            }
            return (.scalar(.bigNumber(String(decoding: bytes[lineRange], as: UTF8.self))), afterLine)
        case UInt8(ascii: "$"):
            guard let count = try length(lineRange, allowsNull: true) else { return (.scalar(.bulkString(nil)), afterLine) }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            return (.scalar(.bulkString(Array(bytes[bodyRange]))), end)
        case UInt8(ascii: "!"):
            guard let count = try length(lineRange, allowsNull: false) else { return nil }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            return (.scalar(.bulkError(Array(bytes[bodyRange]))), end)
        case UInt8(ascii: "="):
            guard let count = try length(lineRange, allowsNull: false) else { return nil }
            guard let (bodyRange, end) = try body(at: afterLine, length: count) else { return nil }
            guard bodyRange.count >= 4, bytes[bodyRange.lowerBound + 3] == UInt8(ascii: ":") else {
                throw fail(.invalidVerbatim, "verbatim string lacks \"fmt:\" prefix", at: bodyRange.lowerBound)
            }
            let format = try utf8(bodyRange.lowerBound..<bodyRange.lowerBound + 3)
            return (.scalar(.verbatimString(format: format, text: Array(bytes[(bodyRange.lowerBound + 4)..<bodyRange.upperBound]))), end)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            // Only RESP2's `*-1` is a null aggregate.
            guard let count = try length(lineRange, allowsNull: type == UInt8(ascii: "*")) else { return (.scalar(.array(nil)), afterLine) }
            return (.header(type: type, count: count, countIndex: lineRange.lowerBound), afterLine)
        default:
            throw fail(.badTypeByte, "unknown type byte 0x\(String(type, radix: 16))", at: index)
        }
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
