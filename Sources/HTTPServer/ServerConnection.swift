import HTTP
import Transport

/// Serves one connection: reads requests in order, runs their handlers, writes their responses.
///
/// The hot path (a keep-alive GET answered with bytes) reads into the parser's own buffer, parses
/// the head in place, runs the handler on this task (no hop to another executor), and writes the
/// response head and body with one write from a buffer reused across requests.
///
/// Mutable state is touched by one task at a time: this connection's task, which also runs the
/// handler. The request body and a streamed response are used by the handler while this task
/// waits for it.
final class ServerConnection<Stream: ByteStream>: RequestBodySource, ResponseBodySink, @unchecked Sendable {
    private enum BodyState {
        /// No body, or it has been read to its end.
        case done
        /// Not read yet; `expectContinue` if the client waits for `100 Continue`.
        case pending(expectContinue: Bool)
        case reading
        case failed(HTTPServerError)
    }

    private enum HeadOutcome {
        case head(HTTPRequestHead)
        /// Close without answering (clean end, idle timeout, shutdown, client gone).
        case close
        /// Answer with this (an error) and close.
        case reject(HTTPResponse)
    }

    let stream: Stream
    let state: ConnectionState
    let router: CompiledRouter
    let configuration: HTTPServerConfiguration
    let registry: ConnectionRegistry
    private var parser: HTTPRequestParser
    private var output: [UInt8] = []
    private var date = HTTPDateCache()
    private var bodyState = BodyState.done
    private var bodyGeneration = 0
    private var requestsServed = 0
    /// The response in progress must be the last on this connection.
    private var closeAfterResponse = false
    private let acceptedAt = Deadline.now()

    init(stream: Stream, state: ConnectionState, router: CompiledRouter, configuration: HTTPServerConfiguration,
         registry: ConnectionRegistry) {
        self.stream = stream
        self.state = state
        self.router = router
        self.configuration = configuration
        self.registry = registry
        parser = HTTPRequestParser(limits: configuration.limits)
        output.reserveCapacity(4096)
    }

    // MARK: the request loop

    func serve() async {
        while true {
            let head: HTTPRequestHead
            switch await readHead() {
            case .head(let h):
                head = h
            case .close:
                stream.close()
                return
            case .reject(let response):
                closeAfterResponse = true
                var response = response
                _ = await write(&response, for: nil, keepAlive: false)
                await lingeringClose()
                return
            }
            requestsServed += 1
            guard await respond(to: head) else { return }
        }
    }

    /// Runs the handler for `head` and writes its response. Returns whether to read another request.
    private func respond(to head: HTTPRequestHead) async -> Bool {
        closeAfterResponse = false
        bodyGeneration &+= 1
        let framing = parser.framing
        let body: RequestBody
        switch framing {
        case .none:
            bodyState = .done
            body = RequestBody()
        case .contentLength(let length):
            bodyState = .pending(expectContinue: head.expectsContinue)
            body = RequestBody(source: self, generation: bodyGeneration, expectedLength: length)
        case .chunked, .untilClose:
            bodyState = .pending(expectContinue: head.expectsContinue)
            body = RequestBody(source: self, generation: bodyGeneration, expectedLength: nil)
        }
        let rawPath = head.rawPath
        let match = router.match(method: head.method, rawPath: rawPath)
        let context = RequestContext(parameters: match.parameters, route: match.pattern, remoteAddress: stream.remoteAddress,
                                     deadline: configuration.handlerTimeout.map { Deadline.after($0) })
        let request = HTTPRequest(head: head, body: body)

        state.beginHandler()
        var response: HTTPResponse
        do {
            response = try await match.handler(request, context)
        } catch {
            response = HTTPResponse.problem(for: error, instance: rawPath)
        }
        if state.endHandler() {
            // The task is cancelled now; answer if the socket takes it and end the connection.
            response = HTTPResponse.problem(HTTPServerError(.handlerTimedOut, "the handler did not finish in time",
                                                            status: .serviceUnavailable), instance: rawPath)
            closeAfterResponse = true
        }
        switch bodyState {
        case .done, .reading: break
        case .pending(let expectContinue):
            // The handler answered without reading the body. A client waiting for 100 Continue
            // may or may not send it now; only closing is certain to keep the framing straight.
            if expectContinue { closeAfterResponse = true }
        case .failed:
            closeAfterResponse = true
        }
        // Read after the handler, so a request in flight when shutdown begins gets `Connection: close`.
        let keep = head.keepAlive && !closeAfterResponse && !registry.shuttingDown.load(ordering: .relaxed)
        guard await write(&response, for: head, keepAlive: keep) else {
            stream.close()
            return false
        }
        // Writing may decide to close too (an HTTP/1.0 streamed body ends with the connection).
        if !keep || closeAfterResponse {
            if case .done = bodyState {
                await stream.shutdownOutput()
                stream.close()
            } else {
                await lingeringClose()
            }
            return false
        }
        if case .done = bodyState { return true }
        return await discardRestOfBody()
    }

    /// Reads until a head is complete, within the header timeout (or the keep-alive timeout
    /// while nothing of the next request has arrived).
    private func readHead() async -> HeadOutcome {
        var headDeadline: Deadline? = requestsServed == 0 ? acceptedAt + configuration.headerReadTimeout : nil
        var ended = false
        while true {
            do {
                if let part = try parser.next() {
                    if case .head(let head) = part { return .head(head) }
                    continue
                }
            } catch {
                if ended { return .close }  // the client left mid-head: nobody to answer
                return .reject(Self.errorResponse(error))
            }
            if ended { return .close }
            let deadline: Deadline
            var wentIdle = false
            if parser.isAtMessageBoundary && headDeadline == nil {
                guard state.markIdle(shuttingDown: registry.shuttingDown) else { return .close }
                wentIdle = true
                deadline = .after(configuration.keepAliveIdleTimeout)
            } else {
                let started = headDeadline ?? .after(configuration.headerReadTimeout)
                headDeadline = started
                deadline = started
            }
            let n: Int
            do {
                let stream = self.stream
                let size = configuration.readSize
                n = try await parser.receive { (buffer: inout [UInt8]) async throws(TransportError) -> Int in
                    try await stream.read(into: &buffer, maxBytes: size, deadline: deadline)
                }
            } catch {
                if wentIdle { state.markBusy() }
                if error.code == .timedOut && !parser.isAtMessageBoundary {
                    return .reject(HTTPResponse.problem(HTTPServerError.problem(.requestTimeout, "the request head did not arrive in time"),
                                                        instance: nil))
                }
                return .close
            }
            if wentIdle { state.markBusy() }
            if n == 0 {
                parser.markEndOfInput()
                ended = true
            }
        }
    }

    private static func errorResponse(_ error: HTTPError) -> HTTPResponse {
        HTTPResponse.problem(HTTPServerError(.invalidRequest, error.message, status: error.status,
                                             title: error.status.reasonPhrase), instance: nil)
    }

    // MARK: request body

    func nextBodyChunk(generation: Int) async throws(HTTPServerError) -> [UInt8]? {
        guard generation == bodyGeneration else {
            throw HTTPServerError(.bodyUnavailable, "the request body was read after its response was sent")
        }
        switch bodyState {
        case .done:
            return nil
        case .failed(let error):
            throw error
        case .pending(let expectContinue):
            bodyState = .reading
            if expectContinue {
                do {
                    try await stream.write(WireText.continueLine, deadline: .after(configuration.writeTimeout))
                } catch {
                    return try fail(HTTPServerError(.connectionFailed, "writing 100 Continue: \(error.message)", status: .badRequest))
                }
            }
        case .reading:
            break
        }
        while true {
            let part: HTTPRequestPart?
            do {
                part = try parser.next()
            } catch {
                return try fail(HTTPServerError(.invalidRequestBody, error.message, status: error.status))
            }
            switch part {
            case .body(let bytes)?: return bytes
            case .end?: bodyState = .done; return nil
            case .head?: return try fail(HTTPServerError(.invalidRequestBody, "a head inside a body", status: .badRequest))
            case nil: break
            }
            do {
                let stream = self.stream
                let size = max(configuration.readSize, 64 * 1024)
                let deadline = Deadline.after(configuration.bodyIdleTimeout)
                let n = try await parser.receive { (buffer: inout [UInt8]) async throws(TransportError) -> Int in
                    try await stream.read(into: &buffer, maxBytes: size, deadline: deadline)
                }
                if n == 0 { parser.markEndOfInput() }
            } catch {
                if error.code == .timedOut {
                    return try fail(HTTPServerError(.bodyReadTimedOut, "the client paused sending the body for longer than \(configuration.bodyIdleTimeout)",
                                                    status: .requestTimeout))
                }
                return try fail(HTTPServerError(.connectionFailed, "reading the body: \(error.message)", status: .badRequest))
            }
        }
    }

    private func fail(_ error: HTTPServerError) throws(HTTPServerError) -> [UInt8]? {
        bodyState = .failed(error)
        closeAfterResponse = true
        throw error
    }

    /// After a response whose handler left (part of) the body unread: read and drop it so the
    /// next request can be parsed, unless it is too long to be worth it.
    private func discardRestOfBody() async -> Bool {
        var discarded = 0
        let limit = 256 * 1024
        let generation = bodyGeneration
        do {
            while let chunk = try await nextBodyChunk(generation: generation) {
                discarded += chunk.count
                if discarded > limit { break }
            }
        } catch {}
        if case .done = bodyState { return true }
        await lingeringClose()
        return false
    }


    // MARK: responses

    func writeResponseBytes(_ bytes: [UInt8]) async throws(HTTPServerError) {
        do {
            try await stream.write(bytes, deadline: .after(configuration.writeTimeout))
        } catch {
            throw HTTPServerError(.connectionFailed, "writing the response: \(error.message)")
        }
    }

    /// Writes `response` (for the request `head`, nil if it could not be parsed). Returns false
    /// if the connection failed.
    private func write(_ response: inout HTTPResponse, for head: HTTPRequestHead?, keepAlive: Bool) async -> Bool {
        let isHead = head?.method == .head
        let forbidsBody = response.status.forbidsBody
        if response.headers.contains("content-length") { response.headers.remove("content-length") }
        if response.headers.contains("transfer-encoding") { response.headers.remove("transfer-encoding") }

        var gzip: GzipEncoder?
        if let head, !isHead, !forbidsBody, configuration.gzip.enabled, shouldCompress(response, request: head) {
            gzip = GzipEncoder(level: configuration.gzip.level)
            if gzip != nil {
                response.headers.add(name: "Content-Encoding", value: "gzip")
                response.headers.add(name: "Vary", value: "Accept-Encoding")
            }
        }

        output.removeAll(keepingCapacity: true)
        do {
            try HTTPResponseHead(status: response.status, headers: response.headers).write(into: &output)
        } catch {
            // A handler set an invalid field: answer 500 rather than send broken framing.
            response = HTTPResponse.problem(HTTPServerError(.problem, error.message, status: .internalServerError), instance: nil)
            output.removeAll(keepingCapacity: true)
            try? HTTPResponseHead(status: response.status, headers: response.headers).write(into: &output)
            gzip = nil
        }
        output.removeLast(2)  // reopen the header section to add the fields the server owns
        output.append(contentsOf: date.current())
        var streamProducer: (@Sendable (ResponseBodyWriter) async throws -> Void)?
        var chunked = false
        var closeDelimited = false
        switch response.body {
        case .empty:
            if !forbidsBody { Self.appendContentLength(0, to: &output) }
        case .bytes(var bytes):
            if let encoder = gzip {
                var compressed: [UInt8] = []
                compressed.reserveCapacity(bytes.count / 3 + 64)
                encoder.compress(bytes, flush: false, into: &compressed)
                encoder.finish(into: &compressed)
                bytes = compressed
            }
            if !forbidsBody { Self.appendContentLength(bytes.count, to: &output) }
            if !isHead && !forbidsBody {
                Self.finishHead(&output, keepAlive: keepAlive, head: head)
                output.append(contentsOf: bytes)
                return await flush()
            }
        case .stream(let produce):
            if !isHead && !forbidsBody {
                streamProducer = produce
                if head?.version.minor == 0 {
                    closeDelimited = true
                } else {
                    chunked = true
                    output.append(contentsOf: WireText.chunkedLine)
                }
            }
        }
        Self.finishHead(&output, keepAlive: keepAlive && !closeDelimited, head: head)
        guard await flush() else { return false }
        guard let produce = streamProducer else { return true }

        let writer = ResponseBodyWriter(sink: self, chunked: chunked, gzip: gzip)
        do {
            try await produce(writer)
            try await writer.finish()
        } catch {
            // The head is out, so the status cannot change: end the connection without the
            // last chunk, which tells the client the body is incomplete.
            writer.abandon()
            return false
        }
        if closeDelimited { closeAfterResponse = true }
        return true
    }

    private func flush() async -> Bool {
        do {
            try await stream.write(output, deadline: .after(configuration.writeTimeout))
            return true
        } catch {
            return false
        }
    }


    private static func appendContentLength(_ n: Int, to output: inout [UInt8]) {
        output.append(contentsOf: WireText.contentLengthPrefix)
        if n < 10 {
            output.append(0x30 + UInt8(n))
        } else {
            output.append(contentsOf: String(n).utf8)
        }
        output.append(0x0D)
        output.append(0x0A)
    }

    private static func finishHead(_ output: inout [UInt8], keepAlive: Bool, head: HTTPRequestHead?) {
        if !keepAlive {
            output.append(contentsOf: WireText.closeLine)
        } else if head?.version.minor == 0 {
            output.append(contentsOf: WireText.keepAliveLine)
        }
        output.append(0x0D)
        output.append(0x0A)
    }

    private func shouldCompress(_ response: HTTPResponse, request: HTTPRequestHead) -> Bool {
        switch response.body {
        case .empty: return false
        case .bytes(let bytes): if bytes.count < configuration.gzip.minimumSize { return false }
        case .stream: break
        }
        // Cheapest test first: most benchmark-style clients send no Accept-Encoding at all.
        guard request.headers.contains("accept-encoding"), !response.headers.contains("content-encoding"),
              let contentType = response.headers["content-type"], GzipPolicy.isCompressible(contentType[...]) else { return false }
        return AcceptEncoding.allowsGzip(request.headers)
    }

    // MARK: closing

    /// Closes after an error response without losing it: stop sending, then read (and drop)
    /// what the client is still sending for a moment, so the kernel does not answer it with a
    /// reset that could destroy the response before the client reads it (RFC 9112 §9.6).
    private func lingeringClose() async {
        await stream.shutdownOutput()
        let deadline = Deadline.after(.seconds(2))
        var scratch: [UInt8] = []
        var total = 0
        while total < 1 << 20 {
            scratch.removeAll(keepingCapacity: true)
            guard let n = try? await stream.read(into: &scratch, maxBytes: 16 * 1024, deadline: deadline), n > 0 else { break }
            total += n
        }
        stream.close()
    }
}

/// Fixed byte strings of the response path, made once.
enum WireText {
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    static let chunkedLine = Array("Transfer-Encoding: chunked\r\n".utf8)
    static let closeLine = Array("Connection: close\r\n".utf8)
    static let keepAliveLine = Array("Connection: keep-alive\r\n".utf8)
    static let contentLengthPrefix = Array("Content-Length: ".utf8)
}

/// Reads `Accept-Encoding` (RFC 9110 §12.5.3), including `q=0` refusals.
enum AcceptEncoding {
    static func allowsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzipQ: Double?
        var starQ: Double?
        for value in headers.values(for: "accept-encoding") {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let first = parts.first else { continue }
                let coding = first.trimmingWhitespace().lowercased()
                var q = 1.0
                for parameter in parts.dropFirst() {
                    let p = parameter.trimmingWhitespace()
                    if p.lowercased().hasPrefix("q="), let value = Double(p.dropFirst(2)) { q = value }
                }
                if coding == "gzip" || coding == "x-gzip" { gzipQ = q } else if coding == "*" { starQ = q }
            }
        }
        if let gzipQ { return gzipQ > 0 }
        if let starQ { return starQ > 0 }
        return false
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
