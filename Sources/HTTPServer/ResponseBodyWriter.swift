import HTTP
import Synchronization
import Transport

/// Where a streamed response body goes: the connection's socket.
protocol ResponseBodySink: AnyObject, Sendable {
    func writeResponseBytes(_ bytes: [UInt8]) async throws(HTTPServerError)
}

/// Writes a streamed response body. Each `write` is framed (chunked on HTTP/1.1), compressed if
/// the response is gzip-encoded, and sent before `write` returns, so a slow client slows the
/// producer down (backpressure) instead of filling memory. Writes from several tasks (say, a
/// producer and a heartbeat) are sent one after the other, never interleaved.
public final class ResponseBodyWriter: Sendable {
    private let sink: any ResponseBodySink
    private let chunked: Bool
    private let gate = AsyncSemaphore(permits: 1)
    private struct State: @unchecked Sendable {
        // GzipEncoder is used only while `gate` is held.
        var gzip: GzipEncoder?
        var finished = false
        var bytesWritten = 0
    }
    private let state: Mutex<State>

    init(sink: any ResponseBodySink, chunked: Bool, gzip: GzipEncoder?) {
        self.sink = sink
        self.chunked = chunked
        state = Mutex(State(gzip: gzip))
    }

    /// Sends `bytes` as the next piece of the body (nothing for an empty array).
    public func write(_ bytes: [UInt8]) async throws(HTTPServerError) {
        guard !bytes.isEmpty else { return }
        try await gate.acquireForWrite()
        defer { gate.release() }
        var frame: [UInt8] = []
        let payload: [UInt8] = try state.withLock { s throws(HTTPServerError) in
            guard !s.finished else { throw HTTPServerError(.connectionFailed, "write after the response body ended") }
            s.bytesWritten += bytes.count
            guard let gzip = s.gzip else { return bytes }
            var compressed: [UInt8] = []
            gzip.compress(bytes, flush: true, into: &compressed)
            return compressed
        }
        if chunked {
            frame.reserveCapacity(payload.count + 16)
            HTTPChunkedEncoding.appendChunk(payload, into: &frame)
        } else {
            frame = payload
        }
        guard !frame.isEmpty else { return }
        try await sink.writeResponseBytes(frame)
    }

    public func write(_ text: String) async throws(HTTPServerError) {
        try await write(Array(text.utf8))
    }

    /// Body bytes written so far (before compression).
    public var bytesWritten: Int { state.withLock { $0.bytesWritten } }

    /// Ends the body: the gzip trailer and the last chunk. Called by the server after the producer returns.
    func finish() async throws(HTTPServerError) {
        try await gate.acquireForWrite()
        defer { gate.release() }
        var frame: [UInt8] = []
        let tail: [UInt8] = state.withLock { s in
            guard !s.finished else { return [] }
            s.finished = true
            var tail: [UInt8] = []
            s.gzip?.finish(into: &tail)
            return tail
        }
        if chunked {
            HTTPChunkedEncoding.appendChunk(tail, into: &frame)
            // Cannot fail: no trailers.
            try? HTTPChunkedEncoding.appendEnd(into: &frame)
        } else {
            frame = tail
        }
        if !frame.isEmpty { try await sink.writeResponseBytes(frame) }
    }

    /// Marks the body ended without writing (the connection failed or the producer threw).
    func abandon() {
        state.withLock { $0.finished = true }
    }
}

extension AsyncSemaphore {
    func acquireForWrite() async throws(HTTPServerError) {
        do {
            try await acquire()
        } catch {
            throw HTTPServerError(.connectionFailed, "response write cancelled: \(error.message)")
        }
    }
}
