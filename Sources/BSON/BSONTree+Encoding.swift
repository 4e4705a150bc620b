import Foundation

extension BSONTree {
    /// Encodes the tree. The exact size is computed first, so the bytes are written once into a
    /// buffer of the right size with no growth.
    public func encode(limits: BSONLimits = .default) throws(BSONError) -> BSONDocument {
        let size = Self.size(of: self)
        guard size <= limits.maxDocumentSize else {
            throw BSONError(.limitExceeded, "document of \(size) bytes exceeds the limit of \(limits.maxDocumentSize)")
        }
        var nulInKey = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var out = TreeWriter(base: buffer.baseAddress!)
            out.document(self)
            nulInKey = out.nulInCString
            count = out.at
        }
        if nulInKey {
            throw BSONError(.nulInCString, "a key or regex in the tree contains a NUL byte")
        }
        return BSONDocument(validated: bytes, range: 0..<bytes.count)
    }

    // MARK: sizes

    // Loops index unsafe buffers so elements are read in place (borrowed), not copied and retained.
    static func size(of tree: BSONTree) -> Int {
        tree.fields.withUnsafeBufferPointer { fields in
            var n = 5
            for i in fields.indices { n += 2 + fields[i].key.utf8.count + size(of: fields[i].value) }
            return n
        }
    }

    static func size(of node: Node) -> Int {
        switch node {
        case .document(let t): return size(of: t)
        case .array(let items):
            return items.withUnsafeBufferPointer { items in
                var n = 5
                for i in items.indices { n += 2 + decimalDigits(i) + size(of: items[i]) }
                return n
            }
        case .value(let v): return size(of: v)
        }
    }

    static func size(of value: BSONValue) -> Int {
        switch value {
        case .double, .datetime, .timestamp, .int64: return 8
        case .string(let s), .javascript(let s), .symbol(let s): return 5 + s.utf8.count
        case .document(let d): return d.byteCount
        case .array(let a): return a.document.byteCount
        case .binary(let b): return 5 + (b.subtype == .binaryOld ? 4 : 0) + b.data.count
        case .undefined, .null, .minKey, .maxKey: return 0
        case .objectId: return 12
        case .bool: return 1
        case .regex(let r): return r.pattern.utf8.count + r.options.utf8.count + 2
        case .dbPointer(let d): return 5 + d.ref.utf8.count + 12
        case .javascriptWithScope(let c): return 4 + 5 + c.code.utf8.count + c.scope.byteCount
        case .int32: return 4
        case .decimal128: return 16
        }
    }

    @inline(__always)
    static func decimalDigits(_ i: Int) -> Int {
        var n = 1
        var v = i
        while v >= 10 { v /= 10; n += 1 }
        return n
    }
}

/// Writes into a buffer already sized exactly for the tree.
private struct TreeWriter {
    let base: UnsafeMutablePointer<UInt8>
    var at = 0
    var nulInCString = false

    init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

    @inline(__always) mutating func byte(_ b: UInt8) { base[at] = b; at += 1 }

    @inline(__always) mutating func int32(_ v: Int32) {
        UnsafeMutableRawPointer(base + at).storeBytes(of: v.littleEndian, as: Int32.self); at += 4
    }
    @inline(__always) mutating func uint64(_ v: UInt64) {
        UnsafeMutableRawPointer(base + at).storeBytes(of: v.littleEndian, as: UInt64.self); at += 8
    }

    @inline(__always) mutating func raw(_ p: UnsafeRawBufferPointer) {
        if let src = p.baseAddress, p.count > 0 { (base + at).update(from: src.assumingMemoryBound(to: UInt8.self), count: p.count) }
        at += p.count
    }

    @inline(__always) mutating func cstring(_ s: String) {
        var s = s
        s.withUTF8 { u in
            var nul = false
            for k in 0..<u.count {
                let b = u[k]
                base[at + k] = b
                nul = nul || b == 0
            }
            if nul { nulInCString = true }
            at += u.count
        }
        byte(0)
    }

    @inline(__always) mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            int32(Int32(truncatingIfNeeded: u.count + 1))
            if let src = u.baseAddress, u.count > 0 { (base + at).update(from: src, count: u.count) }
            at += u.count
        }
        byte(0)
    }

    mutating func document(_ tree: BSONTree) {
        let start = at
        at += 4
        tree.fields.withUnsafeBufferPointer { fields in
            for i in fields.indices {
                header(fields[i].value, key: fields[i].key)
                node(fields[i].value)
            }
        }
        byte(0)
        UnsafeMutableRawPointer(base + start).storeBytes(of: Int32(truncatingIfNeeded: at - start).littleEndian, as: Int32.self)
    }

    @inline(__always) mutating func header(_ node: BSONTree.Node, key: String) {
        switch node {
        case .document: byte(0x03)
        case .array: byte(0x04)
        case .value(let v): byte(v.type.rawValue)
        }
        cstring(key)
    }

    mutating func node(_ node: BSONTree.Node) {
        switch node {
        case .document(let t): document(t)
        case .array(let items):
            let start = at
            at += 4
            items.withUnsafeBufferPointer { items in
                for i in items.indices {
                    switch items[i] {
                    case .document: byte(0x03)
                    case .array: byte(0x04)
                    case .value(let v): byte(v.type.rawValue)
                    }
                    index(i)
                    self.node(items[i])
                }
            }
            byte(0)
            UnsafeMutableRawPointer(base + start).storeBytes(of: Int32(truncatingIfNeeded: at - start).littleEndian, as: Int32.self)
        case .value(let v): value(v)
        }
    }

    /// An array key: the index in decimal, NUL-terminated.
    @inline(__always) mutating func index(_ i: Int) {
        let digits = BSONTree.decimalDigits(i)
        var v = i
        for k in stride(from: digits - 1, through: 0, by: -1) {
            base[at + k] = 0x30 + UInt8(v % 10)
            v /= 10
        }
        at += digits
        byte(0)
    }

    mutating func value(_ value: BSONValue) {
        switch value {
        case .double(let d): uint64(d.bitPattern)
        case .string(let s), .javascript(let s), .symbol(let s): string(s)
        case .document(let d): d.withUnsafeBytes { raw($0) }
        case .array(let a): a.document.withUnsafeBytes { raw($0) }
        case .binary(let b):
            if b.subtype == .binaryOld {
                int32(Int32(truncatingIfNeeded: b.data.count + 4))
                byte(b.subtype.rawValue)
                int32(Int32(truncatingIfNeeded: b.data.count))
            } else {
                int32(Int32(truncatingIfNeeded: b.data.count))
                byte(b.subtype.rawValue)
            }
            b.data.withUnsafeBytes { raw($0) }
        case .undefined, .null, .minKey, .maxKey: break
        case .objectId(let id): withUnsafeBytes(of: id.bytes) { raw($0) }
        case .bool(let v): byte(v ? 1 : 0)
        case .datetime(let d): uint64(UInt64(bitPattern: d.millisecondsSinceEpoch))
        case .regex(let r):
            cstring(r.pattern)
            cstring(r.sortedOptions)
        case .dbPointer(let d):
            string(d.ref)
            withUnsafeBytes(of: d.id.bytes) { raw($0) }
        case .javascriptWithScope(let c):
            let start = at
            at += 4
            string(c.code)
            c.scope.withUnsafeBytes { raw($0) }
            UnsafeMutableRawPointer(base + start).storeBytes(of: Int32(truncatingIfNeeded: at - start).littleEndian, as: Int32.self)
        case .int32(let v): int32(v)
        case .timestamp(let t):
            int32(Int32(bitPattern: t.increment))
            int32(Int32(bitPattern: t.seconds))
        case .int64(let v): uint64(UInt64(bitPattern: v))
        case .decimal128(let d):
            uint64(d.low)
            uint64(d.high)
        }
    }
}
