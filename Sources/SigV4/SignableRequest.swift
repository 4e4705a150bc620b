/// The parts of an HTTP request that SigV4 signs.
public struct SignableRequest: Sendable, Hashable {
    public var method: String
    /// The path as sent on the wire (already percent-encoded by whoever built it), without `?query`.
    public var path: [UInt8]
    /// The query parameters, decoded, in the order they are sent.
    public var query: [QueryParameter]
    /// Headers to sign. `Host` must be among them; hop-by-hop fields are skipped.
    public var headers: [HTTPHeader]

    public init(method: String, path: String, query: [QueryParameter] = [], headers: [HTTPHeader] = []) {
        self.method = method
        self.path = Array(path.utf8)
        self.query = query
        self.headers = headers
    }

    /// From path bytes already encoded for the wire, such as `S3ObjectAddress.path`.
    public init(method: String, encodedPath: [UInt8], query: [QueryParameter] = [], headers: [HTTPHeader] = []) {
        self.method = method
        self.path = encodedPath
        self.query = query
        self.headers = headers
    }

    /// From a request target `path?query` as it appears on the request line.
    public init(method: String, target: String, headers: [HTTPHeader] = []) throws(SigV4Error) {
        let bytes = Array(target.utf8)
        self.method = method
        self.headers = headers
        if let q = bytes.firstIndex(of: ASCII.question) {
            self.path = Array(bytes[..<q])
            self.query = try QueryParameter.parse(bytes[(q + 1)...])
        } else {
            self.path = bytes
            self.query = []
        }
    }

    func validate() throws(SigV4Error) {
        guard !method.isEmpty, method.utf8.allSatisfy(ASCII.isTokenCharacter) else {
            throw SigV4Error(.invalidHeader, "method \(method.debugDescription) is not an HTTP token")
        }
        for h in headers { try h.validateForSigning() }
        guard headers.contains(where: { $0.name.utf8.count == 4 && $0.lowercasedNameBytes == Self.host }) else {
            throw SigV4Error(.invalidHeader, "a Host header is required: SigV4 always signs it")
        }
    }

    private static let host = Array("host".utf8)

    /// The headers that take part in signing, with their lowercased names.
    var signableEntries: [(name: [UInt8], value: String)] {
        var out: [(name: [UInt8], value: String)] = []
        out.reserveCapacity(headers.count + 3)
        for h in headers {
            let name = h.lowercasedNameBytes
            if !HTTPHeader.unsignableNames.contains(name) { out.append((name, h.value)) }
        }
        return out
    }
}
