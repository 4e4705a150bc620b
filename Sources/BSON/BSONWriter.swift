/// Appends BSON elements to a byte buffer. Embedded documents are written in place and their
/// length patched when they close, so nothing is encoded twice. The first error (a NUL byte in a
/// key or regex) is kept and reported by `finish`; later writes still append, which keeps callers simple.
struct BSONWriter {
    var bytes: [UInt8]
    var error: BSONError?

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func appendInt32(_ v: Int32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    @inline(__always)
    mutating func appendInt64(_ v: Int64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    @inline(__always)
    mutating func appendUInt64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Opens a document: reserves its length; returns where it starts for `closeDocument`.
    @inline(__always)
    mutating func openDocument() -> Int {
        let start = bytes.count
        appendInt32(0)
        return start
    }

    /// Writes the terminator and patches the length of the document opened at `start`.
    @inline(__always)
    mutating func closeDocument(_ start: Int) {
        bytes.append(0)
        let length = Int32(truncatingIfNeeded: bytes.count - start)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: start, as: Int32.self) }
    }

    /// A NUL-terminated key or regex part; a NUL inside it is recorded as an error.
    @inline(__always)
    mutating func appendCString(_ s: String, what: StaticString) {
        var s = s
        let hasNul = s.withUTF8 { u -> Bool in
            bytes.append(contentsOf: u)
            return u.contains(0)
        }
        bytes.append(0)
        if hasNul && error == nil {
            error = BSONError(.nulInCString, "\(what) \"\(s.replacingNul())\" contains a NUL byte")
        }
    }

    @inline(__always)
    mutating func appendElementHeader(_ type: BSONType, _ key: String) {
        bytes.append(type.rawValue)
        appendCString(key, what: "key")
    }

    /// int32 length (bytes + NUL), the UTF-8, then NUL. Strings may contain NUL bytes.
    @inline(__always)
    mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { u in
            appendInt32(Int32(truncatingIfNeeded: u.count + 1))
            bytes.append(contentsOf: u)
        }
        bytes.append(0)
    }

    mutating func appendObjectId(_ id: ObjectId) {
        withUnsafeBytes(of: id.bytes) { bytes.append(contentsOf: $0) }
    }

    /// Appends `key: value`.
    mutating func append(_ key: String, _ value: BSONValue) {
        appendElementHeader(value.type, key)
        appendValue(value)
    }

    /// Appends the value part of an element whose header is already written.
    mutating func appendValue(_ value: BSONValue) {
        switch value {
        case .double(let v): appendUInt64(v.bitPattern)
        case .string(let v), .javascript(let v), .symbol(let v): appendString(v)
        case .document(let d): bytes.append(contentsOf: d.bytes)
        case .array(let a): bytes.append(contentsOf: a.document.bytes)
        case .binary(let b):
            if b.subtype == .binaryOld {
                appendInt32(Int32(truncatingIfNeeded: b.data.count + 4))
                bytes.append(b.subtype.rawValue)
                appendInt32(Int32(truncatingIfNeeded: b.data.count))
            } else {
                appendInt32(Int32(truncatingIfNeeded: b.data.count))
                bytes.append(b.subtype.rawValue)
            }
            bytes.append(contentsOf: b.data)
        case .undefined, .null, .minKey, .maxKey: break
        case .objectId(let id): appendObjectId(id)
        case .bool(let v): bytes.append(v ? 1 : 0)
        case .datetime(let d): appendInt64(d.millisecondsSinceEpoch)
        case .regex(let r):
            appendCString(r.pattern, what: "regex pattern")
            appendCString(r.sortedOptions, what: "regex options")
        case .dbPointer(let d):
            appendString(d.ref)
            appendObjectId(d.id)
        case .javascriptWithScope(let c):
            let start = bytes.count
            appendInt32(0)
            appendString(c.code)
            bytes.append(contentsOf: c.scope.bytes)
            let length = Int32(truncatingIfNeeded: bytes.count - start)
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: start, as: Int32.self) }
        case .int32(let v): appendInt32(v)
        case .timestamp(let t):
            appendInt32(Int32(bitPattern: t.increment))
            appendInt32(Int32(bitPattern: t.seconds))
        case .int64(let v): appendInt64(v)
        case .decimal128(let d):
            appendUInt64(d.low)
            appendUInt64(d.high)
        }
    }

    /// The finished bytes as a document, after checking the first error and the size limit.
    /// Depth is not checked here (embedded documents were validated on their own); a reader of
    /// these bytes applies its own depth limit.
    consuming func finish(limits: BSONLimits) throws(BSONError) -> BSONDocument {
        if let error { throw error }
        guard bytes.count <= limits.maxDocumentSize else {
            throw BSONError(.limitExceeded, "document of \(bytes.count) bytes exceeds the limit of \(limits.maxDocumentSize)")
        }
        return BSONDocument(validated: bytes, range: 0..<bytes.count)
    }
}

extension String {
    /// For error messages: NUL shown as \0.
    func replacingNul() -> String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar == "\0" { out += "\\0" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
