import WireCore

extension ExtendedJSON {
    /// Parses Extended JSON text (canonical, relaxed, or the legacy forms the spec still accepts)
    /// into a document. Type wrappers (`$oid`, `$date`, `$binary`...) must have exactly their spec'd
    /// shape; a malformed one is an error, never silently a plain document.
    public static func document(from text: String, limits: BSONLimits = .default) throws(BSONError) -> BSONDocument {
        try document(from: JSONParser(maxDepth: limits.maxDepth).parse(text), limits: limits)
    }

    public static func document(from json: JSONValue, limits: BSONLimits = .default) throws(BSONError) -> BSONDocument {
        guard case .object(let members) = json else {
            throw BSONError(.invalidExtendedJSON, "the top level of a document must be a JSON object")
        }
        var reader = Reader(writer: BSONWriter(capacity: 256))
        let start = reader.writer.openDocument()
        for m in members { try reader.element(m.key, m.value) }
        reader.writer.closeDocument(start)
        let document = try reader.writer.finish(limits: limits)
        // Re-validate: checks depth and gives the usual guarantees for anything we assembled.
        return try BSONDocument(bytes: document.byteArray, limits: limits)
    }

    /// Parses one Extended JSON value.
    public static func value(from json: JSONValue, limits: BSONLimits = .default) throws(BSONError) -> BSONValue {
        let document = try document(from: .object([JSONMember("v", json)]), limits: limits)
        return document["v"] ?? .null
    }

    /// Keys that make an object a type wrapper. `$regex`, `$type`, `$scope` and `$options` are
    /// only wrappers in combination (see `element`), since queries use them as operators.
    static let wrapperKeys: Set<String> = [
        "$oid", "$symbol", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal", "$binary", "$code",
        "$timestamp", "$regularExpression", "$dbPointer", "$date", "$minKey", "$maxKey", "$undefined", "$uuid",
    ]

    struct Reader {
        var writer: BSONWriter

        func fail(_ message: String) -> BSONError { BSONError(.invalidExtendedJSON, message) }

        mutating func element(_ key: String, _ json: JSONValue) throws(BSONError) {
            switch json {
            case .null: writer.append(key, .null)
            case .bool(let b): writer.append(key, .bool(b))
            case .string(let s): writer.append(key, .string(s))
            case .number(let text): writer.append(key, try relaxedNumber(text))
            case .array(let items):
                writer.appendElementHeader(.array, key)
                let start = writer.openDocument()
                for (index, item) in items.enumerated() { try element(String(index), item) }
                writer.closeDocument(start)
            case .object(let members):
                if let value = try wrapper(members) {
                    writer.append(key, value)
                } else {
                    writer.appendElementHeader(.document, key)
                    let start = writer.openDocument()
                    for m in members { try element(m.key, m.value) }
                    writer.closeDocument(start)
                }
            }
        }

        /// A plain JSON number: int32 if it fits, else int64, else double (relaxed form).
        func relaxedNumber(_ text: String) throws(BSONError) -> BSONValue {
            let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
            if isInteger && text != "-0" {
                if let v = Int32(text) { return .int32(v) }
                if let v = Int64(text) { return .int64(v) }
            }
            guard let d = Double(text) else { throw fail("number \(text) is out of range") }
            return .double(d)
        }

        /// The value a type-wrapper object stands for, or nil for an ordinary document.
        func wrapper(_ members: [JSONMember]) throws(BSONError) -> BSONValue? {
            guard let first = members.first else { return nil }
            let keys = members.map(\.key)
            func only(_ expected: Set<String>) throws(BSONError) {
                guard Set(keys) == expected, keys.count == expected.count else {
                    throw fail("\(first.key)-style wrapper must have exactly the keys \(expected.sorted()), has \(keys)")
                }
            }
            func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

            // Legacy regex: {"$regex": "pattern", "$options": "flags"}; otherwise $regex is a query operator.
            if case .string(let pattern)? = member("$regex"), case .string(let options)? = member("$options"), keys.count == 2 {
                return .regex(BSONRegex(pattern: pattern, options: options))
            }
            guard let key = keys.first(where: { ExtendedJSON.wrapperKeys.contains($0) }) else { return nil }
            let value = member(key)!

            switch key {
            case "$oid":
                try only(["$oid"])
                guard case .string(let hex) = value, let id = ObjectId(hex: hex) else { throw fail("$oid must be 24 hex digits") }
                return .objectId(id)
            case "$symbol":
                try only(["$symbol"])
                guard case .string(let s) = value else { throw fail("$symbol must be a string") }
                return .symbol(s)
            case "$numberInt":
                try only(["$numberInt"])
                guard case .string(let s) = value, Self.isIntegerText(s), let v = Int32(s) else {
                    throw fail("$numberInt must be a string holding an int32")
                }
                return .int32(v)
            case "$numberLong":
                try only(["$numberLong"])
                return .int64(try numberLong(value))
            case "$numberDouble":
                try only(["$numberDouble"])
                guard case .string(let s) = value, let d = Self.parseDouble(s) else {
                    throw fail("$numberDouble must be a string holding a double")
                }
                return .double(d)
            case "$numberDecimal":
                try only(["$numberDecimal"])
                guard case .string(let s) = value else { throw fail("$numberDecimal must be a string") }
                return .decimal128(try Decimal128(s))
            case "$binary":
                return try binary(members, value)
            case "$uuid":
                try only(["$uuid"])
                guard case .string(let s) = value, let uuid = Self.parseUUID(s) else {
                    throw fail("$uuid must be a string in 8-4-4-4-12 hex form")
                }
                return .binary(BSONBinary(subtype: .uuid, bytes: uuid))
            case "$code":
                guard case .string(let code) = value else { throw fail("$code must be a string") }
                if let scope = member("$scope") {
                    try only(["$code", "$scope"])
                    guard case .object = scope else { throw fail("$scope must be a document") }
                    return .javascriptWithScope(BSONCodeWithScope(code: code, scope: try nestedDocument(scope)))
                }
                try only(["$code"])
                return .javascript(code)
            case "$timestamp":
                try only(["$timestamp"])
                guard case .object(let parts) = value, Set(parts.map(\.key)) == ["t", "i"], parts.count == 2,
                      case .number(let t)? = value["t"], case .number(let i)? = value["i"],
                      let seconds = UInt32(t), let increment = UInt32(i) else {
                    throw fail("$timestamp must be {\"t\": uint32, \"i\": uint32}")
                }
                return .timestamp(BSONTimestamp(seconds: seconds, increment: increment))
            case "$regularExpression":
                try only(["$regularExpression"])
                guard case .object(let parts) = value, Set(parts.map(\.key)) == ["pattern", "options"], parts.count == 2,
                      case .string(let pattern)? = value["pattern"], case .string(let options)? = value["options"] else {
                    throw fail("$regularExpression must be {\"pattern\": string, \"options\": string}")
                }
                return .regex(BSONRegex(pattern: pattern, options: options))
            case "$dbPointer":
                try only(["$dbPointer"])
                guard case .object(let parts) = value, Set(parts.map(\.key)) == ["$ref", "$id"], parts.count == 2,
                      case .string(let ref)? = value["$ref"], case .object(let idMembers)? = value["$id"],
                      case .objectId(let id)? = try wrapper(idMembers) else {
                    throw fail("$dbPointer must be {\"$ref\": string, \"$id\": {\"$oid\": ...}}")
                }
                return .dbPointer(BSONDBPointer(ref: ref, id: id))
            case "$date":
                try only(["$date"])
                switch value {
                case .string(let iso):
                    guard let ms = ISO8601Millis.parse(iso) else { throw fail("$date string is not ISO-8601: \(iso)") }
                    return .datetime(BSONDateTime(millisecondsSinceEpoch: ms))
                case .object(let parts):
                    guard parts.count == 1, parts[0].key == "$numberLong" else {
                        throw fail("$date must hold {\"$numberLong\": string} or an ISO-8601 string")
                    }
                    return .datetime(BSONDateTime(millisecondsSinceEpoch: try numberLong(parts[0].value)))
                default:
                    throw fail("$date must hold {\"$numberLong\": string} or an ISO-8601 string")
                }
            case "$minKey", "$maxKey":
                try only([key])
                guard case .number("1") = value else { throw fail("\(key) must be the number 1") }
                return key == "$minKey" ? .minKey : .maxKey
            case "$undefined":
                try only(["$undefined"])
                guard case .bool(true) = value else { throw fail("$undefined must be true") }
                return .undefined
            default:
                return nil
            }
        }

        func numberLong(_ value: JSONValue) throws(BSONError) -> Int64 {
            guard case .string(let s) = value, Self.isIntegerText(s), let v = Int64(s) else {
                throw fail("$numberLong must be a string holding an int64")
            }
            return v
        }

        /// Canonical {"$binary": {"base64": ..., "subType": "hh"}} or legacy {"$binary": "...", "$type": "hh"}.
        func binary(_ members: [JSONMember], _ value: JSONValue) throws(BSONError) -> BSONValue {
            let base64: String
            let subtypeHex: String
            switch value {
            case .object(let parts):
                guard members.count == 1 else { throw fail("$binary must be the only key") }
                guard Set(parts.map(\.key)) == ["base64", "subType"], parts.count == 2,
                      case .string(let b)? = value["base64"], case .string(let t)? = value["subType"] else {
                    throw fail("$binary must be {\"base64\": string, \"subType\": hex string}")
                }
                base64 = b
                subtypeHex = t
            case .string(let b):
                guard members.count == 2, case .string(let t)? = members.first(where: { $0.key == "$type" })?.value else {
                    throw fail("legacy $binary needs exactly a string $type beside it")
                }
                base64 = b
                subtypeHex = t
            default:
                throw fail("$binary must be a document or a legacy base64 string")
            }
            guard let data = Base64.decode(base64) else { throw fail("$binary base64 is invalid or unpadded") }
            guard (1...2).contains(subtypeHex.utf8.count), let subtype = UInt8(subtypeHex, radix: 16) else {
                throw fail("$binary subType must be one or two hex digits")
            }
            return .binary(BSONBinary(subtype: .init(subtype), bytes: data))
        }

        func nestedDocument(_ json: JSONValue) throws(BSONError) -> BSONDocument {
            guard case .object(let members) = json else { throw fail("expected a document") }
            var inner = Reader(writer: BSONWriter(capacity: 64))
            let start = inner.writer.openDocument()
            for m in members { try inner.element(m.key, m.value) }
            inner.writer.closeDocument(start)
            return try inner.writer.finish(limits: .default)
        }

        static func isIntegerText(_ s: String) -> Bool {
            var u = Substring(s).utf8[...]
            if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
            return !u.isEmpty && u.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }

        /// "Infinity", "-Infinity", "NaN", or decimal text (no hex floats, no "inf"/"nan" spellings).
        static func parseDouble(_ s: String) -> Double? {
            switch s {
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            case "NaN": return .nan
            default:
                let allowed = s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 }
                guard allowed, s.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                return Double(s)
            }
        }

        /// 16 bytes from "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
        static func parseUUID(_ s: String) -> [UInt8]? {
            let u = Array(s.utf8)
            guard u.count == 36 else { return nil }
            var hex: [UInt8] = []
            for (k, ch) in u.enumerated() {
                if k == 8 || k == 13 || k == 18 || k == 23 {
                    guard ch == UInt8(ascii: "-") else { return nil }
                } else {
                    hex.append(ch)
                }
            }
            return Hex.decode(String(decoding: hex, as: UTF8.self))
        }
    }
}

