/// The machinery shared by `HTTPRequestParser` and `HTTPResponseParser`: buffering, finding the
/// end of the head, field lines, and the three body framings (RFC 9112 §§2-7).
///
/// Bytes are appended to one buffer and parsed in place. The end-of-head scan remembers where it
/// stopped, so a head arriving one byte at a time is scanned once; the head is parsed only once it
/// is complete. Every limit is checked byte by byte during the scan, so the same input gives the
/// same result (value or error) however it is split.
struct HTTPMessageParser: Sendable {
    enum Kind: Sendable { case request, response }

    enum State: Sendable, Equatable {
        /// Waiting for (the rest of) a start line and header section.
        case head
        /// The head (or body) is done; `.end` is due.
        case endOfMessage
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        /// The CRLF after a chunk's data.
        case chunkDataEnd
        case trailers
        /// A response body delimited by the end of the connection.
        case untilClose
        /// After `101 Switching Protocols` or a successful CONNECT: the bytes are no longer HTTP.
        case upgraded
        /// The input ended at a message boundary.
        case finished
    }

    enum Head: Sendable {
        case request(HTTPRequestHead)
        case response(HTTPResponseHead)
    }

    enum Part: Sendable {
        case head(Head)
        case body([UInt8])
        case end(HTTPHeaders)
    }

    let kind: Kind
    var limits: HTTPParserLimits
    private(set) var buffer: [UInt8] = []
    /// First byte not yet consumed.
    private(set) var start = 0
    private(set) var state = State.head
    private var failure: HTTPError?
    private var inputEnded = false
    /// Body bytes declared so far by chunk sizes (for the body limit).
    private var chunkedBodySize = 0
    private(set) var framing = HTTPBodyFraming.none
    /// Responses only: the method of the request being answered (HEAD and CONNECT change framing).
    var requestMethod = HTTPMethod.get
    private var upgradeAfterEnd = false

    // Resumable scan of a line-oriented section (head, chunk-size line, trailers); indices into `buffer`.
    private var scanIndex = 0
    private var lineStart = 0
    /// First byte after the start line; -1 while the start line is still being scanned.
    private var sectionStart = -1

    init(kind: Kind, limits: HTTPParserLimits) {
        self.kind = kind
        self.limits = limits
    }

    // MARK: input

    var bufferedByteCount: Int { buffer.count - start }

    /// True between messages with nothing of the next one received yet.
    var isAtMessageBoundary: Bool { (state == .head || state == .finished) && start == buffer.count }

    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Lets `receive` append straight into the parse buffer (one copy from the socket, none after).
    mutating func receive<E: Error>(_ receive: (inout [UInt8]) async throws(E) -> Int) async throws(E) -> Int {
        compact()
        return try await receive(&buffer)
    }

    mutating func markEndOfInput() { inputEnded = true }

    /// Bytes received after an upgrade (or not yet parsed), for the protocol that takes over.
    var unparsedBytes: ArraySlice<UInt8> { buffer[start...] }

    private mutating func compact() {
        if start == 0 { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
        } else {
            return
        }
        scanIndex -= start
        lineStart -= start
        if sectionStart >= 0 { sectionStart -= start }
        start = 0
    }

    // MARK: parsing

    mutating func next() throws(HTTPError) -> Part? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func step() throws(HTTPError) -> Part? {
        while true {
            switch state {
            case .head:
                if kind == .request { skipEmptyLinesBeforeRequest() }
                guard let end = try scanSection(hasStartLine: true) else {
                    if inputEnded {
                        if start < buffer.count { throw truncated("in the head") }
                        state = .finished
                    }
                    return nil
                }
                let head = try parseHead(end: end)
                start = end
                resetScan()
                return .head(head)

            case .endOfMessage:
                state = upgradeAfterEnd ? .upgraded : .head
                upgradeAfterEnd = false
                return .end(HTTPHeaders())

            case .fixedBody(let remaining):
                guard let bytes = takeBody(max: remaining) else {
                    if inputEnded { throw truncated("with \(remaining) body bytes missing") }
                    return nil
                }
                state = bytes.count == remaining ? .endOfMessage : .fixedBody(remaining: remaining - bytes.count)
                return .body(bytes)

            case .chunkSizeLine:
                guard let lineEnd = try scanChunkLine() else {
                    if inputEnded { throw truncated("in a chunk-size line") }
                    return nil
                }
                let size = try parseChunkLine(from: start, to: lineEnd - 2)
                start = lineEnd
                resetScan()
                if size == 0 {
                    state = .trailers
                } else {
                    guard size <= limits.maxBodySize - chunkedBodySize else {
                        throw HTTPError(.bodyTooLarge, "chunked body exceeds the limit of \(limits.maxBodySize) bytes")
                    }
                    chunkedBodySize += size
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                guard let bytes = takeBody(max: remaining) else {
                    if inputEnded { throw truncated("in chunk data") }
                    return nil
                }
                state = bytes.count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - bytes.count)
                return .body(bytes)

            case .chunkDataEnd:
                guard buffer.count - start >= 2 else {
                    if buffer.count - start == 1 && buffer[start] != HTTPSyntax.cr {
                        throw HTTPError(.malformedChunk, "chunk data is not followed by CRLF")
                    }
                    if inputEnded { throw truncated("after chunk data") }
                    return nil
                }
                guard buffer[start] == HTTPSyntax.cr && buffer[start + 1] == HTTPSyntax.lf else {
                    throw HTTPError(.malformedChunk, "chunk data is not followed by CRLF")
                }
                start += 2
                resetScan()
                state = .chunkSizeLine

            case .trailers:
                guard let end = try scanSection(hasStartLine: false) else {
                    if inputEnded { throw truncated("in the trailer section") }
                    return nil
                }
                var trailers = HTTPHeaders()
                try parseFields(from: sectionStart, to: end - 2, into: &trailers)
                start = end
                resetScan()
                state = .head
                return .end(trailers)

            case .untilClose:
                if let bytes = takeBody(max: Int.max) { return .body(bytes) }
                if inputEnded {
                    state = .finished
                    return .end(HTTPHeaders())
                }
                return nil

            case .upgraded, .finished:
                return nil
            }
        }
    }

    private mutating func takeBody(max: Int) -> [UInt8]? {
        let n = min(buffer.count - start, max)
        guard n > 0 else { return nil }
        let bytes = Array(buffer[start..<(start + n)])
        start += n
        resetScan()
        return bytes
    }

    private func truncated(_ place: String) -> HTTPError {
        HTTPError(.truncatedMessage, "the input ended \(place)")
    }

    private mutating func resetScan() {
        scanIndex = start
        lineStart = start
        sectionStart = -1
    }

    /// RFC 9112 §2.2: a server ignores empty lines received before the request line.
    private mutating func skipEmptyLinesBeforeRequest() {
        guard sectionStart < 0 && lineStart == start else { return }
        var skipped = false
        while buffer.count - start >= 2 && buffer[start] == HTTPSyntax.cr && buffer[start + 1] == HTTPSyntax.lf {
            start += 2
            skipped = true
        }
        if skipped {
            scanIndex = start
            lineStart = start
        }
    }

    // MARK: line scanning

    /// Scans for the empty line ending a section; returns the index after it, or nil if more
    /// bytes are needed. With `hasStartLine` the first line is the start line (own limit).
    private mutating func scanSection(hasStartLine: Bool) throws(HTTPError) -> Int? {
        if !hasStartLine && sectionStart < 0 { sectionStart = start }
        let count = buffer.count
        let limits = self.limits
        var i = scanIndex
        var lineStart = self.lineStart
        var sectionStart = self.sectionStart
        defer {
            self.scanIndex = i
            self.lineStart = lineStart
            self.sectionStart = sectionStart
        }
        return try buffer.withUnsafeBufferPointer { p throws(HTTPError) -> Int? in
            // Index at which a byte that does not end the section breaks a limit.
            var limitIndex = sectionStart < 0 ? lineStart + limits.maxStartLineLength + 2 : sectionStart + limits.maxHeaderBytes
            while i < count {
                let b = p[i]
                if b == HTTPSyntax.lf {
                    guard i > lineStart && p[i - 1] == HTTPSyntax.cr else {
                        throw HTTPError(.bareLineEnding, "a line ends in LF without CR")
                    }
                    if sectionStart < 0 {
                        if i >= limitIndex {
                            throw HTTPError(.startLineTooLong, "the start line is longer than \(limits.maxStartLineLength) bytes")
                        }
                        sectionStart = i + 1
                        limitIndex = sectionStart + limits.maxHeaderBytes
                    } else {
                        if i >= limitIndex { throw sectionTooLarge(hasStartLine) }
                        if i - 1 == lineStart {
                            i += 1
                            return i
                        }
                    }
                    lineStart = i + 1
                } else if i >= limitIndex {
                    if sectionStart < 0 {
                        throw HTTPError(.startLineTooLong, "the start line is longer than \(limits.maxStartLineLength) bytes")
                    }
                    throw sectionTooLarge(hasStartLine)
                }
                i += 1
            }
            return nil
        }
    }

    private func sectionTooLarge(_ isHead: Bool) -> HTTPError {
        HTTPError(.headerSectionTooLarge,
                  "the \(isHead ? "header" : "trailer") section is larger than \(limits.maxHeaderBytes) bytes")
    }

    /// Scans for the end of a chunk-size line; returns the index after its LF.
    private mutating func scanChunkLine() throws(HTTPError) -> Int? {
        let count = buffer.count
        let limitIndex = start + limits.maxChunkLineLength + 2
        let start = self.start
        var i = scanIndex
        defer { scanIndex = i }
        return try buffer.withUnsafeBufferPointer { p throws(HTTPError) -> Int? in
            // Each byte is judged on the bytes up to it only, so splitting the input never
            // changes the outcome (a fuzz finding: a limit checked after the loop fired on the
            // position after the last byte received, before a bare LF there could be seen).
            while i < count {
                if p[i] == HTTPSyntax.lf {
                    guard i > start && p[i - 1] == HTTPSyntax.cr else {
                        throw HTTPError(.bareLineEnding, "a chunk-size line ends in LF without CR")
                    }
                    guard i < limitIndex else { throw chunkLineTooLong() }
                    i += 1
                    return i
                }
                guard i < limitIndex else { throw chunkLineTooLong() }
                i += 1
            }
            return nil
        }
    }

    private func chunkLineTooLong() -> HTTPError {
        HTTPError(.chunkLineTooLong, "a chunk-size line is longer than \(limits.maxChunkLineLength) bytes")
    }

    // MARK: head

    private mutating func parseHead(end: Int) throws(HTTPError) -> Head {
        let lineEnd = sectionStart - 2
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields: 8, bytes: end - sectionStart)
        try parseFields(from: sectionStart, to: end - 2, into: &headers)
        switch kind {
        case .request:
            var head = try parseRequestLine(from: start, to: lineEnd)
            head.headers = headers
            try decideRequestFraming(head)
            return .request(head)
        case .response:
            var head = try parseStatusLine(from: start, to: lineEnd)
            head.headers = headers
            try decideResponseFraming(head)
            return .response(head)
        }
    }

    private func parseRequestLine(from a: Int, to b: Int) throws(HTTPError) -> HTTPRequestHead {
        try buffer.withUnsafeBufferPointer { p throws(HTTPError) -> HTTPRequestHead in
            var i = a
            while i < b && HTTPSyntax.isToken(p[i]) { i += 1 }
            guard i > a, i < b, p[i] == HTTPSyntax.space else {
                throw HTTPError(.malformedStartLine, "the request line does not start with a method and one space")
            }
            let method = HTTPMethod.parse(UnsafeBufferPointer(rebasing: p[a..<i]))
            let targetStart = i + 1
            i = targetStart
            while i < b && HTTPSyntax.isTargetByte(p[i]) { i += 1 }
            guard i > targetStart else { throw HTTPError(.invalidTarget, "the request-target is empty or starts with whitespace") }
            guard i < b, p[i] == HTTPSyntax.space else {
                if i < b && p[i] != HTTPSyntax.space {
                    throw HTTPError(.invalidTarget, "the request-target holds byte 0x\(String(p[i], radix: 16))")
                }
                throw HTTPError(.malformedStartLine, "the request line has no HTTP version")
            }
            let target = String(decoding: UnsafeBufferPointer(rebasing: p[targetStart..<i]), as: UTF8.self)
            let version = try parseVersion(p, from: i + 1, to: b)
            return HTTPRequestHead(method: method, target: target, version: version)
        }
    }

    private func parseStatusLine(from a: Int, to b: Int) throws(HTTPError) -> HTTPResponseHead {
        try buffer.withUnsafeBufferPointer { p throws(HTTPError) -> HTTPResponseHead in
            guard b - a >= 12, p[a + 8] == HTTPSyntax.space else {
                throw HTTPError(.malformedStartLine, "the status line is not `HTTP/x.y NNN reason`")
            }
            let version = try parseVersion(p, from: a, to: a + 8)
            var code = 0
            for i in (a + 9)..<(a + 12) {
                let d = p[i] &- 0x30
                guard d < 10 else { throw HTTPError(.malformedStartLine, "the status code is not three digits") }
                code = code * 10 + Int(d)
            }
            guard code >= 100 else { throw HTTPError(.malformedStartLine, "status code \(code) is below 100") }
            var reason = ""
            if b > a + 12 {
                guard p[a + 12] == HTTPSyntax.space else {
                    throw HTTPError(.malformedStartLine, "the status code is not followed by a space")
                }
                let reasonBytes = UnsafeBufferPointer(rebasing: p[(a + 13)..<b])
                for c in reasonBytes where !HTTPSyntax.isFieldValue(c) {
                    throw HTTPError(.malformedStartLine, "the reason phrase holds byte 0x\(String(c, radix: 16))")
                }
                let standard = HTTPStatus.standardReason(code)
                reason = standard.utf8.elementsEqual(reasonBytes) ? standard : String(decoding: reasonBytes, as: UTF8.self)
            }
            return HTTPResponseHead(status: HTTPStatus(code: code, reasonPhrase: reason), version: version)
        }
    }

    /// `HTTP/DIGIT.DIGIT` spanning exactly [a, b).
    private func parseVersion(_ p: UnsafeBufferPointer<UInt8>, from a: Int, to b: Int) throws(HTTPError) -> HTTPVersion {
        guard b - a == 8, p[a] == 0x48, p[a + 1] == 0x54, p[a + 2] == 0x54, p[a + 3] == 0x50, p[a + 4] == 0x2F,
              p[a + 6] == 0x2E, p[a + 5] &- 0x30 < 10, p[a + 7] &- 0x30 < 10 else {
            throw HTTPError(.malformedStartLine, "the version is not HTTP/DIGIT.DIGIT")
        }
        let major = Int(p[a + 5] &- 0x30), minor = Int(p[a + 7] &- 0x30)
        guard major == 1 else { throw HTTPError(.unsupportedVersion, "HTTP/\(major).\(minor) is not supported") }
        return HTTPVersion(major: major, minor: minor)
    }

    /// Parses the field lines in [a, b) (each ending in CRLF) into `headers`.
    private func parseFields(from a: Int, to b: Int, into headers: inout HTTPHeaders) throws(HTTPError) {
        let maxCount = limits.maxHeaderCount
        try buffer.withUnsafeBufferPointer { p throws(HTTPError) in
            var i = a
            while i < b {
                var lineEnd = i
                while p[lineEnd] != HTTPSyntax.lf { lineEnd += 1 }  // the scan guarantees a CRLF
                let contentEnd = lineEnd - 1
                if HTTPSyntax.isWhitespace(p[i]) {
                    throw HTTPError(.obsoleteLineFolding, "a field line starts with whitespace (obsolete line folding)")
                }
                var j = i
                while j < contentEnd && HTTPSyntax.isToken(p[j]) { j += 1 }
                guard j > i, j < contentEnd, p[j] == HTTPSyntax.colon else {
                    throw HTTPError(.malformedHeader, j == i || j == contentEnd
                        ? "a field line has no `name:`" : "a field name is followed by byte 0x\(String(p[j], radix: 16)) instead of `:`")
                }
                var v = j + 1
                var e = contentEnd
                while v < e && HTTPSyntax.isWhitespace(p[v]) { v += 1 }
                while e > v && HTTPSyntax.isWhitespace(p[e - 1]) { e -= 1 }
                var k = v
                while k < e {
                    guard HTTPSyntax.isFieldValue(p[k]) else {
                        throw HTTPError(.malformedHeader, "a field value holds control byte 0x\(String(p[k], radix: 16))")
                    }
                    k += 1
                }
                guard headers.count < maxCount else {
                    throw HTTPError(.tooManyHeaders, "more than \(maxCount) field lines")
                }
                headers.appendRaw(UnsafeBufferPointer(rebasing: p[i..<j]), UnsafeBufferPointer(rebasing: p[v..<e]))
                i = lineEnd + 1
            }
        }
    }

    // MARK: framing (RFC 9112 §6.3)

    /// What the Content-Length and Transfer-Encoding fields say, validated.
    private struct FramingFields {
        var contentLength: Int?
        /// Transfer codings in order, lowercased.
        var codings: [String] = []
        var hasTransferEncoding = false
    }

    private func framingFields(_ headers: HTTPHeaders) throws(HTTPError) -> FramingFields {
        var result = FramingFields()
        for i in 0..<headers.ranges.count {
            let r = headers.ranges[i]
            let nameLength = r.nameEnd - r.nameStart
            guard nameLength == 14 || nameLength == 17 else { continue }
            try headers.storage.withUnsafeBufferPointer { s throws(HTTPError) in
                let name = UnsafeBufferPointer(rebasing: s[r.nameStart..<r.nameEnd])
                let value = UnsafeBufferPointer(rebasing: s[r.valueStart..<r.valueEnd])
                if nameLength == 14 && Self.nameIs(name, "content-length") {
                    try Self.addContentLength(value, to: &result, limit: limits.maxBodySize)
                } else if nameLength == 17 && Self.nameIs(name, "transfer-encoding") {
                    result.hasTransferEncoding = true
                    HTTPHeaders.forEachListElement(value) { result.codings.append(String(decoding: $0, as: UTF8.self).lowercased()) }
                }
            }
        }
        return result
    }

    private static func nameIs(_ name: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        let l = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
        return HTTPSyntax.equalsIgnoringCase(name, l)
    }

    /// Content-Length = 1*DIGIT; a list of identical values (`5, 5`) counts as one (RFC 9110 §8.6).
    private static func addContentLength(_ value: UnsafeBufferPointer<UInt8>, to result: inout FramingFields, limit: Int) throws(HTTPError) {
        var sawElement = false
        var i = 0
        while i <= value.count {
            var end = i
            while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
            var a = i, b = end
            while a < b && HTTPSyntax.isWhitespace(value[a]) { a += 1 }
            while b > a && HTTPSyntax.isWhitespace(value[b - 1]) { b -= 1 }
            guard b > a else { throw HTTPError(.invalidContentLength, "an empty Content-Length") }
            var n = 0
            var overflow = false
            for k in a..<b {
                let d = value[k] &- 0x30
                guard d < 10 else { throw HTTPError(.invalidContentLength, "Content-Length is not a decimal number") }
                if n > (Int.max - 9) / 10 { overflow = true } else { n = n * 10 + Int(d) }
            }
            // An overflowing length is still a well-formed number: it just exceeds any limit.
            if overflow { n = Int.max }
            if let previous = result.contentLength, previous != n {
                throw HTTPError(.conflictingContentLength, "Content-Length values \(previous) and \(n) differ")
            }
            result.contentLength = n
            sawElement = true
            i = end + 1
        }
        if !sawElement { throw HTTPError(.invalidContentLength, "an empty Content-Length") }
    }

    private mutating func decideRequestFraming(_ head: HTTPRequestHead) throws(HTTPError) {
        // RFC 9112 §3.2: exactly one Host in an HTTP/1.1 request.
        var hosts = 0
        for i in 0..<head.headers.ranges.count where head.headers.ranges[i].nameEnd - head.headers.ranges[i].nameStart == 4 {
            if head.headers.nameEquals(i, "host") { hosts += 1 }
        }
        if hosts > 1 || (hosts == 0 && head.version.minor >= 1) {
            throw HTTPError(.invalidHost, hosts == 0 ? "an HTTP/1.1 request without Host" : "more than one Host field")
        }
        let fields = try framingFields(head.headers)
        if fields.hasTransferEncoding {
            if fields.contentLength != nil {
                throw HTTPError(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding")
            }
            if head.version.minor == 0 {
                throw HTTPError(.invalidTransferEncoding, "Transfer-Encoding in an HTTP/1.0 request")
            }
            try checkChunkedLast(fields.codings, isRequest: true)
            framing = .chunked
            chunkedBodySize = 0
            state = .chunkSizeLine
        } else if let length = fields.contentLength, length > 0 {
            guard length <= limits.maxBodySize else {
                throw HTTPError(.bodyTooLarge, "Content-Length \(length) exceeds the limit of \(limits.maxBodySize) bytes")
            }
            framing = .contentLength(length)
            state = .fixedBody(remaining: length)
        } else {
            framing = .none
            state = .endOfMessage
        }
    }

    /// Returns normally if the codings end in exactly one `chunked` preceded by nothing we would
    /// have to decode.
    private func checkChunkedLast(_ codings: [String], isRequest: Bool) throws(HTTPError) {
        guard let last = codings.last else {
            throw HTTPError(.invalidTransferEncoding, "an empty Transfer-Encoding")
        }
        guard last == "chunked" else {
            throw HTTPError(.invalidTransferEncoding, "Transfer-Encoding `\(codings.joined(separator: ", "))` does not end in chunked")
        }
        if codings.dropLast().contains("chunked") {
            throw HTTPError(.invalidTransferEncoding, "chunked applied more than once")
        }
        if codings.count > 1 {
            throw HTTPError(.unsupportedTransferCoding, "transfer coding `\(codings.dropLast().joined(separator: ", "))` is not supported")
        }
    }

    private mutating func decideResponseFraming(_ head: HTTPResponseHead) throws(HTTPError) {
        let code = head.status.code
        if code == 101 || (requestMethod == .connect && (200..<300).contains(code)) {
            framing = .none
            state = .endOfMessage
            upgradeAfterEnd = true
            return
        }
        if head.status.forbidsBody || requestMethod == .head {
            framing = .none
            state = .endOfMessage
            return
        }
        let fields = try framingFields(head.headers)
        if fields.hasTransferEncoding {
            if fields.contentLength != nil {
                throw HTTPError(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding")
            }
            if head.version.minor == 0 {
                throw HTTPError(.invalidTransferEncoding, "Transfer-Encoding in an HTTP/1.0 response")
            }
            if fields.codings.last == "chunked" {
                try checkChunkedLast(fields.codings, isRequest: false)
                framing = .chunked
                chunkedBodySize = 0
                state = .chunkSizeLine
            } else {
                // RFC 9112 §6.3 rule 4: a response whose final coding is not chunked ends at close.
                framing = .untilClose
                state = .untilClose
            }
        } else if let length = fields.contentLength {
            guard length <= limits.maxBodySize else {
                throw HTTPError(.bodyTooLarge, "Content-Length \(length) exceeds the limit of \(limits.maxBodySize) bytes")
            }
            framing = length > 0 ? .contentLength(length) : .none
            state = length > 0 ? .fixedBody(remaining: length) : .endOfMessage
        } else {
            framing = .untilClose
            state = .untilClose
        }
    }

    // MARK: chunked

    /// chunk-size [ chunk-ext ] in [a, b): `1*HEXDIG *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )`.
    private func parseChunkLine(from a: Int, to b: Int) throws(HTTPError) -> Int {
        try buffer.withUnsafeBufferPointer { p throws(HTTPError) -> Int in
            var i = a
            var size = 0
            while i < b, let digit = PercentEncoding.hexValue(p[i]) {
                guard size <= (Int.max >> 4) else {
                    throw HTTPError(.bodyTooLarge, "a chunk size does not fit 63 bits")
                }
                size = size << 4 | Int(digit)
                i += 1
            }
            guard i > a else { throw HTTPError(.malformedChunk, "a chunk-size line does not start with a hex digit") }
            while true {
                while i < b && HTTPSyntax.isWhitespace(p[i]) { i += 1 }
                if i == b { return size }
                guard p[i] == UInt8(ascii: ";") else {
                    throw HTTPError(.malformedChunk, "unexpected byte 0x\(String(p[i], radix: 16)) in a chunk-size line")
                }
                i += 1
                while i < b && HTTPSyntax.isWhitespace(p[i]) { i += 1 }
                let nameStart = i
                while i < b && HTTPSyntax.isToken(p[i]) { i += 1 }
                guard i > nameStart else { throw HTTPError(.malformedChunk, "a chunk extension without a name") }
                while i < b && HTTPSyntax.isWhitespace(p[i]) { i += 1 }
                guard i < b, p[i] == UInt8(ascii: "=") else { continue }
                i += 1
                while i < b && HTTPSyntax.isWhitespace(p[i]) { i += 1 }
                if i < b && p[i] == UInt8(ascii: "\"") {
                    i = try Self.skipQuotedString(p, from: i, to: b)
                } else {
                    let valueStart = i
                    while i < b && HTTPSyntax.isToken(p[i]) { i += 1 }
                    guard i > valueStart else { throw HTTPError(.malformedChunk, "a chunk extension `=` without a value") }
                }
            }
        }
    }

    /// Returns the index after the closing quote of the quoted-string at `a`.
    private static func skipQuotedString(_ p: UnsafeBufferPointer<UInt8>, from a: Int, to b: Int) throws(HTTPError) -> Int {
        var i = a + 1
        while i < b {
            let c = p[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < b, HTTPSyntax.isFieldValue(p[i + 1]) else { break }
                i += 2
                continue
            }
            guard HTTPSyntax.isFieldValue(c) else { break }
            i += 1
        }
        throw HTTPError(.malformedChunk, "a malformed quoted-string in a chunk extension")
    }
}
