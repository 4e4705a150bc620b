/// Serializers: heads as their wire bytes, and chunked transfer coding (RFC 9112 §§3, 4, 7.1).
/// Each appends to a caller's buffer so that a head and a body can go out in one write.
extension HTTPRequestHead {
    /// Appends the request line, the header fields and the empty line.
    public func write(into bytes: inout [UInt8]) throws(HTTPError) {
        guard HTTPSyntax.isToken(method.rawValue.utf8) else {
            throw HTTPError(.invalidFieldForSerialization, "method `\(method)` is not a token")
        }
        guard !target.isEmpty, target.utf8.allSatisfy(HTTPSyntax.isTargetByte) else {
            throw HTTPError(.invalidFieldForSerialization, "request-target `\(target)` is empty or holds a space, control or non-ASCII byte")
        }
        try HTTPSerialization.checkFields(headers)
        bytes.reserveCapacity(bytes.count + method.rawValue.utf8.count + target.utf8.count + headers.storage.count + 14)
        bytes.append(contentsOf: method.rawValue.utf8)
        bytes.append(HTTPSyntax.space)
        bytes.append(contentsOf: target.utf8)
        bytes.append(HTTPSyntax.space)
        version.write(into: &bytes)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        bytes.append(contentsOf: headers.storage)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }
}

extension HTTPResponseHead {
    /// Appends the status line, the header fields and the empty line.
    public func write(into bytes: inout [UInt8]) throws(HTTPError) {
        guard (100...999).contains(status.code) else {
            throw HTTPError(.invalidFieldForSerialization, "status code \(status.code) is not three digits")
        }
        guard status.reasonPhrase.utf8.allSatisfy(HTTPSyntax.isFieldValue) else {
            throw HTTPError(.invalidFieldForSerialization, "the reason phrase holds a control byte")
        }
        try HTTPSerialization.checkFields(headers)
        bytes.reserveCapacity(bytes.count + 15 + status.reasonPhrase.utf8.count + headers.storage.count)
        version.write(into: &bytes)
        bytes.append(HTTPSyntax.space)
        HTTPSyntax.appendDecimal(status.code, to: &bytes)
        bytes.append(HTTPSyntax.space)
        bytes.append(contentsOf: status.reasonPhrase.utf8)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        bytes.append(contentsOf: headers.storage)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }
}

extension HTTPHeaders {
    /// Appends the field lines (each `name: value\r\n`), without the empty line that ends a section.
    public func write(into bytes: inout [UInt8]) throws(HTTPError) {
        try HTTPSerialization.checkFields(self)
        bytes.append(contentsOf: storage)
    }
}

enum HTTPSerialization {
    static func checkFields(_ headers: HTTPHeaders) throws(HTTPError) {
        if let name = headers.invalidField {
            throw HTTPError(.invalidFieldForSerialization,
                            "field `\(name)` has a name that is not a token or a value with CR, LF, another control byte or surrounding whitespace")
        }
    }
}

/// The chunked transfer coding (RFC 9112 §7.1), for streaming a body of unknown length.
public enum HTTPChunkedEncoding {
    /// Appends `data` as one chunk. Empty data appends nothing: a zero-size chunk would end the body.
    public static func appendChunk<C: Collection>(_ data: C, into bytes: inout [UInt8]) where C.Element == UInt8 {
        let count = data.count
        guard count > 0 else { return }
        appendChunkHeader(size: count, into: &bytes)
        bytes.append(contentsOf: data)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }

    /// Appends the size line of a chunk whose `size` bytes the caller writes next, followed by CRLF.
    public static func appendChunkHeader(size: Int, into bytes: inout [UInt8]) {
        HTTPSyntax.appendHex(size, to: &bytes)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }

    /// Appends the last chunk, the trailer fields and the final empty line.
    public static func appendEnd(trailers: HTTPHeaders = HTTPHeaders(), into bytes: inout [UInt8]) throws(HTTPError) {
        try HTTPSerialization.checkFields(trailers)
        bytes.append(UInt8(ascii: "0"))
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        bytes.append(contentsOf: trailers.storage)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }
}
