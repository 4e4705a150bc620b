import Foundation

/// Decodes `Decodable` values from BSON documents, reading fields straight from the document's
/// bytes (no intermediate tree). The type mapping mirrors `BSONEncoder`; in addition, integer
/// fields accept int32, int64 and integral doubles, and Double accepts any numeric type, as long
/// as the value converts exactly. Binary fields decoded as `BSONBinary` share the document's buffer.
public struct BSONDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from document: BSONDocument) throws(BSONError) -> T {
        if T.self == BSONDocument.self { return reinterpret(document, as: T.self) }
        do {
            return try document.storage.withUnsafeBytes { p in
                let impl = BSONDecoderImpl(storage: document.storage, p: p, type: 0x03, at: document.range.lowerBound)
                return try T(from: impl)
            }
        } catch let error as BSONError {
            throw error
        } catch let error as DecodingError {
            throw BSONError(.typeMismatch, Self.describe(error))
        } catch {
            throw BSONError(.typeMismatch, "decoding \(T.self) failed: \(error)")
        }
    }

    /// Validates `bytes` as a document, then decodes it.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], limits: BSONLimits = .default) throws(BSONError) -> T {
        try decode(type, from: try BSONDocument(bytes: bytes, limits: limits))
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.isEmpty ? "top level" : c.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let t, let c): return "\(path(c)): expected \(t): \(c.debugDescription)"
        case .valueNotFound(let t, let c): return "\(path(c)): no value for \(t): \(c.debugDescription)"
        case .keyNotFound(let k, let c): return "\(path(c)): missing key \"\(k.stringValue)\""
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// The shared state of one decoding: the validated bytes and the value being decoded. Containers
/// point it at a field before decoding a nested type, so nested types cost no allocation here.
final class BSONDecoderImpl: Decoder {
    let storage: [UInt8]
    /// Valid for the whole decode (the decode runs inside `storage.withUnsafeBytes`).
    let p: UnsafeRawBufferPointer
    /// The type byte and value offset of the value now being decoded.
    /// (`@exclusivity(unchecked)`: single-threaded, no access spans a re-entrant call, and the
    /// runtime checks would cost a large share of decoding time.)
    @exclusivity(unchecked) var type: UInt8
    @exclusivity(unchecked) var at: Int
    @exclusivity(unchecked) var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Lookup hints of the keyed containers, by nesting depth: (document's first element, next offset).
    @exclusivity(unchecked) private var cursors: [(document: Int, at: Int)] = []

    @inline(__always)
    func cursor(slot: Int, document: Int) -> Int {
        if slot < cursors.count, cursors[slot].document == document { return cursors[slot].at }
        return document
    }

    @inline(__always)
    func setCursor(slot: Int, document: Int, at: Int) {
        if slot < cursors.count {
            cursors[slot] = (document, at)
        } else {
            while cursors.count < slot { cursors.append((-1, -1)) }
            cursors.append((document, at))
        }
    }

    init(storage: [UInt8], p: UnsafeRawBufferPointer, type: UInt8, at: Int) {
        self.storage = storage
        self.p = p
        self.type = type
        self.at = at
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard self.type == 0x03 else { throw mismatch("a document", found: self.type, path: codingPath) }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<Key>(impl: self, start: at))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard self.type == 0x04 else { throw mismatch("an array", found: self.type, path: codingPath) }
        return BSONUnkeyedDecodingContainer(impl: self, start: at, path: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BSONSingleValueDecodingContainer(impl: self)
    }

    func mismatch(_ expected: String, found: UInt8, path: [any CodingKey]) -> BSONError {
        let where_ = path.map(\.stringValue).joined(separator: ".")
        let found = BSONType(rawValue: found).map { "\($0)" } ?? "type 0x\(String(found, radix: 16))"
        return BSONError(.typeMismatch, "\(where_.isEmpty ? "top level" : where_): expected \(expected), found \(found)")
    }

    // MARK: reading values (offsets are validated)

    @inline(__always) func value(type: UInt8, at: Int) -> BSONValue {
        RawBSON.value(storage, p, type: type, at: at, limit: storage.count)
    }

    func bool(_ type: UInt8, _ at: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard type == 0x08 else { throw mismatch("a boolean", found: type, path: path()) }
        return p[at] != 0
    }

    func string(_ type: UInt8, _ at: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard type == 0x02 || type == 0x0E || type == 0x0D else { throw mismatch("a string", found: type, path: path()) }
        return RawBSON.string(p, from: at + 4, to: at + 4 + Int(RawBSON.int32(p, at)) - 1)
    }

    func double(_ type: UInt8, _ at: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        switch type {
        case 0x01: return RawBSON.double(p, at)
        case 0x10: return Double(RawBSON.int32(p, at))
        case 0x12:
            let v = RawBSON.int64(p, at)
            guard let d = Double(exactly: v) else { throw mismatch("a double (int64 \(v) is not exact as one)", found: type, path: path()) }
            return d
        default: throw mismatch("a number", found: type, path: path())
        }
    }

    /// Any integer type from int32, int64 or an integral double, if it fits exactly.
    @inline(__always)
    func integer<I: FixedWidthInteger>(_ type: UInt8, _ at: Int, _ path: @autoclosure () -> [any CodingKey], as: I.Type) throws -> I {
        switch type {
        case 0x10:
            if let v = I(exactly: RawBSON.int32(p, at)) { return v }
        case 0x12:
            if let v = I(exactly: RawBSON.int64(p, at)) { return v }
        case 0x01:
            if let v = I(exactly: RawBSON.double(p, at)) { return v }
        default:
            throw mismatch("an integer", found: type, path: path())
        }
        throw BSONError(.typeMismatch, "\(path().map(\.stringValue).joined(separator: ".")): value does not fit \(I.self)")
    }

    /// Decodes a nested value at (type, at): BSON's own types directly, anything else through its init(from:).
    /// `key` is pushed onto `codingPath` while the value decodes (nil for a single-value container,
    /// whose path is already current).
    func decode<T: Decodable>(_ t: T.Type, type: UInt8, at: Int, key: (any CodingKey)?) throws -> T {
        if let primitive = try primitive(T.self, type: type, at: at, key: key) { return primitive }
        if key != nil { codingPath.append(key!) }
        defer { if key != nil { codingPath.removeLast() } }
        if let special = try special(T.self, type: type, at: at, path: codingPath) { return special }
        let savedType = self.type, savedAt = self.at
        self.type = type
        self.at = at
        defer { self.type = savedType; self.at = savedAt }
        return try T(from: self)
    }

    /// Standard scalar types reached through a generic call (array elements, say) are read
    /// directly rather than through their `init(from:)` and a single-value container.
    @inline(__always)
    func primitive<T>(_ t: T.Type, type: UInt8, at: Int, key: (any CodingKey)?) throws -> T? {
        func path() -> [any CodingKey] { key.map { codingPath + [$0] } ?? codingPath }
        if t == String.self { return reinterpret(try string(type, at, path()), as: T.self) }
        if t == Int.self { return reinterpret(try integer(type, at, path(), as: Int.self), as: T.self) }
        if t == Double.self { return reinterpret(try double(type, at, path()), as: T.self) }
        if t == Bool.self { return reinterpret(try bool(type, at, path()), as: T.self) }
        if t == Int64.self { return reinterpret(try integer(type, at, path(), as: Int64.self), as: T.self) }
        if t == Int32.self { return reinterpret(try integer(type, at, path(), as: Int32.self), as: T.self) }
        return nil
    }

    @inline(__always)
    func special<T>(_ t: T.Type, type: UInt8, at: Int, path: @autoclosure () -> [any CodingKey]) throws -> T? {
        if t == Date.self {
            guard type == 0x09 else { throw mismatch("a datetime", found: type, path: path()) }
            return reinterpret(BSONDateTime(millisecondsSinceEpoch: RawBSON.int64(p, at)).date, as: T.self)
        }
        if t == ObjectId.self {
            guard type == 0x07 else { throw mismatch("an ObjectId", found: type, path: path()) }
            return reinterpret(RawBSON.objectId(p, at), as: T.self)
        }
        if t == BSONBinary.self || t == Data.self || t == UUID.self {
            guard type == 0x05, case .binary(let b) = value(type: type, at: at) else {
                throw mismatch("binary data", found: type, path: path())
            }
            if t == BSONBinary.self { return reinterpret(b, as: T.self) }
            if t == Data.self { return reinterpret(Data(b.data), as: T.self) }
            guard let uuid = b.uuid else { throw mismatch("a UUID (binary subtype 4 of 16 bytes)", found: type, path: path()) }
            return reinterpret(uuid, as: T.self)
        }
        if t == BSONValue.self { return reinterpret(value(type: type, at: at), as: T.self) }
        if t == BSONDocument.self {
            guard case .document(let d) = value(type: type, at: at) else { throw mismatch("a document", found: type, path: path()) }
            return reinterpret(d, as: T.self)
        }
        if t == BSONArray.self {
            guard case .array(let a) = value(type: type, at: at) else { throw mismatch("an array", found: type, path: path()) }
            return reinterpret(a, as: T.self)
        }
        if t == Decimal128.self {
            guard case .decimal128(let d) = value(type: type, at: at) else { throw mismatch("a Decimal128", found: type, path: path()) }
            return reinterpret(d, as: T.self)
        }
        if t == BSONDateTime.self {
            guard case .datetime(let d) = value(type: type, at: at) else { throw mismatch("a datetime", found: type, path: path()) }
            return reinterpret(d, as: T.self)
        }
        if t == BSONTimestamp.self {
            guard case .timestamp(let ts) = value(type: type, at: at) else { throw mismatch("a timestamp", found: type, path: path()) }
            return reinterpret(ts, as: T.self)
        }
        if t == BSONRegex.self {
            guard case .regex(let r) = value(type: type, at: at) else { throw mismatch("a regular expression", found: type, path: path()) }
            return reinterpret(r, as: T.self)
        }
        return nil
    }
}

/// `value` as type `U`, which the caller has checked is `T` itself (a metatype comparison), so no
/// dynamic cast is needed.
@inline(__always)
func reinterpret<T, U>(_ value: T, as: U.Type) -> U {
    withUnsafePointer(to: value) { UnsafeRawPointer($0).load(as: U.self) }
}
