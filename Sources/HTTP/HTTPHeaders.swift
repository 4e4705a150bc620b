/// Header (or trailer) fields in the order received, duplicates kept, looked up by name without
/// regard to case.
///
/// All fields live in one byte buffer laid out exactly as they go on the wire
/// (`name: value\r\n` each), plus one small range record per field. A parsed head therefore costs
/// two allocations however many fields it has, strings are made only when asked for, and
/// serializing is a single copy.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// Where one field's name and value sit in `storage`.
    @usableFromInline
    struct FieldRange: Sendable, Equatable {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
    }

    @usableFromInline var storage: [UInt8] = []
    @usableFromInline var ranges: [FieldRange] = []
    /// Set when a field added through the API is not a valid name or value; serialization then
    /// fails instead of writing bytes that would break the message framing.
    @usableFromInline var invalidField: String?

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name: name, value: value) }
    }

    public init(_ fields: [(name: String, value: String)]) {
        for field in fields { add(name: field.name, value: field.value) }
    }

    /// Reserves room for fields totalling about `bytes` bytes.
    public mutating func reserveCapacity(fields: Int, bytes: Int) {
        ranges.reserveCapacity(fields)
        storage.reserveCapacity(bytes)
    }

    public var count: Int { ranges.count }
    public var isEmpty: Bool { ranges.isEmpty }

    public subscript(position: Int) -> (name: String, value: String) {
        (name: String(decoding: storage[ranges[position].nameStart..<ranges[position].nameEnd], as: UTF8.self),
         value: String(decoding: storage[ranges[position].valueStart..<ranges[position].valueEnd], as: UTF8.self))
    }

    // MARK: lookup

    /// The first value of the field `name` (any case), or nil.
    public subscript(name: String) -> String? {
        guard let i = firstIndex(of: name) else { return nil }
        return value(at: i)
    }

    /// Every value of the field `name`, in order.
    public func values(for name: String) -> [String] {
        var result: [String] = []
        forEachIndex(of: name) { result.append(value(at: $0)) }
        return result
    }

    public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

    /// Whether the comma-separated list in the fields `name` holds `token` (any case), as for
    /// `Connection: close` or `Accept-Encoding: gzip`. Parameters after `;` are ignored.
    public func containsToken(_ token: String, in name: String) -> Bool {
        var found = false
        forEachListElement(of: name) { element in
            if !found && element.count == token.utf8.count {
                found = token.utf8.withContiguousStorageIfAvailable { t in
                    HTTPSyntax.equalsIgnoringCase(element, t)
                } ?? Array(token.utf8).withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase(element, $0) }
            }
        }
        return found
    }

    /// The elements of the comma-separated lists in all fields `name`, each trimmed, without parameters.
    public func listElements(of name: String) -> [String] {
        var result: [String] = []
        forEachListElement(of: name) { result.append(String(decoding: $0, as: UTF8.self)) }
        return result
    }

    // MARK: changes

    /// Appends a field, keeping any others with the same name.
    public mutating func add(name: String, value: String) {
        if invalidField == nil && !HTTPHeaders.isValid(name: name, value: value) { invalidField = name }
        let nameStart = storage.count
        storage.append(contentsOf: name.utf8)
        let nameEnd = storage.count
        storage.append(HTTPSyntax.colon)
        storage.append(HTTPSyntax.space)
        let valueStart = storage.count
        storage.append(contentsOf: value.utf8)
        let valueEnd = storage.count
        storage.append(HTTPSyntax.cr)
        storage.append(HTTPSyntax.lf)
        ranges.append(FieldRange(nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd))
    }

    /// Replaces every field `name` with one field holding `value`.
    public mutating func set(name: String, value: String) {
        remove(name)
        add(name: name, value: value)
    }

    /// Removes every field `name`; returns whether there was one.
    @discardableResult
    public mutating func remove(_ name: String) -> Bool {
        guard firstIndex(of: name) != nil else { return false }
        var kept = HTTPHeaders()
        kept.storage.reserveCapacity(storage.count)
        kept.ranges.reserveCapacity(ranges.count)
        for i in ranges.indices where !nameEquals(i, name) {
            kept.appendRaw(storage[ranges[i].nameStart..<ranges[i].nameEnd], storage[ranges[i].valueStart..<ranges[i].valueEnd])
            // Removing the invalid field makes the rest serializable again.
            if kept.invalidField == nil && invalidField != nil
                && !HTTPHeaders.isValid(name: storage[ranges[i].nameStart..<ranges[i].nameEnd],
                                        value: storage[ranges[i].valueStart..<ranges[i].valueEnd]) {
                kept.invalidField = String(decoding: storage[ranges[i].nameStart..<ranges[i].nameEnd], as: UTF8.self)
            }
        }
        self = kept
        return true
    }

    /// Appends every field of `other`.
    public mutating func add(contentsOf other: HTTPHeaders) {
        for r in other.ranges {
            appendRaw(other.storage[r.nameStart..<r.nameEnd], other.storage[r.valueStart..<r.valueEnd])
        }
        if invalidField == nil { invalidField = other.invalidField }
    }

    // MARK: protocols

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.ranges.count == rhs.ranges.count else { return false }
        for i in lhs.ranges.indices {
            let a = lhs.ranges[i], b = rhs.ranges[i]
            let equal = lhs.storage.withUnsafeBufferPointer { l in
                rhs.storage.withUnsafeBufferPointer { r in
                    HTTPSyntax.equalsIgnoringCase(UnsafeBufferPointer(rebasing: l[a.nameStart..<a.nameEnd]),
                                                  UnsafeBufferPointer(rebasing: r[b.nameStart..<b.nameEnd]))
                        && l[a.valueStart..<a.valueEnd].elementsEqual(r[b.valueStart..<b.valueEnd])
                }
            }
            if !equal { return false }
        }
        return true
    }

    public var description: String {
        "[" + (0..<count).map { "\(self[$0].name): \(self[$0].value)" }.joined(separator: ", ") + "]"
    }

    // MARK: internals shared with the parser and serializer

    /// Appends a field whose bytes are already known to be valid (from the parser).
    @usableFromInline
    mutating func appendRaw<N: Collection, V: Collection>(_ name: N, _ value: V) where N.Element == UInt8, V.Element == UInt8 {
        let nameStart = storage.count
        storage.append(contentsOf: name)
        let nameEnd = storage.count
        storage.append(HTTPSyntax.colon)
        storage.append(HTTPSyntax.space)
        let valueStart = storage.count
        storage.append(contentsOf: value)
        let valueEnd = storage.count
        storage.append(HTTPSyntax.cr)
        storage.append(HTTPSyntax.lf)
        ranges.append(FieldRange(nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd))
    }

    func value(at i: Int) -> String {
        String(decoding: storage[ranges[i].valueStart..<ranges[i].valueEnd], as: UTF8.self)
    }

    func nameEquals(_ i: Int, _ name: String) -> Bool {
        let r = ranges[i]
        guard r.nameEnd - r.nameStart == name.utf8.count else { return false }
        return storage.withUnsafeBufferPointer { s in
            let field = UnsafeBufferPointer(rebasing: s[r.nameStart..<r.nameEnd])
            return name.utf8.withContiguousStorageIfAvailable { HTTPSyntax.equalsIgnoringCase(field, $0) }
                ?? Array(name.utf8).withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase(field, $0) }
        }
    }

    func firstIndex(of name: String) -> Int? {
        for i in ranges.indices where nameEquals(i, name) { return i }
        return nil
    }

    func forEachIndex(of name: String, _ body: (Int) -> Void) {
        for i in ranges.indices where nameEquals(i, name) { body(i) }
    }

    /// Calls `body` with each non-empty element of the comma-separated lists in fields `name`,
    /// trimmed of whitespace and with any `;parameters` cut off. Commas inside quoted strings are
    /// not special-cased: the lists this is used for (Connection, Transfer-Encoding, Expect,
    /// Accept-Encoding) hold tokens.
    func forEachListElement(of name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        storage.withUnsafeBufferPointer { s in
            for i in ranges.indices where nameEquals(i, name) {
                HTTPHeaders.forEachListElement(UnsafeBufferPointer(rebasing: s[ranges[i].valueStart..<ranges[i].valueEnd]), body)
            }
        }
    }

    static func forEachListElement(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var i = 0
        while i < value.count {
            var end = i
            while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
            var a = i, b = end
            if let semicolon = value[a..<b].firstIndex(of: UInt8(ascii: ";")) { b = semicolon }
            while a < b && HTTPSyntax.isWhitespace(value[a]) { a += 1 }
            while b > a && HTTPSyntax.isWhitespace(value[b - 1]) { b -= 1 }
            if b > a { body(UnsafeBufferPointer(rebasing: value[a..<b])) }
            i = end + 1
        }
    }

    static func isValid(name: String, value: String) -> Bool {
        isValid(name: name.utf8, value: value.utf8)
    }

    static func isValid<N: Collection, V: BidirectionalCollection>(name: N, value: V) -> Bool
    where N.Element == UInt8, V.Element == UInt8 {
        guard HTTPSyntax.isToken(name) else { return false }
        for b in value where !HTTPSyntax.isFieldValue(b) { return false }
        if let first = value.first, HTTPSyntax.isWhitespace(first) { return false }
        if let last = value.last, HTTPSyntax.isWhitespace(last) { return false }
        return true
    }
}

extension HTTPHeaders: Sequence {
    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0
        public mutating func next() -> (name: String, value: String)? {
            guard index < headers.count else { return nil }
            defer { index += 1 }
            return headers[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(headers: self) }
    public var underestimatedCount: Int { count }
}
