import HTTP
import Synchronization

/// A response: status, headers and a body read from the connection as it is consumed.
///
/// The connection goes back to its pool when the body has been read to the end (or right away
/// when the response has none). Read the body, `collect` it, or `discard` it: a response dropped
/// with its body unread closes the connection instead of reusing it.
public struct HTTPClientResponse: Sendable {
    public let status: HTTPStatus
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    public let body: Body

    init(head: HTTPResponseHead, body: Body) {
        status = head.status
        version = head.version
        headers = head.headers
        self.body = body
    }

    /// Reads the whole body into memory, failing with `responseTooLarge` past `maxBytes`.
    public func collect(upTo maxBytes: Int) async throws(HTTPClientError) -> [UInt8] {
        try await body.collect(upTo: maxBytes)
    }

    /// Reads and drops the rest of the body so the connection can be reused.
    public func discard() async throws(HTTPClientError) {
        try await body.discard()
    }

    /// The response body as an `AsyncSequence` of byte chunks, each at most the client's read size.
    /// It can be iterated once; a second iteration fails.
    public struct Body: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        public typealias Failure = HTTPClientError
        let reader: ResponseBodyReader?

        static let empty = Body(reader: nil)

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(reader: reader, claimed: reader?.claim() ?? true)
        }

        public struct AsyncIterator: AsyncIteratorProtocol {
            let reader: ResponseBodyReader?
            let claimed: Bool

            public mutating func next() async throws(HTTPClientError) -> [UInt8]? {
                guard let reader else { return nil }
                guard claimed else { throw HTTPClientError(.invalidRequest, "a response body can be read only once") }
                return try await reader.next()
            }
        }

        public func collect(upTo maxBytes: Int) async throws(HTTPClientError) -> [UInt8] {
            var out: [UInt8] = []
            if let length = reader?.expectedLength {
                guard length <= maxBytes else {
                    reader?.abandon()
                    throw HTTPClientError(.responseTooLarge, "response body of \(length) bytes is over the limit of \(maxBytes)")
                }
                out.reserveCapacity(length)
            }
            var iterator = makeAsyncIterator()
            while let chunk = try await iterator.next() {
                guard out.count + chunk.count <= maxBytes else {
                    reader?.abandon()
                    throw HTTPClientError(.responseTooLarge, "response body is over the limit of \(maxBytes) bytes")
                }
                out.append(contentsOf: chunk)
            }
            return out
        }

        public func discard() async throws(HTTPClientError) {
            var iterator = makeAsyncIterator()
            while try await iterator.next() != nil {}
        }
    }
}
