import Foundation

/// BSON binary data (type 0x05): a subtype byte and bytes.
///
/// Decoded values share the document's buffer (copy-on-write), so reading a large binary field
/// does not copy it; `data` is therefore an `ArraySlice` whose indices need not start at 0
/// (`bytes` gives a zero-based copy).
public struct BSONBinary: Sendable, Hashable {
    // Stored as buffer + range + subtype (25 bytes, in this order) rather than an ArraySlice (32):
    // this keeps BSONValue, and so every materialised document, smaller.
    private var storage: [UInt8]
    private var range: Range<Int>
    public var subtype: Subtype

    /// Copies `data` (decoded values share their document's buffer instead).
    public init(subtype: Subtype = .generic, data: ArraySlice<UInt8>) {
        self.subtype = subtype
        storage = Array(data)
        range = 0..<storage.count
    }

    /// Shares `storage` (no copy).
    init(subtype: Subtype, storage: [UInt8], range: Range<Int>) {
        self.subtype = subtype
        self.storage = storage
        self.range = range
    }

    public init(subtype: Subtype = .generic, bytes: [UInt8]) {
        self.subtype = subtype
        storage = bytes
        range = 0..<bytes.count
    }

    /// The bytes, sharing the buffer they were read from.
    public var data: ArraySlice<UInt8> {
        get { storage[range] }
        set {
            storage = Array(newValue)
            range = 0..<storage.count
        }
    }

    /// A subtype-4 binary holding the UUID's 16 bytes.
    public init(uuid: UUID) {
        let u = uuid.uuid
        self.init(subtype: .uuid, bytes: [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
    }

    /// The UUID when the subtype is 4 (or the legacy 3) and there are 16 bytes.
    public var uuid: UUID? {
        guard subtype == .uuid || subtype == .uuidOld, data.count == 16 else { return nil }
        let b = Array(data)
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The bytes as a zero-based array (a copy).
    public var bytes: [UInt8] { Array(data) }

    public static func == (a: BSONBinary, b: BSONBinary) -> Bool { a.subtype == b.subtype && a.data.elementsEqual(b.data) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(subtype)
        data.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The binary subtype byte; unknown values are kept as they are.
    public struct Subtype: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public init(_ rawValue: UInt8) { self.rawValue = rawValue }

        public static let generic = Subtype(0x00)
        public static let function = Subtype(0x01)
        /// Deprecated: the bytes carry their own int32 length inside the binary payload.
        public static let binaryOld = Subtype(0x02)
        public static let uuidOld = Subtype(0x03)
        public static let uuid = Subtype(0x04)
        public static let md5 = Subtype(0x05)
        public static let encrypted = Subtype(0x06)
        public static let column = Subtype(0x07)
        public static let sensitive = Subtype(0x08)
        public static let vector = Subtype(0x09)
        /// 0x80...0xFF are user defined.
        public static let userDefined = Subtype(0x80)
    }
}
