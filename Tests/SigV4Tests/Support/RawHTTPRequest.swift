import SigV4

/// A request as written in the suites' `.req` / `request.txt` files: request line, headers
/// (with obsolete line folding), blank line, body. Lines end in `\n`.
struct RawHTTPRequest {
    var method: String
    var target: String
    var headers: [HTTPHeader]
    var body: [UInt8]

    init(_ bytes: [UInt8]) throws {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 0x0D ? line.dropLast() : line
        }
        guard !lines.isEmpty else { throw FixtureError("empty request") }
        let requestLine = lines.removeFirst()
        // The target may contain spaces ("/example space/"): method is before the first space,
        // the version after the last.
        guard let firstSpace = requestLine.firstIndex(of: 0x20), let lastSpace = requestLine.lastIndex(of: 0x20),
              firstSpace < lastSpace else { throw FixtureError("bad request line") }
        method = String(decoding: requestLine[..<firstSpace], as: UTF8.self)
        target = String(decoding: requestLine[(firstSpace + 1)..<lastSpace], as: UTF8.self)
        headers = []
        body = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty {
                body = Array(lines[index...].joined(separator: [0x0A]))
                break
            }
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                // Obsolete line folding: an HTTP/1.1 parser replaces the fold with a space (RFC 7230 3.2.4).
                headers[headers.count - 1].value += " " + String(decoding: line, as: UTF8.self)
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A) else { throw FixtureError("header line without ':'") }
            headers.append(HTTPHeader(String(decoding: line[..<colon], as: UTF8.self),
                                      String(decoding: line[(colon + 1)...], as: UTF8.self)))
        }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
