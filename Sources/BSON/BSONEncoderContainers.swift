/// Writes the fields of one document, in order, into the encoder's buffer.
struct BSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let impl: BSONEncoderImpl
    let depth: Int
    let serial: Int

    var codingPath: [any CodingKey] { impl.codingPath }

    /// Writes the element header; returns the offset of its type byte.
    @inline(__always) @discardableResult
    private func begin(_ type: BSONType, _ key: Key) throws -> Int {
        try impl.activate(depth: depth, serial: serial)
        let typeAt = impl.writer.bytes.count
        impl.header(type, key.stringValue)
        return typeAt
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(.bool, key); impl.writer.bytes.append(value ? 1 : 0) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(.string, key); impl.writer.appendString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(.double, key); impl.writer.appendUInt64(value.bitPattern) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        if let small = Int32(exactly: value) {
            try begin(.int32, key); impl.writer.appendInt32(small)
        } else {
            try begin(.int64, key); impl.writer.appendInt64(Int64(value))
        }
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int32(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int32(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(.int32, key); impl.writer.appendInt32(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(.int64, key); impl.writer.appendInt64(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encode(try BSONEncoderImpl.int64(value), forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(Int32(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(Int32(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(Int64(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encode(try BSONEncoderImpl.int64(value), forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let typeAt = try begin(.document, key)
        impl.codingPath.append(key)
        defer { impl.codingPath.removeLast() }
        try impl.encodeValue(value, typeAt: typeAt)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        do { try begin(.document, key) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        let serial = impl.openForPending(.document)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(impl: impl, depth: impl.openDocuments.count, serial: serial))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        do { try begin(.array, key) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        let serial = impl.openForPending(.array)
        return BSONUnkeyedEncodingContainer(impl: impl, depth: impl.openDocuments.count, serial: serial)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        do { impl.pendingTypeAt = try begin(.document, key) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        return impl
    }
}

/// Writes array elements with keys "0", "1", ... into the encoder's buffer.
struct BSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let impl: BSONEncoderImpl
    let depth: Int
    let serial: Int
    private(set) var count = 0

    init(impl: BSONEncoderImpl, depth: Int, serial: Int) {
        self.impl = impl
        self.depth = depth
        self.serial = serial
    }

    var codingPath: [any CodingKey] { impl.codingPath }

    /// Writes the element header; returns the offset of its type byte.
    @inline(__always) @discardableResult
    private mutating func begin(_ type: BSONType) throws -> Int {
        try impl.activate(depth: depth, serial: serial)
        let typeAt = impl.writer.bytes.count
        impl.header(type, index: count)
        count += 1
        return typeAt
    }

    mutating func encodeNil() throws { try begin(.null) }
    mutating func encode(_ value: Bool) throws { try begin(.bool); impl.writer.bytes.append(value ? 1 : 0) }
    mutating func encode(_ value: String) throws { try begin(.string); impl.writer.appendString(value) }
    mutating func encode(_ value: Double) throws { try begin(.double); impl.writer.appendUInt64(value.bitPattern) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws {
        if let small = Int32(exactly: value) {
            try begin(.int32); impl.writer.appendInt32(small)
        } else {
            try begin(.int64); impl.writer.appendInt64(Int64(value))
        }
    }
    mutating func encode(_ value: Int8) throws { try encode(Int32(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int32(value)) }
    mutating func encode(_ value: Int32) throws { try begin(.int32); impl.writer.appendInt32(value) }
    mutating func encode(_ value: Int64) throws { try begin(.int64); impl.writer.appendInt64(value) }
    mutating func encode(_ value: UInt) throws { try encode(try BSONEncoderImpl.int64(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(Int32(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(Int32(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(Int64(value)) }
    mutating func encode(_ value: UInt64) throws { try encode(try BSONEncoderImpl.int64(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let typeAt = try begin(.document)
        try impl.encodeValue(value, typeAt: typeAt)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        do { try begin(.document) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        let serial = impl.openForPending(.document)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(impl: impl, depth: impl.openDocuments.count, serial: serial))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        do { try begin(.array) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        let serial = impl.openForPending(.array)
        return BSONUnkeyedEncodingContainer(impl: impl, depth: impl.openDocuments.count, serial: serial)
    }

    mutating func superEncoder() -> any Encoder {
        do { impl.pendingTypeAt = try begin(.document) } catch { impl.failure = impl.failure ?? (error as? BSONError) }
        return impl
    }
}

/// Writes the value of an element whose header is already written (a nested value that encodes
/// as a single value: an enum's raw value, an Optional, a wrapper type).
struct BSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let impl: BSONEncoderImpl

    var codingPath: [any CodingKey] { impl.codingPath }

    private func typeAt(_ type: BSONType) throws -> Int {
        guard let at = impl.pendingTypeAt else {
            throw BSONError(.unsupported, "a single value can only be encoded as a field of a document (BSON's top level is a document)")
        }
        impl.pendingTypeAt = nil
        impl.writer.bytes[at] = type.rawValue
        return at
    }

    mutating func encodeNil() throws { _ = try typeAt(.null) }
    mutating func encode(_ value: Bool) throws { _ = try typeAt(.bool); impl.writer.bytes.append(value ? 1 : 0) }
    mutating func encode(_ value: String) throws { _ = try typeAt(.string); impl.writer.appendString(value) }
    mutating func encode(_ value: Double) throws { _ = try typeAt(.double); impl.writer.appendUInt64(value.bitPattern) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws {
        if let small = Int32(exactly: value) {
            _ = try typeAt(.int32); impl.writer.appendInt32(small)
        } else {
            _ = try typeAt(.int64); impl.writer.appendInt64(Int64(value))
        }
    }
    mutating func encode(_ value: Int8) throws { try encode(Int32(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int32(value)) }
    mutating func encode(_ value: Int32) throws { _ = try typeAt(.int32); impl.writer.appendInt32(value) }
    mutating func encode(_ value: Int64) throws { _ = try typeAt(.int64); impl.writer.appendInt64(value) }
    mutating func encode(_ value: UInt) throws { try encode(try BSONEncoderImpl.int64(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(Int32(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(Int32(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(Int64(value)) }
    mutating func encode(_ value: UInt64) throws { try encode(try BSONEncoderImpl.int64(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard let at = impl.pendingTypeAt else {
            throw BSONError(.unsupported, "a single value can only be encoded as a field of a document (BSON's top level is a document)")
        }
        impl.pendingTypeAt = nil
        try impl.encodeValue(value, typeAt: at)
    }
}

extension BSONEncoderImpl {
    static func int64<U: UnsignedInteger>(_ value: U) throws(BSONError) -> Int64 {
        guard let v = Int64(exactly: value) else {
            throw BSONError(.typeMismatch, "unsigned value \(value) does not fit BSON's int64")
        }
        return v
    }
}
