/// Checks that bytes are one well-formed BSON document: lengths agree and stay inside their
/// parents, every string and key is valid UTF-8 and correctly terminated, booleans are 0 or 1,
/// types are known, and size and nesting stay within the limits. It allocates nothing.
enum BSONValidator {
    /// The first problem with the document occupying exactly `range` of `bytes`, or nil.
    static func check(_ bytes: [UInt8], range: Range<Int>, limits: BSONLimits) -> BSONError? {
        bytes.withUnsafeBytes { p in
            do throws(BSONError) {
                try validate(p, range: range, limits: limits)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Validates the document that must occupy exactly `range` of `p`.
    static func validate(_ p: UnsafeRawBufferPointer, range: Range<Int>, limits: BSONLimits) throws(BSONError) {
        try checkEnvelope(p, range: range, limits: limits)
        try document(p, at: range.lowerBound, limit: range.upperBound, depth: 1, limits: limits)
    }

    /// The checks of the outermost length prefix alone: the document must fill `range` exactly.
    static func checkEnvelope(_ p: UnsafeRawBufferPointer, range: Range<Int>, limits: BSONLimits) throws(BSONError) {
        let available = range.count
        guard available >= 4 else {
            throw BSONError(.needMoreData, "a document needs at least 5 bytes, have \(available)", offset: range.lowerBound)
        }
        let declared = Int(RawBSON.int32(p, range.lowerBound))
        guard declared >= 5 else {
            throw BSONError(.malformed, "document length \(declared) is below the minimum of 5", offset: range.lowerBound)
        }
        guard declared <= limits.maxDocumentSize else {
            throw BSONError(.limitExceeded, "document length \(declared) exceeds the limit of \(limits.maxDocumentSize)",
                            offset: range.lowerBound)
        }
        guard declared <= available else {
            throw BSONError(.needMoreData, "document declares \(declared) bytes, have \(available)", offset: range.lowerBound)
        }
        guard declared == available else {
            throw BSONError(.malformed, "\(available - declared) bytes follow the document's declared end",
                            offset: range.lowerBound + declared)
        }
    }

    /// Validates the embedded document at `at`, which must end by `limit`; returns its length.
    @discardableResult
    static func document(_ p: UnsafeRawBufferPointer, at start: Int, limit: Int, depth: Int,
                         limits: BSONLimits) throws(BSONError) -> Int {
        try level(p, at: start, limit: limit, depth: depth, limits: limits, deep: true).length
    }

    /// Validates one document's elements. With `deep` false, embedded documents and arrays are only
    /// bounds-checked (their own elements are left for the caller to validate when it descends, as
    /// BSONTree does, so each byte is scanned once per level). Returns the length and element count.
    @inline(__always)
    static func level(_ p: UnsafeRawBufferPointer, at start: Int, limit: Int, depth: Int,
                      limits: BSONLimits, deep: Bool) throws(BSONError) -> (length: Int, count: Int) {
        guard depth <= limits.maxDepth else {
            throw BSONError(.limitExceeded, "documents nest deeper than \(limits.maxDepth) levels", offset: start)
        }
        guard limit - start >= 5 else {
            throw BSONError(.malformed, "embedded document runs past its parent", offset: start)
        }
        let length = Int(RawBSON.int32(p, start))
        guard length >= 5, length <= limit - start else {
            throw BSONError(.malformed, "embedded document length \(length) does not fit its parent", offset: start)
        }
        let end = start + length - 1   // offset of the terminating NUL
        guard p[end] == 0 else {
            throw BSONError(.malformed, "document does not end with a NUL byte", offset: end)
        }
        var at = start + 4
        var count = 0
        while at < end {
            count += 1
            let type = p[at]
            guard type != 0 else {
                throw BSONError(.malformed, "document terminator found before the declared end", offset: at)
            }
            let keyStart = at + 1
            let keyEnd = RawBSON.nul(p, from: keyStart, limit: end)
            guard keyEnd < end else {
                throw BSONError(.malformed, "key is not NUL-terminated inside its document", offset: keyStart)
            }
            guard UTF8Validation.isValid(p, from: keyStart, to: keyEnd) else {
                throw BSONError(.invalidUTF8, "key is not valid UTF-8", offset: keyStart)
            }
            at = try value(p, type: type, at: keyEnd + 1, limit: end, depth: depth, limits: limits, deep: deep)
        }
        return (length, count)
    }

    /// Validates one value; returns the offset just past it.
    @inline(__always)
    private static func value(_ p: UnsafeRawBufferPointer, type: UInt8, at: Int, limit: Int, depth: Int,
                              limits: BSONLimits, deep: Bool) throws(BSONError) -> Int {
        func fixed(_ size: Int) throws(BSONError) -> Int {
            guard limit - at >= size else {
                throw BSONError(.malformed, "value of type 0x\(hex(type)) is cut short", offset: at)
            }
            return at + size
        }
        switch type {
        case 0x01, 0x09, 0x11, 0x12: return try fixed(8)
        case 0x10: return try fixed(4)
        case 0x13: return try fixed(16)
        case 0x07: return try fixed(12)
        case 0x06, 0x0A, 0x7F, 0xFF: return at
        case 0x08:
            let next = try fixed(1)
            guard p[at] <= 1 else {
                throw BSONError(.malformed, "boolean byte is \(p[at]), not 0 or 1", offset: at)
            }
            return next
        case 0x02, 0x0D, 0x0E:
            return try string(p, at: at, limit: limit)
        case 0x03, 0x04:
            if deep { return at + (try document(p, at: at, limit: limit, depth: depth + 1, limits: limits)) }
            return at + (try shallow(p, at: at, limit: limit, depth: depth + 1, limits: limits))
        case 0x05:
            guard limit - at >= 5 else { throw BSONError(.malformed, "binary header is cut short", offset: at) }
            let length = Int(RawBSON.int32(p, at))
            guard length >= 0, length <= limit - at - 5 else {
                throw BSONError(.malformed, "binary length \(length) does not fit its document", offset: at)
            }
            if p[at + 4] == 0x02 {
                // The old binary subtype repeats the length inside the payload.
                guard length >= 4, Int(RawBSON.int32(p, at + 5)) == length - 4 else {
                    throw BSONError(.malformed, "binary subtype 0x02 inner length disagrees with the outer length", offset: at + 5)
                }
            }
            return at + 5 + length
        case 0x0B:
            let patternEnd = RawBSON.nul(p, from: at, limit: limit)
            guard patternEnd < limit else { throw BSONError(.malformed, "regex pattern is not NUL-terminated", offset: at) }
            let optionsEnd = RawBSON.nul(p, from: patternEnd + 1, limit: limit)
            guard optionsEnd < limit else {
                throw BSONError(.malformed, "regex options are not NUL-terminated", offset: patternEnd + 1)
            }
            guard UTF8Validation.isValid(p, from: at, to: patternEnd),
                  UTF8Validation.isValid(p, from: patternEnd + 1, to: optionsEnd) else {
                throw BSONError(.invalidUTF8, "regex is not valid UTF-8", offset: at)
            }
            return optionsEnd + 1
        case 0x0C:
            let next = try string(p, at: at, limit: limit)
            guard limit - next >= 12 else { throw BSONError(.malformed, "DBPointer id is cut short", offset: next) }
            return next + 12
        case 0x0F:
            guard limit - at >= 4 else { throw BSONError(.malformed, "code-with-scope length is cut short", offset: at) }
            let total = Int(RawBSON.int32(p, at))
            // int32 total + (int32 length + at least the NUL) + the smallest document.
            guard total >= 14, total <= limit - at else {
                throw BSONError(.malformed, "code-with-scope length \(total) does not fit its document", offset: at)
            }
            let end = at + total
            let scopeAt = try string(p, at: at + 4, limit: end)
            let scopeLength = try document(p, at: scopeAt, limit: end, depth: depth + 1, limits: limits)
            guard scopeAt + scopeLength == end else {
                throw BSONError(.malformed, "code-with-scope length disagrees with its parts", offset: at)
            }
            return end
        default:
            throw BSONError(.malformed, "unknown element type 0x\(hex(type))", offset: at - 1)
        }
    }

    /// The checks of an embedded document that do not look inside it; returns its length.
    @inline(__always)
    private static func shallow(_ p: UnsafeRawBufferPointer, at start: Int, limit: Int, depth: Int,
                                limits: BSONLimits) throws(BSONError) -> Int {
        guard depth <= limits.maxDepth else {
            throw BSONError(.limitExceeded, "documents nest deeper than \(limits.maxDepth) levels", offset: start)
        }
        guard limit - start >= 5 else {
            throw BSONError(.malformed, "embedded document runs past its parent", offset: start)
        }
        let length = Int(RawBSON.int32(p, start))
        guard length >= 5, length <= limit - start else {
            throw BSONError(.malformed, "embedded document length \(length) does not fit its parent", offset: start)
        }
        guard p[start + length - 1] == 0 else {
            throw BSONError(.malformed, "document does not end with a NUL byte", offset: start + length - 1)
        }
        return length
    }

    /// An int32-length-prefixed, NUL-terminated UTF-8 string; returns the offset past it.
    private static func string(_ p: UnsafeRawBufferPointer, at: Int, limit: Int) throws(BSONError) -> Int {
        guard limit - at >= 5 else { throw BSONError(.malformed, "string is cut short", offset: at) }
        let length = Int(RawBSON.int32(p, at))
        guard length >= 1, length <= limit - at - 4 else {
            throw BSONError(.malformed, "string length \(length) does not fit its document", offset: at)
        }
        let end = at + 4 + length - 1
        guard p[end] == 0 else { throw BSONError(.malformed, "string is not NUL-terminated", offset: end) }
        guard UTF8Validation.isValid(p, from: at + 4, to: end) else {
            throw BSONError(.invalidUTF8, "string is not valid UTF-8", offset: at + 4)
        }
        return end + 1
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
