import HTTP
import Transport

/// A request as a handler sees it: the parsed head and a body that is read from the socket only
/// as the handler asks for it.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public let body: RequestBody

    public init(head: HTTPRequestHead, body: RequestBody = RequestBody()) {
        self.head = head
        self.body = body
    }

    public var method: HTTPMethod { head.method }
    public var headers: HTTPHeaders { head.headers }
    /// The percent-decoded path.
    public var path: String { head.path }
    public var queryItems: [HTTPQueryItem] { head.queryItems }
    public func queryValue(_ name: String) -> String? { head.queryValue(name) }
}

/// Where a request body's bytes come from: the connection, or bytes given up front (tests).
protocol RequestBodySource: AnyObject, Sendable {
    func nextBodyChunk(generation: Int) async throws(HTTPServerError) -> [UInt8]?
}

/// A request body as an `AsyncSequence` of byte chunks, pulled from the socket as it is iterated:
/// nothing is read until the handler asks (so a 1 GiB upload passes through in bounded memory),
/// and `Expect: 100-continue` is answered on the first pull. Iterate it once, inside the handler.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = HTTPServerError

    let source: (any RequestBodySource)?
    let generation: Int
    /// The Content-Length, if the client sent one (nil for chunked bodies and for no body).
    public let expectedLength: Int?

    /// An empty body.
    public init() {
        source = nil
        generation = 0
        expectedLength = nil
    }

    /// A body with the given bytes (for calling handlers directly in tests).
    public init(bytes: [UInt8]) {
        source = bytes.isEmpty ? nil : FixedBodySource(bytes)
        generation = 0
        expectedLength = bytes.count
    }

    init(source: any RequestBodySource, generation: Int, expectedLength: Int?) {
        self.source = source
        self.generation = generation
        self.expectedLength = expectedLength
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: (any RequestBodySource)?
        let generation: Int

        public mutating func next() async throws(HTTPServerError) -> [UInt8]? {
            guard let source else { return nil }
            return try await source.nextBodyChunk(generation: generation)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source, generation: generation) }

    /// Reads the whole body; throws 413 if it is longer than `maxBytes`.
    public func collect(upTo maxBytes: Int) async throws(HTTPServerError) -> [UInt8] {
        if let expectedLength, expectedLength > maxBytes {
            throw .problem(.contentTooLarge, "the body is \(expectedLength) bytes, more than the \(maxBytes) this resource takes")
        }
        var result: [UInt8] = []
        if let expectedLength { result.reserveCapacity(expectedLength) }
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            guard chunk.count <= maxBytes - result.count else {
                throw .problem(.contentTooLarge, "the body is longer than the \(maxBytes) bytes this resource takes")
            }
            if result.isEmpty { result = chunk } else { result.append(contentsOf: chunk) }
        }
        return result
    }
}

/// Serves a fixed byte array once.
final class FixedBodySource: RequestBodySource, @unchecked Sendable {
    // Touched only by the one task iterating the body.
    private var bytes: [UInt8]?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func nextBodyChunk(generation: Int) async throws(HTTPServerError) -> [UInt8]? {
        defer { bytes = nil }
        return bytes
    }
}
