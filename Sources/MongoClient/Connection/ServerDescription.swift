import BSON

/// What a server said about itself in its `hello` reply: its limits and its role.
public struct ServerDescription: Sendable {
    public var address: ServerAddress
    /// Largest document the server accepts (16 MiB by default).
    public var maxBsonObjectSize = 16 * 1024 * 1024
    /// Largest wire message (48 000 000 by default).
    public var maxMessageSizeBytes = 48_000_000
    /// Most writes in one insert/update/delete command (100 000 by default).
    public var maxWriteBatchSize = 100_000
    public var minWireVersion = 0
    public var maxWireVersion = 0
    public var isWritablePrimary = false
    public var isSecondary = false
    public var isMongos = false
    public var setName: String?
    /// Members the server knows (replica sets), and the primary it believes in.
    public var hosts: [ServerAddress] = []
    public var primary: ServerAddress?
    public var logicalSessionTimeoutMinutes: Int?
    public var connectionId: Int?
    public var saslSupportedMechs: [String]?
    public var reply: BSONDocument

    public init(address: ServerAddress, hello reply: BSONDocument) {
        self.address = address
        self.reply = reply
        if let v = reply["maxBsonObjectSize"]?.intValue, v > 0 { maxBsonObjectSize = v }
        if let v = reply["maxMessageSizeBytes"]?.intValue, v > 0 { maxMessageSizeBytes = v }
        if let v = reply["maxWriteBatchSize"]?.intValue, v > 0 { maxWriteBatchSize = v }
        minWireVersion = reply["minWireVersion"]?.intValue ?? 0
        maxWireVersion = reply["maxWireVersion"]?.intValue ?? 0
        isWritablePrimary = reply["isWritablePrimary"]?.boolValue ?? reply["ismaster"]?.boolValue ?? false
        isSecondary = reply["secondary"]?.boolValue ?? false
        isMongos = reply["msg"]?.stringValue == "isdbgrid"
        setName = reply["setName"]?.stringValue
        hosts = reply["hosts"]?.arrayValue?.compactMap { $0.stringValue.flatMap(Self.parseAddress) } ?? []
        primary = reply["primary"]?.stringValue.flatMap(Self.parseAddress)
        logicalSessionTimeoutMinutes = reply["logicalSessionTimeoutMinutes"]?.intValue
        connectionId = reply["connectionId"]?.intValue
        saslSupportedMechs = reply["saslSupportedMechs"]?.arrayValue?.compactMap(\.stringValue)
    }

    /// "host:port" as servers write member names.
    static func parseAddress(_ text: String) -> ServerAddress? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            return ServerAddress(host: host, port: rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 27017 : 27017)
        }
        let parts = text.split(separator: ":")
        guard let host = parts.first else { return nil }
        return ServerAddress(host: host.lowercased(), port: parts.count > 1 ? Int(parts[1]) ?? 27017 : 27017)
    }
}
