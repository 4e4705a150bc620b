/// One BSON value of any type. Documents and arrays are raw `BSONDocument`/`BSONArray` values that
/// share the bytes they were read from, so a value read from a large document costs no copy.
/// The rare multi-field types are `indirect` so that the enum stays small (32 bytes).
public enum BSONValue: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array(BSONArray)
    case binary(BSONBinary)
    /// Deprecated.
    case undefined
    case objectId(ObjectId)
    case bool(Bool)
    case datetime(BSONDateTime)
    case null
    indirect case regex(BSONRegex)
    /// Deprecated.
    indirect case dbPointer(BSONDBPointer)
    case javascript(String)
    /// Deprecated.
    case symbol(String)
    /// Deprecated.
    indirect case javascriptWithScope(BSONCodeWithScope)
    case int32(Int32)
    case timestamp(BSONTimestamp)
    case int64(Int64)
    case decimal128(Decimal128)
    case minKey
    case maxKey

    /// The smallest integer type that holds `value`: int32 when it fits, else int64
    /// (the convention of pymongo and the Node driver).
    public static func int(_ value: Int) -> BSONValue {
        if let small = Int32(exactly: value) { return .int32(small) }
        return .int64(Int64(value))
    }

    public var type: BSONType {
        switch self {
        case .double: return .double
        case .string: return .string
        case .document: return .document
        case .array: return .array
        case .binary: return .binary
        case .undefined: return .undefined
        case .objectId: return .objectId
        case .bool: return .bool
        case .datetime: return .datetime
        case .null: return .null
        case .regex: return .regex
        case .dbPointer: return .dbPointer
        case .javascript: return .javascript
        case .symbol: return .symbol
        case .javascriptWithScope: return .javascriptWithScope
        case .int32: return .int32
        case .timestamp: return .timestamp
        case .int64: return .int64
        case .decimal128: return .decimal128
        case .minKey: return .minKey
        case .maxKey: return .maxKey
        }
    }

    // MARK: typed views (nil when the value has another type)

    public var doubleValue: Double? { if case .double(let v) = self { return v }; return nil }
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    public var documentValue: BSONDocument? { if case .document(let v) = self { return v }; return nil }
    public var arrayValue: BSONArray? { if case .array(let v) = self { return v }; return nil }
    public var binaryValue: BSONBinary? { if case .binary(let v) = self { return v }; return nil }
    public var objectIdValue: ObjectId? { if case .objectId(let v) = self { return v }; return nil }
    public var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    public var datetimeValue: BSONDateTime? { if case .datetime(let v) = self { return v }; return nil }
    public var int32Value: Int32? { if case .int32(let v) = self { return v }; return nil }
    public var int64Value: Int64? { if case .int64(let v) = self { return v }; return nil }
    public var decimal128Value: Decimal128? { if case .decimal128(let v) = self { return v }; return nil }
    public var timestampValue: BSONTimestamp? { if case .timestamp(let v) = self { return v }; return nil }
    public var regexValue: BSONRegex? { if case .regex(let v) = self { return v }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// Any integer type (int32, int64, or a double with an integral value) as an Int; nil otherwise.
    /// Servers answer counts as int32, int64 or double depending on version, so readers need this.
    public var intValue: Int? {
        switch self {
        case .int32(let v): return Int(v)
        case .int64(let v): return Int(exactly: v)
        case .double(let v): return Int(exactly: v)
        default: return nil
        }
    }
}

extension BSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
