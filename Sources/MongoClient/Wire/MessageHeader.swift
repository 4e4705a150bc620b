import WireCore

/// The 16-byte header every MongoDB wire message starts with (all fields little-endian int32).
public struct MessageHeader: Sendable, Equatable {
    public static let size = 16

    public enum OpCode: Int32, Sendable {
        /// The legacy reply; a server sends it only to legacy OP_QUERY requests, which we never send.
        case reply = 1
        case compressed = 2012
        case message = 2013
    }

    /// Total message size in bytes, header included.
    public var messageLength: Int32
    public var requestID: Int32
    /// The requestID of the request this message answers (0 on requests).
    public var responseTo: Int32
    public var opCode: Int32

    public init(messageLength: Int32, requestID: Int32, responseTo: Int32, opCode: Int32) {
        self.messageLength = messageLength
        self.requestID = requestID
        self.responseTo = responseTo
        self.opCode = opCode
    }

    /// Reads a header at `offset`; nil when fewer than 16 bytes are there.
    public static func read(from bytes: [UInt8], at offset: Int = 0) -> MessageHeader? {
        guard bytes.count - offset >= size else { return nil }
        var r = ByteReader(bytes, range: offset..<offset + size)
        return MessageHeader(messageLength: r.readInt32LE(), requestID: r.readInt32LE(),
                             responseTo: r.readInt32LE(), opCode: r.readInt32LE())
    }

    public func write(into w: inout ByteWriter) {
        w.writeInt32LE(messageLength)
        w.writeInt32LE(requestID)
        w.writeInt32LE(responseTo)
        w.writeInt32LE(opCode)
    }
}
