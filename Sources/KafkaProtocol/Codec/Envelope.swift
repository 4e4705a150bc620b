import WireCore

// Whole requests and responses: size prefix, header, body.

extension KafkaRequest {
    /// The complete frame for this request: size, request header (v1 or v2 as the version
    /// needs), body.
    public func frame(version: Int16, correlationId: Int32, clientId: String?) throws(KafkaProtocolError) -> [UInt8] {
        try Self.checkVersion(version)
        var writer = ByteWriter(capacity: 64 + (clientId?.utf8.count ?? 0) + encodedSizeHint)
        let sizeAt = writer.reserve(4)
        let header = RequestHeader(requestApiKey: Self.apiKey, requestApiVersion: version,
                                   correlationId: correlationId, clientId: clientId)
        try header.encode(into: &writer, version: Self.requestHeaderVersion(for: version))
        try encode(into: &writer, version: version)
        writer.patchInt32BE(Int32(truncatingIfNeeded: writer.count - 4), at: sizeAt)
        return writer.bytes
    }

    /// The complete frame of a response to this request (a broker's side, e.g. a fake broker in
    /// tests): size, response header at the version the request implies, body.
    public static func frameResponse(_ response: Response, version: Int16, correlationId: Int32) throws(KafkaProtocolError) -> [UInt8] {
        try checkVersion(version)
        var writer = ByteWriter()
        let sizeAt = writer.reserve(4)
        try ResponseHeader(correlationId: correlationId).encode(into: &writer, version: responseHeaderVersion(for: version))
        try response.encode(into: &writer, version: version)
        writer.patchInt32BE(Int32(truncatingIfNeeded: writer.count - 4), at: sizeAt)
        return writer.bytes
    }

    /// Decodes a response frame's payload (as `KafkaFrameDecoder` returns it) to this request's
    /// response type at `version`. Every byte must be consumed.
    public static func decodeResponse(_ payload: [UInt8], version: Int16) throws(KafkaProtocolError) -> (header: ResponseHeader, body: Response) {
        try decodeResponse(ByteView(payload), version: version)
    }

    /// As above, from a view of the receive buffer: `records` fields stay views of it.
    public static func decodeResponse(_ payload: ByteView, version: Int16) throws(KafkaProtocolError) -> (header: ResponseHeader, body: Response) {
        try checkVersion(version)
        var reader = ByteReader(payload)
        let header = ResponseHeader.decode(from: &reader, version: responseHeaderVersion(for: version))
        let body = Response.decode(from: &reader, version: version)
        if let error = reader.error { throw KafkaProtocolError(error) }
        guard reader.isAtEnd else {
            throw KafkaProtocolError(.malformed, "\(Response.messageName) v\(version): \(reader.remaining) bytes left over")
        }
        return (header, body)
    }
}

/// Reading the parts of frames that do not depend on knowing the message type.
public enum KafkaEnvelope {
    /// The correlation id that starts every response payload, whatever its header version,
    /// so a client can find the waiting request before it knows the response type.
    public static func responseCorrelationId(_ payload: [UInt8]) throws(KafkaProtocolError) -> Int32 {
        var reader = ByteReader(payload)
        let id = reader.readInt32BE()
        if let error = reader.error { throw KafkaProtocolError(error) }
        return id
    }

    /// Decodes a request payload's header (a broker's view). The header version follows from the
    /// API key and version that start it, for the APIs this module generates; the returned
    /// offset is where the body starts.
    public static func decodeRequestHeader(_ payload: [UInt8]) throws(KafkaProtocolError) -> (header: RequestHeader, bodyOffset: Int) {
        var peek = ByteReader(payload)
        let apiKey = peek.readInt16BE()
        let version = peek.readInt16BE()
        if let error = peek.error { throw KafkaProtocolError(error) }
        guard let type = KafkaGeneratedMessages.requests[apiKey] else {
            throw KafkaProtocolError(.unsupportedVersion, "API key \(apiKey) is not one this module knows")
        }
        try type.checkVersion(version)
        var reader = ByteReader(payload)
        let header = RequestHeader.decode(from: &reader, version: type.requestHeaderVersion(for: version))
        if let error = reader.error { throw KafkaProtocolError(error) }
        return (header, reader.offset)
    }
}
