import BSON
import WireCore

/// The flag bits of an OP_MSG. The low 16 bits are "required": a receiver must reject a message
/// that sets one it does not know. The high 16 bits are optional and ignored when unknown.
public struct OpMsgFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A CRC-32C of the whole message (header included, checksum excluded) follows the sections.
    public static let checksumPresent = OpMsgFlags(rawValue: 1 << 0)
    /// Request: no reply is wanted (w:0). Reply: another reply follows without a new request.
    public static let moreToCome = OpMsgFlags(rawValue: 1 << 1)
    /// Request: the client accepts several replies with `moreToCome` (exhaust cursors, streaming hello).
    public static let exhaustAllowed = OpMsgFlags(rawValue: 1 << 16)

    static let knownRequired: UInt32 = 0b11
    static let requiredMask: UInt32 = 0xFFFF
}

/// A kind-1 section: a named run of documents that stands for one array argument of the body
/// (`documents` of insert, `updates` of update, `deletes` of delete), without array keys.
public struct DocumentSequence: Sendable, Equatable {
    public var identifier: String
    public var documents: [BSONDocument]

    public init(identifier: String, documents: [BSONDocument]) {
        self.identifier = identifier
        self.documents = documents
    }

    /// Bytes on the wire: kind byte, int32 size, identifier cstring, documents.
    public var encodedSize: Int {
        1 + 4 + identifier.utf8.count + 1 + documents.reduce(0) { $0 + $1.byteCount }
    }
}

/// An OP_MSG (opCode 2013): flags, exactly one kind-0 body document, any number of kind-1
/// document sequences, and an optional CRC-32C checksum.
public struct OpMsg: Sendable, Equatable {
    public var flags: OpMsgFlags
    public var body: BSONDocument
    public var sequences: [DocumentSequence]

    public init(flags: OpMsgFlags = [], body: BSONDocument, sequences: [DocumentSequence] = []) {
        self.flags = flags
        self.body = body
        self.sequences = sequences
    }

    /// The size of the whole message, header included, as `encode` writes it.
    public func encodedSize(checksum: Bool = false) -> Int {
        MessageHeader.size + 4 + 1 + body.byteCount + sequences.reduce(0) { $0 + $1.encodedSize } + (checksum ? 4 : 0)
    }

    /// The message as bytes ready to send. With `checksum` the checksumPresent flag is set and a
    /// CRC-32C of everything before it is appended.
    public func encode(requestID: Int32, responseTo: Int32 = 0, checksum: Bool = false) -> [UInt8] {
        let size = encodedSize(checksum: checksum)
        var w = ByteWriter(capacity: size)
        MessageHeader(messageLength: Int32(truncatingIfNeeded: size), requestID: requestID,
                      responseTo: responseTo, opCode: MessageHeader.OpCode.message.rawValue).write(into: &w)
        var flagBits = flags
        if checksum { flagBits.insert(.checksumPresent) } else { flagBits.remove(.checksumPresent) }
        w.writeUInt32LE(flagBits.rawValue)
        w.writeUInt8(0)
        w.writeBytes(body.bytes)
        for sequence in sequences {
            w.writeUInt8(1)
            let sizeAt = w.reserve(4)
            w.writeString(sequence.identifier)
            w.writeUInt8(0)
            for document in sequence.documents { w.writeBytes(document.bytes) }
            w.patchInt32LE(Int32(truncatingIfNeeded: w.count - sizeAt), at: sizeAt)
        }
        if checksum {
            let crc = CRC32C.checksum(w.bytes)
            w.writeUInt32LE(crc)
        }
        return w.bytes
    }

    /// Decodes one whole message (header included) of exactly `frame.count` bytes. Documents share
    /// `frame`'s storage. Throws `protocolViolation` for anything the spec forbids.
    public static func decode(frame: [UInt8], limits: BSONLimits = .default) throws(MongoError) -> (header: MessageHeader, message: OpMsg) {
        guard let header = MessageHeader.read(from: frame) else {
            throw MongoError(.protocolViolation, "message of \(frame.count) bytes is shorter than its header")
        }
        guard Int(header.messageLength) == frame.count else {
            throw MongoError(.protocolViolation, "header says \(header.messageLength) bytes, frame has \(frame.count)")
        }
        guard header.opCode == MessageHeader.OpCode.message.rawValue else {
            throw MongoError(.protocolViolation, "opCode \(header.opCode) is not OP_MSG (2013)")
        }
        var r = ByteReader(frame, range: MessageHeader.size..<frame.count)
        let flags = OpMsgFlags(rawValue: r.readUInt32LE())
        if r.failed { throw MongoError(.protocolViolation, "OP_MSG too short for its flag bits") }
        let unknownRequired = flags.rawValue & OpMsgFlags.requiredMask & ~OpMsgFlags.knownRequired
        guard unknownRequired == 0 else {
            throw MongoError(.protocolViolation, "OP_MSG sets unknown required flag bits 0x\(String(unknownRequired, radix: 16))")
        }
        var end = frame.count
        if flags.contains(.checksumPresent) {
            guard frame.count >= MessageHeader.size + 4 + 4 else {
                throw MongoError(.protocolViolation, "OP_MSG too short for its checksum")
            }
            end -= 4
            var cr = ByteReader(frame, range: end..<frame.count)
            let stated = cr.readUInt32LE()
            let computed = frame.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
            guard stated == computed else {
                throw MongoError(.protocolViolation, "OP_MSG checksum 0x\(String(stated, radix: 16)) does not match the computed 0x\(String(computed, radix: 16))")
            }
        }
        var offset = r.offset
        var body: BSONDocument?
        var sequences: [DocumentSequence] = []
        while offset < end {
            let kind = frame[offset]
            offset += 1
            switch kind {
            case 0:
                guard body == nil else { throw MongoError(.protocolViolation, "OP_MSG has more than one kind-0 section") }
                let document = try readDocument(frame, at: offset, end: end, limits: limits, what: "kind-0 body")
                body = document
                offset += document.byteCount
            case 1:
                guard end - offset >= 4, let size = BSONDocument.declaredLength(in: frame, at: offset) else {
                    throw MongoError(.protocolViolation, "kind-1 section truncated before its size")
                }
                guard size >= 5, size <= end - offset else {
                    throw MongoError(.protocolViolation, "kind-1 section size \(size) does not fit the \(end - offset) bytes left")
                }
                let sectionEnd = offset + size
                var at = offset + 4
                guard let nul = frame[at..<sectionEnd].firstIndex(of: 0) else {
                    throw MongoError(.protocolViolation, "kind-1 identifier is not NUL-terminated within its section")
                }
                guard let identifier = String(validating: frame[at..<nul], as: UTF8.self) else {
                    throw MongoError(.protocolViolation, "kind-1 identifier is not UTF-8")
                }
                guard !sequences.contains(where: { $0.identifier == identifier }) else {
                    throw MongoError(.protocolViolation, "kind-1 identifier \"\(identifier)\" appears twice")
                }
                at = nul + 1
                var documents: [BSONDocument] = []
                while at < sectionEnd {
                    let document = try readDocument(frame, at: at, end: sectionEnd, limits: limits, what: "document in sequence \"\(identifier)\"")
                    documents.append(document)
                    at += document.byteCount
                }
                sequences.append(DocumentSequence(identifier: identifier, documents: documents))
                offset = sectionEnd
            default:
                throw MongoError(.protocolViolation, "unknown OP_MSG section kind \(kind)")
            }
        }
        guard let body else { throw MongoError(.protocolViolation, "OP_MSG has no kind-0 body section") }
        return (header, OpMsg(flags: flags, body: body, sequences: sequences))
    }

    private static func readDocument(_ frame: [UInt8], at offset: Int, end: Int, limits: BSONLimits,
                                     what: String) throws(MongoError) -> BSONDocument {
        guard end - offset >= 4, let length = BSONDocument.declaredLength(in: frame, at: offset) else {
            throw MongoError(.protocolViolation, "\(what) truncated before its length")
        }
        guard length >= 5, length <= end - offset else {
            throw MongoError(.protocolViolation, "\(what) length \(length) does not fit the \(end - offset) bytes left")
        }
        do {
            return try BSONDocument(bytes: frame, range: offset..<offset + length, limits: limits)
        } catch {
            throw MongoError(.protocolViolation, "\(what) is not valid BSON: \(error)")
        }
    }
}
