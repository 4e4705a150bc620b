import Foundation

/// Encodes `Encodable` values to BSON documents.
///
/// Mapping: Int/Int8/Int16/UInt8/UInt16 -> int32 when the value fits, else int64 (so `Int` stays
/// compact, as pymongo does); Int32 -> int32; Int64/UInt32 -> int64; UInt64 -> int64 (error above
/// Int64.max); Float/Double -> double; Bool; String; Date -> datetime (milliseconds, rounded down);
/// UUID -> binary subtype 4; Data -> binary subtype 0; ObjectId, Decimal128, BSONBinary,
/// BSONDateTime, BSONTimestamp, BSONRegex, BSONDocument, BSONArray, BSONValue as themselves;
/// nil optionals are left out (`encodeNil` writes null); enums by their raw value.
///
/// The encoder writes straight into the output bytes with no intermediate tree. That is why a
/// container must be used in order: once a sibling or parent container writes, a nested container
/// it opened earlier is closed, and writing to it again throws `unsupported`. Synthesized
/// `Encodable` conformances always write in order.
public struct BSONEncoder: Sendable {
    public var limits: BSONLimits
    /// Initial buffer size; the encoder also remembers nothing between calls, so set this for large documents.
    public var initialCapacity: Int

    public init(limits: BSONLimits = .default, initialCapacity: Int = 256) {
        self.limits = limits
        self.initialCapacity = initialCapacity
    }

    /// Encodes `value`, which must encode as a keyed container (a struct, class or dictionary with String keys).
    public func encode<T: Encodable>(_ value: T) throws(BSONError) -> BSONDocument {
        if T.self == BSONDocument.self { return reinterpret(value, as: BSONDocument.self) }
        let impl = BSONEncoderImpl(capacity: initialCapacity)
        do {
            try value.encode(to: impl)
        } catch let error as BSONError {
            throw error
        } catch {
            throw BSONError(.typeMismatch, "encoding \(T.self) failed: \(error)")
        }
        if let error = impl.failure { throw error }
        guard impl.openDocuments.count >= 1 else {
            throw BSONError(.unsupported, "\(T.self) did not encode as a document; BSON's top level must be a document")
        }
        impl.close(toDepth: 0)
        return try impl.writer.finish(limits: limits)
    }
}

/// The shared state of one encoding: the output buffer and the stack of open documents.
///
/// Properties are `@exclusivity(unchecked)`: the encoder is single-threaded and never holds an
/// access across a call that could re-enter, and the runtime checks otherwise cost about a third
/// of the encoding time.
final class BSONEncoderImpl: Encoder {
    @exclusivity(unchecked) var writer: BSONWriter
    /// Open documents, innermost last: where each starts and a serial number that containers check.
    @exclusivity(unchecked) var openDocuments: [(start: Int, serial: Int)] = []
    @exclusivity(unchecked) var nextSerial = 0
    /// The offset of the type byte of an element whose header is written but whose value is not.
    @exclusivity(unchecked) var pendingTypeAt: Int?
    @exclusivity(unchecked) var failure: BSONError?

    @exclusivity(unchecked) var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(capacity: Int) {
        writer = BSONWriter(capacity: capacity)
    }

    // MARK: documents

    /// Starts a document or array for the pending element (or the top level) and returns its serial.
    func openForPending(_ type: BSONType) -> Int {
        if let at = pendingTypeAt {
            writer.bytes[at] = type.rawValue
            pendingTypeAt = nil
        }
        let start = writer.openDocument()
        nextSerial += 1
        openDocuments.append((start, nextSerial))
        return nextSerial
    }

    func close(toDepth depth: Int) {
        while openDocuments.count > depth {
            writer.closeDocument(openDocuments.removeLast().start)
        }
    }

    /// Makes the document with `serial` at `depth` the innermost open one, closing any deeper ones.
    @inline(__always)
    func activate(depth: Int, serial: Int) throws(BSONError) {
        if openDocuments.count == depth, openDocuments[depth - 1].serial == serial { return }
        guard openDocuments.count > depth, openDocuments[depth - 1].serial == serial else {
            throw BSONError(.unsupported, "a BSON container was written after a sibling or parent moved on; write containers in order")
        }
        close(toDepth: depth)
    }

    /// Writes the type and key of an element whose value comes next.
    @inline(__always)
    func header(_ type: BSONType, _ key: String) {
        writer.appendElementHeader(type, key)
    }

    /// An array key ("0", "1", ...) written as digits, without making a String.
    @inline(__always)
    func header(_ type: BSONType, index: Int) {
        writer.bytes.append(type.rawValue)
        if index < 10 {
            writer.bytes.append(0x30 + UInt8(index))
        } else {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = index
            var count = 0
            withUnsafeMutableBytes(of: &digits) { d in
                while n > 0 { d[19 - count] = 0x30 + UInt8(n % 10); n /= 10; count += 1 }
                writer.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
            }
        }
        writer.bytes.append(0)
    }

    // MARK: values

    /// Writes the value of an element whose header (with a placeholder type) was just written at `typeAt`.
    func encodeValue<T: Encodable>(_ value: T, typeAt: Int) throws {
        if let type = primitive(value) {
            writer.bytes[typeAt] = type.rawValue
            return
        }
        if let special = Self.special(value) {
            writer.bytes[typeAt] = special.type.rawValue
            writer.appendValue(special)
            return
        }
        let depth = openDocuments.count
        pendingTypeAt = typeAt
        try value.encode(to: self)
        if pendingTypeAt != nil {
            // The value asked for no container: an empty document stands for it.
            _ = openForPending(.document)
        }
        close(toDepth: depth)
    }

    /// Standard scalars reached through a generic call (array elements, say) are written directly
    /// rather than through their `encode(to:)` and a single-value container. Returns the type written.
    @inline(__always)
    func primitive<T>(_ value: T) -> BSONType? {
        let t = T.self
        if t == String.self { writer.appendString(reinterpret(value, as: String.self)); return .string }
        if t == Int.self {
            let v = reinterpret(value, as: Int.self)
            if let small = Int32(exactly: v) { writer.appendInt32(small); return .int32 }
            writer.appendInt64(Int64(v)); return .int64
        }
        if t == Double.self { writer.appendUInt64(reinterpret(value, as: Double.self).bitPattern); return .double }
        if t == Bool.self { writer.bytes.append(reinterpret(value, as: Bool.self) ? 1 : 0); return .bool }
        if t == Int64.self { writer.appendInt64(reinterpret(value, as: Int64.self)); return .int64 }
        if t == Int32.self { writer.appendInt32(reinterpret(value, as: Int32.self)); return .int32 }
        return nil
    }

    /// Types that map to one BSON value directly. Metatype comparisons keep this cheap for plain structs.
    @inline(__always)
    static func special<T>(_ value: T) -> BSONValue? {
        let t = T.self
        if t == Date.self { return .datetime(BSONDateTime(reinterpret(value, as: Date.self))) }
        if t == ObjectId.self { return .objectId(reinterpret(value, as: ObjectId.self)) }
        if t == Data.self { return .binary(BSONBinary(subtype: .generic, bytes: [UInt8](reinterpret(value, as: Data.self)))) }
        if t == UUID.self { return .binary(BSONBinary(uuid: reinterpret(value, as: UUID.self))) }
        if t == Decimal128.self { return .decimal128(reinterpret(value, as: Decimal128.self)) }
        if t == BSONBinary.self { return .binary(reinterpret(value, as: BSONBinary.self)) }
        if t == BSONDocument.self { return .document(reinterpret(value, as: BSONDocument.self)) }
        if t == BSONArray.self { return .array(reinterpret(value, as: BSONArray.self)) }
        if t == BSONValue.self { return reinterpret(value, as: BSONValue.self) }
        if t == BSONDateTime.self { return .datetime(reinterpret(value, as: BSONDateTime.self)) }
        if t == BSONTimestamp.self { return .timestamp(reinterpret(value, as: BSONTimestamp.self)) }
        if t == BSONRegex.self { return .regex(reinterpret(value, as: BSONRegex.self)) }
        return nil
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let serial: Int
        if pendingTypeAt != nil || openDocuments.isEmpty {
            serial = openForPending(.document)
        } else {
            // A second container for the same value (a subclass and its superclass, say): share the open document.
            serial = openDocuments[openDocuments.count - 1].serial
        }
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(impl: self, depth: openDocuments.count, serial: serial))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if pendingTypeAt == nil && openDocuments.isEmpty {
            failure = failure ?? BSONError(.unsupported, "BSON's top level must be a document, not an array")
        }
        let serial = openForPending(.array)
        return BSONUnkeyedEncodingContainer(impl: self, depth: openDocuments.count, serial: serial)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BSONSingleValueEncodingContainer(impl: self)
    }
}
