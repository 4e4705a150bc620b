/// Codable conformances of the BSON value types. BSONEncoder and BSONDecoder recognise these
/// types and store them as their BSON type; with other coders (JSONEncoder, say) the scalar ones
/// use a plain form and the document-like ones refuse.

extension ObjectId: Codable {
    /// Other coders: the 24-hex-digit string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectId(hex: text) else {
            throw BSONError(.typeMismatch, "\"\(text)\" is not a 24-hex-digit ObjectId")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}

extension Decimal128: Codable {
    /// Other coders: the decimal string.
    public init(from decoder: any Decoder) throws {
        self = try Decimal128(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension BSONDateTime: Codable {
    /// Other coders: milliseconds since the epoch.
    public init(from decoder: any Decoder) throws {
        self.init(millisecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(millisecondsSinceEpoch)
    }
}

extension BSONTimestamp: Codable {
    private enum CodingKeys: String, CodingKey { case t, i }

    /// Other coders: {"t": seconds, "i": increment}.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(seconds: try c.decode(UInt32.self, forKey: .t), increment: try c.decode(UInt32.self, forKey: .i))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seconds, forKey: .t)
        try c.encode(increment, forKey: .i)
    }
}

extension BSONRegex: Codable {
    private enum CodingKeys: String, CodingKey { case pattern, options }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(pattern: try c.decode(String.self, forKey: .pattern), options: try c.decode(String.self, forKey: .options))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pattern, forKey: .pattern)
        try c.encode(options, forKey: .options)
    }
}

/// Document-like values only make sense inside BSON.
private func onlyBSON(_ type: Any.Type) -> BSONError {
    BSONError(.unsupported, "\(type) can only be encoded and decoded by BSONEncoder/BSONDecoder")
}

extension BSONBinary: Codable {
    public init(from decoder: any Decoder) throws { throw onlyBSON(BSONBinary.self) }
    public func encode(to encoder: any Encoder) throws { throw onlyBSON(BSONBinary.self) }
}

extension BSONDocument: Codable {
    public init(from decoder: any Decoder) throws { throw onlyBSON(BSONDocument.self) }
    public func encode(to encoder: any Encoder) throws { throw onlyBSON(BSONDocument.self) }
}

extension BSONArray: Codable {
    public init(from decoder: any Decoder) throws { throw onlyBSON(BSONArray.self) }
    public func encode(to encoder: any Encoder) throws { throw onlyBSON(BSONArray.self) }
}

extension BSONValue: Codable {
    public init(from decoder: any Decoder) throws { throw onlyBSON(BSONValue.self) }
    public func encode(to encoder: any Encoder) throws { throw onlyBSON(BSONValue.self) }
}
