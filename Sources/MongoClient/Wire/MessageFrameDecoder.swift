import BSON

/// Cuts a byte stream into whole wire messages. Pure: `append` bytes as they arrive, then call
/// `next()` until it returns nil (need more data). A frame whose header is impossible (shorter
/// than a minimal OP_MSG, longer than `maxMessageSize`) fails as soon as its header is in, not
/// after the bytes of a bogus length have been buffered.
public struct MessageFrameDecoder: Sendable {
    /// The smallest OP_MSG: header, flags, kind byte and an empty document.
    public static let minimumMessageSize = MessageHeader.size + 4 + 1 + 5

    /// The largest message accepted; the handshake's maxMessageSizeBytes (48 000 000 by default).
    public var maxMessageSize: Int
    public var documentLimits: BSONLimits

    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxMessageSize: Int = 48_000_000, documentLimits: BSONLimits = .default) {
        self.maxMessageSize = maxMessageSize
        self.documentLimits = documentLimits
    }

    /// Bytes received but not yet returned as a message.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame (header included), or nil when more bytes are needed.
    public mutating func nextFrame() throws(MongoError) -> [UInt8]? {
        guard let header = MessageHeader.read(from: buffer, at: start) else { return nil }
        let length = Int(header.messageLength)
        guard length >= Self.minimumMessageSize else {
            throw MongoError(.protocolViolation, "message length \(length) is below the minimum of \(Self.minimumMessageSize)")
        }
        guard length <= maxMessageSize else {
            throw MongoError(.messageTooLarge, "message length \(length) exceeds maxMessageSizeBytes \(maxMessageSize)")
        }
        guard buffer.count - start >= length else { return nil }
        let frame: [UInt8]
        if start == 0 && length == buffer.count {
            // The usual case, one reply per read: hand the buffer over instead of copying it.
            frame = buffer
            buffer = []
            start = 0
        } else {
            frame = Array(buffer[start..<start + length])
            start += length
            if start == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            } else if start > 64 * 1024 && start * 2 > buffer.count {
                buffer.removeFirst(start)
                start = 0
            }
        }
        return frame
    }

    /// The next whole OP_MSG, or nil when more bytes are needed.
    public mutating func next() throws(MongoError) -> (header: MessageHeader, message: OpMsg)? {
        guard let frame = try nextFrame() else { return nil }
        return try OpMsg.decode(frame: frame, limits: documentLimits)
    }
}
