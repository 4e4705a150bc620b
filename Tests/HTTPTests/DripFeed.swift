import HTTP

/// What a parser made of a byte stream: the parts (consecutive body pieces joined, since their
/// boundaries depend on how the bytes arrived) and the error that stopped it, if any.
struct ParseOutcome<Part: Equatable>: Equatable, CustomStringConvertible {
    var parts: [Part]
    var error: HTTPError.Code?

    var description: String { "\(parts) error: \(error.map { "\($0)" } ?? "none")" }
}

/// Feeds `chunks` to a fresh request parser, draining it after each, then marks the end of input.
func parseRequests(_ chunks: [ArraySlice<UInt8>], limits: HTTPParserLimits = HTTPParserLimits(),
                   endInput: Bool = true) -> ParseOutcome<HTTPRequestPart> {
    var parser = HTTPRequestParser(limits: limits)
    var parts: [HTTPRequestPart] = []
    func add(_ part: HTTPRequestPart) {
        if case .body(let more) = part, case .body(let sofar)? = parts.last {
            parts[parts.count - 1] = .body(sofar + more)
        } else {
            parts.append(part)
        }
    }
    do {
        for chunk in chunks {
            parser.append(chunk)
            while let part = try parser.next() { add(part) }
        }
        if endInput {
            parser.markEndOfInput()
            while let part = try parser.next() { add(part) }
        }
    } catch {
        return ParseOutcome(parts: parts, error: error.code)
    }
    return ParseOutcome(parts: parts, error: nil)
}

func parseResponses(_ chunks: [ArraySlice<UInt8>], methods: [HTTPMethod] = [],
                    limits: HTTPParserLimits = HTTPParserLimits(), endInput: Bool = true) -> ParseOutcome<HTTPResponsePart> {
    var parser = HTTPResponseParser(limits: limits)
    var pendingMethods = methods[...]
    parser.requestMethod = pendingMethods.first ?? .get
    var parts: [HTTPResponsePart] = []
    func add(_ part: HTTPResponsePart) {
        if case .body(let more) = part, case .body(let sofar)? = parts.last {
            parts[parts.count - 1] = .body(sofar + more)
        } else {
            parts.append(part)
        }
    }
    var lastHeadWasInterim = false
    func drain() throws(HTTPError) {
        while let part = try parser.next() {
            add(part)
            switch part {
            case .head(let head): lastHeadWasInterim = head.status.isInformational && head.status.code != 101
            case .end:
                // The next request's method applies once a final response has ended.
                if !lastHeadWasInterim {
                    pendingMethods = pendingMethods.dropFirst()
                    parser.requestMethod = pendingMethods.first ?? .get
                }
            case .body: break
            }
        }
    }
    do {
        for chunk in chunks {
            parser.append(chunk)
            try drain()
        }
        if endInput {
            parser.markEndOfInput()
            try drain()
        }
    } catch {
        return ParseOutcome(parts: parts, error: error.code)
    }
    return ParseOutcome(parts: parts, error: nil)
}

/// The ways of cutting `bytes` that every codec test runs: whole, one byte at a time, and in
/// two at every offset.
func splits(of bytes: [UInt8]) -> [(label: String, chunks: [ArraySlice<UInt8>])] {
    var result: [(String, [ArraySlice<UInt8>])] = [("whole", [bytes[...]])]
    result.append(("byte by byte", bytes.indices.map { bytes[$0...$0] }))
    for cut in 0...bytes.count {
        result.append(("split at \(cut)", [bytes[..<cut], bytes[cut...]]))
    }
    return result
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
