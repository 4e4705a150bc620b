import HTTP
import Synchronization
import Transport

/// One HTTP/1.1 connection of a pool: the byte stream (TCP or TLS) and the response parser
/// that keeps bytes received past the end of one response for the next.
///
/// A connection belongs to one exchange at a time: the pool hands it out inside a
/// `ConnectionLease`, and only the lease holder calls `send`, `readHead` and `readBodyChunk`,
/// one after the other. That ownership rule, not a lock, is what makes the mutable parser
/// state safe, hence `@unchecked Sendable`.
final class ClientConnection: @unchecked Sendable {
    let key: PoolKey
    private let stream: any ByteStream
    private let readChunkSize: Int
    private var parser: HTTPResponseParser
    private let closed = Atomic<Bool>(false)

    // The current exchange.
    private var requestWantsClose = false
    private var head: HTTPResponseHead?
    /// Whether any byte of the current response has arrived.
    private(set) var receivedResponseBytes = false
    /// The current response has ended (its `end` part was parsed).
    private(set) var responseComplete = false

    init(key: PoolKey, stream: any ByteStream, readChunkSize: Int, maxHeadBytes: Int) {
        self.key = key
        self.stream = stream
        self.readChunkSize = max(1024, readChunkSize)
        // The body is streamed to the caller, so its size is the caller's business (collect(upTo:)).
        parser = HTTPResponseParser(limits: HTTPParserLimits(maxStartLineLength: 8 * 1024, maxHeaderBytes: maxHeadBytes,
                                                             maxHeaderCount: 256, maxBodySize: 1 << 62,
                                                             maxChunkLineLength: 4 * 1024))
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        stream.close()
    }

    /// After a response that came while the request was still being sent: the request was cut
    /// short, so the connection cannot carry another one.
    func markNotReusable() { requestWantsClose = true }

    /// Whether the finished exchange leaves the connection fit for another request.
    var reusable: Bool {
        guard responseComplete, let head, !isClosed, !requestWantsClose, head.keepAlive else { return false }
        // Close-delimited bodies end the connection; bytes nobody asked for mean we lost sync.
        return parser.framing != .untilClose && !parser.isUpgraded && parser.bufferedByteCount == 0
    }

    /// The Content-Length of the current response, if it has one.
    var expectedBodyLength: Int? {
        if case .contentLength(let n) = parser.framing { return n }
        return nil
    }

    /// An idle connection is worth reusing only if the server has not closed it (EOF waiting) nor
    /// sent anything unasked. Peeks without waiting.
    func isStillUsable() async -> Bool {
        guard !isClosed, parser.bufferedByteCount == 0 else { return false }
        var probe: [UInt8] = []
        do {
            _ = try await stream.read(into: &probe, maxBytes: 1, deadline: .now())
            return false  // EOF (0 bytes) or unsolicited data
        } catch {
            return error.code == .timedOut  // nothing to read: still open
        }
    }

    // MARK: request

    /// Writes the head and the body. `bodyStarted` is set once a streamed body's producer runs:
    /// from then on the request cannot be replayed.
    ///
    /// With `expectContinue` (the request says `Expect: 100-continue`) the body waits for the
    /// server's `100 Continue`, for at most `continueTimeout`, after which it is sent anyway
    /// (RFC 9110 §10.1.1). A final answer instead (417, 413, 401...) is returned and the body is
    /// never sent; the connection then cannot be reused.
    func send(head requestHead: [UInt8], method: HTTPMethod, wantsClose: Bool, body: HTTPClientRequest.Body,
              expectContinue: Bool, continueTimeout: Duration,
              deadline: Deadline, bodyStarted: inout Bool) async throws(HTTPClientError) -> HTTPResponseHead? {
        requestWantsClose = wantsClose
        head = nil
        receivedResponseBytes = false
        responseComplete = false
        parser.requestMethod = method
        if expectContinue && body.knownLength != 0 {
            try await write(requestHead, deadline: deadline)
            if let final = try await awaitContinue(deadline: deadline, continueDeadline: min(deadline, .after(continueTimeout))) {
                requestWantsClose = true
                return final
            }
            try await sendBody(body, deadline: deadline, bodyStarted: &bodyStarted)
            return nil
        }
        switch body.storage {
        case .empty:
            try await write(requestHead, deadline: deadline)
        case .bytes(let bytes):
            // Small bodies ride in the head's write; large ones are written as they are, uncopied.
            if bytes.count <= 16 * 1024 {
                try await write(requestHead + bytes, deadline: deadline)
            } else {
                try await write(requestHead, deadline: deadline)
                try await write(bytes, deadline: deadline)
            }
        case .stream:
            try await write(requestHead, deadline: deadline)
            try await sendBody(body, deadline: deadline, bodyStarted: &bodyStarted)
        }
        return nil
    }

    private func sendBody(_ body: HTTPClientRequest.Body, deadline: Deadline, bodyStarted: inout Bool) async throws(HTTPClientError) {
        switch body.storage {
        case .empty:
            return
        case .bytes(let bytes):
            try await write(bytes, deadline: deadline)
        case .stream(let length, let produce):
            bodyStarted = true
            try await sendStream(length: length, produce: produce, deadline: deadline)
        }
    }

    /// Waits for `100 Continue` (nil) or a final response (its head); nil too when
    /// `continueDeadline` passes first.
    private func awaitContinue(deadline: Deadline, continueDeadline: Deadline) async throws(HTTPClientError) -> HTTPResponseHead? {
        while true {
            let part: HTTPResponsePart?
            do {
                part = try await nextPart(deadline: continueDeadline, phase: .awaitingResponse)
            } catch {
                // Our own short wait ran out: the server does not do 100-continue; send the body.
                if error.code == .requestTimeout && !deadline.hasPassed { return nil }
                throw error
            }
            guard let part else { throw HTTPClientError(.connectionClosed, "the server closed the connection before 100 Continue") }
            guard case .head(let received) = part else {
                throw HTTPClientError(.invalidResponse, "expected a response head, got \(part)")
            }
            if received.status.isInformational && received.status.code != 101 {
                _ = try await nextPart(deadline: deadline, phase: .awaitingResponse)  // its `end`
                if received.status.code == 100 { return nil }
                continue
            }
            try await acceptFinalHead(received, deadline: deadline)
            return received
        }
    }

    private func sendStream(length: Int?, produce: @Sendable (HTTPClientRequest.Body.Writer) async throws -> Void,
                            deadline: Deadline) async throws(HTTPClientError) {
        let progress = Mutex<(sent: Int, failure: HTTPClientError?)>((0, nil))
        let writer = HTTPClientRequest.Body.Writer { [self] (chunk: [UInt8]) async throws(HTTPClientError) -> Void in
            guard !chunk.isEmpty else { return }
            let sent = progress.withLock { $0.sent }
            if let length, sent + chunk.count > length {
                let error = HTTPClientError(.invalidRequest, "request body is longer than its declared length \(length)")
                progress.withLock { $0.failure = error }
                throw error
            }
            do throws(HTTPClientError) {
                if length != nil {
                    try await write(chunk, deadline: deadline)
                } else {
                    var framed: [UInt8] = []
                    framed.reserveCapacity(chunk.count + 12)
                    HTTPChunkedEncoding.appendChunk(chunk, into: &framed)
                    try await write(framed, deadline: deadline)
                }
            } catch {
                progress.withLock { $0.failure = error }
                throw error
            }
            progress.withLock { $0.sent += chunk.count }
        }
        do {
            try await produce(writer)
        } catch {
            // A connection failure inside the producer keeps its own code; anything else the producer threw is its own.
            if let failure = progress.withLock({ $0.failure }) { throw failure }
            throw HTTPClientError(.requestBodyFailed, "the request body stream failed: \(error)")
        }
        let sent = progress.withLock { $0.sent }
        if let length {
            guard sent == length else {
                throw HTTPClientError(.invalidRequest, "request body ended after \(sent) of its declared \(length) bytes")
            }
        } else {
            var end: [UInt8] = []
            do { try HTTPChunkedEncoding.appendEnd(into: &end) } catch { throw HTTPClientError(.invalidRequest, error.description) }
            try await write(end, deadline: deadline)
        }
    }

    private func write(_ bytes: [UInt8], deadline: Deadline) async throws(HTTPClientError) {
        do {
            try await stream.write(bytes, deadline: deadline)
        } catch {
            throw HTTPClientError.transport(error, during: .sendingRequest)
        }
    }

    // MARK: response

    /// Reads until the final (non-1xx) response head. If the response has no body, its end is
    /// consumed too and `responseComplete` is set.
    func readHead(deadline: Deadline) async throws(HTTPClientError) -> HTTPResponseHead {
        while true {
            guard let part = try await nextPart(deadline: deadline, phase: .awaitingResponse) else {
                throw HTTPClientError(.connectionClosed, "the server closed the connection before a response")
            }
            guard case .head(let received) = part else {
                throw HTTPClientError(.invalidResponse, "expected a response head, got \(part)")
            }
            if received.status.isInformational && received.status.code != 101 {
                // 100 Continue, 103 Early Hints: their `end` follows at once; the real answer comes after.
                _ = try await nextPart(deadline: deadline, phase: .awaitingResponse)
                continue
            }
            try await acceptFinalHead(received, deadline: deadline)
            return received
        }
    }

    /// Records the final head; consumes the end at once when the response has no body.
    private func acceptFinalHead(_ received: HTTPResponseHead, deadline: Deadline) async throws(HTTPClientError) {
        head = received
        if parser.framing == .none {
            guard case .end? = try await nextPart(deadline: deadline, phase: .awaitingResponse) else {
                throw HTTPClientError(.invalidResponse, "a response without a body did not end")
            }
            responseComplete = true
        }
    }

    /// The next piece of the response body, nil at its end.
    func readBodyChunk(deadline: Deadline) async throws(HTTPClientError) -> [UInt8]? {
        guard !responseComplete else { return nil }
        guard let part = try await nextPart(deadline: deadline, phase: .readingBody) else {
            throw HTTPClientError(.connectionClosed, "the server closed the connection inside the response body")
        }
        switch part {
        case .body(let bytes):
            return bytes
        case .end:
            responseComplete = true
            return nil
        case .head:
            throw HTTPClientError(.invalidResponse, "a response head inside a body")
        }
    }

    /// The next parsed part, reading from the socket as needed; nil if the peer closed first
    /// with nothing pending.
    private func nextPart(deadline: Deadline, phase: HTTPClientError.Phase) async throws(HTTPClientError) -> HTTPResponsePart? {
        while true {
            do {
                if let part = try parser.next() { return part }
            } catch {
                throw HTTPClientError.response(error)
            }
            let n: Int
            do {
                let chunk = readChunkSize
                let stream = self.stream
                n = try await parser.receive { (buffer: inout [UInt8]) async throws(TransportError) -> Int in
                    try await stream.read(into: &buffer, maxBytes: chunk, deadline: deadline)
                }
            } catch {
                throw HTTPClientError.transport(error, during: phase)
            }
            if n == 0 {
                parser.markEndOfInput()
                do {
                    if let part = try parser.next() { return part }
                } catch {
                    throw HTTPClientError.response(error)
                }
                return nil
            }
            receivedResponseBytes = true
        }
    }
}
