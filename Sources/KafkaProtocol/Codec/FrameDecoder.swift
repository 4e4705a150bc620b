import WireCore

/// Splits a byte stream into Kafka frames: a big-endian Int32 size, then that many bytes.
///
/// Feed it whatever the socket delivered; `nextFrame()` returns each complete frame's payload
/// (without the size) or nil when it needs more bytes. It never blocks and keeps no partial
/// state beyond the buffered bytes, so feeding a stream whole, byte by byte or as several
/// frames at once yields the same frames.
public struct KafkaFrameDecoder: Sendable {
    /// Kafka's default `socket.request.max.bytes` (100 MiB).
    public static let defaultMaxFrameSize = 100 * 1024 * 1024

    public let maxFrameSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Held by the views of frames in `buffer` (`nextFrameView`).
    private var lease = ByteLease()
    /// Whether `buffer` has views out, so that it is not written again while they may live.
    private var leased = false
    /// The buffer before, waiting for its views to go; then it takes the next frames, its pages
    /// already mapped.
    private var spare: (buffer: [UInt8], lease: ByteLease)?

    public init(maxFrameSize: Int = KafkaFrameDecoder.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes received and not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Lets a socket read append straight into the decoder's buffer (`stream.read(into:)`),
    /// saving the copy through an intermediate array; returns what `receive` returned.
    public mutating func receive<E: Error>(_ receive: (inout [UInt8]) async throws(E) -> Int) async throws(E) -> Int {
        compact()
        reserveForPendingFrame()
        return try await receive(&buffer)
    }

    /// Drops consumed bytes before growing, so the buffer holds at most one partial frame plus
    /// what is appended next. A buffer with views out is left to them: the unconsumed tail moves
    /// to the spare buffer if its views are gone (else to a new one), and this one becomes the
    /// spare.
    private mutating func compact() {
        guard start > 0 && (start == buffer.count || start >= 4096) else { return }
        if !leased {
            if start == buffer.count { buffer.removeAll(keepingCapacity: true) } else { buffer.removeFirst(start) }
            start = 0
            return
        }
        var next: [UInt8] = []
        var nextLease = ByteLease()
        if var candidate = spare {
            spare = nil
            if isKnownUniquelyReferenced(&candidate.lease) {
                next = candidate.buffer
                nextLease = candidate.lease
            }
        }
        // Unique unless a reader still holds the array (then this allocates afresh: correct,
        // just not saved).
        next.removeAll(keepingCapacity: true)
        next.append(contentsOf: buffer[start...])
        spare = (buffer, lease)
        buffer = next
        lease = nextLease
        leased = false
        start = 0
    }

    /// How much to ask the socket for next: the rest of a large frame whose size is known (one
    /// read instead of dozens; the kernel hands over what it has), else `minimum`; at most
    /// `maximum`.
    public func suggestedReadSize(minimum: Int = 256 * 1024, maximum: Int = 8 * 1024 * 1024) -> Int {
        guard let size = pendingFrameSize else { return minimum }
        let missing = start + 4 + size - buffer.count
        return Swift.max(minimum, Swift.min(missing, maximum))
    }

    /// The size of the frame at `start`, once its 4 size bytes are in (unchecked: a negative or
    /// oversized one shows as over `maxFrameSize` and `nextFrame` refuses it).
    private var pendingFrameSize: Int? {
        guard buffer.count - start >= 4 else { return nil }
        return Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
    }

    /// Once a frame's size is known, makes room for all of it at once: a multi-megabyte fetch
    /// response read 256 KiB at a time would otherwise regrow (and copy) the buffer repeatedly.
    private mutating func reserveForPendingFrame() {
        guard let size = pendingFrameSize else { return }
        let needed = start + 4 + size
        guard size <= maxFrameSize, needed > buffer.capacity else { return }
        buffer.reserveCapacity(needed)
    }

    /// The next complete frame's payload, or nil if more bytes are needed.
    /// Throws for a negative size or one over `maxFrameSize`; the stream cannot be resynchronised
    /// after that, so the connection should be closed.
    public mutating func nextFrame() throws(KafkaProtocolError) -> [UInt8]? {
        try nextFrameView()?.bytes
    }

    /// The next complete frame's payload as a view of the receive buffer (nothing is copied),
    /// or nil if more bytes are needed. Throws as `nextFrame` does.
    public mutating func nextFrameView() throws(KafkaProtocolError) -> ByteView? {
        switch try KafkaFrame.parse(buffer, at: start, maxFrameSize: maxFrameSize) {
        case .needMoreData:
            return nil
        case .frame(let payload):
            start = payload.upperBound
            leased = true
            return ByteView(buffer, range: payload, lease: lease)
        }
    }
}

/// The size-prefixed framing of every Kafka request and response.
public enum KafkaFrame {
    public enum ParseResult: Sendable, Equatable {
        /// A complete frame; `payload` is the range of its bytes after the size.
        case frame(payload: Range<Int>)
        /// The bytes end inside the size or the payload.
        case needMoreData
    }

    /// Looks for a frame starting at `offset` of `bytes`.
    public static func parse(_ bytes: [UInt8], at offset: Int, maxFrameSize: Int) throws(KafkaProtocolError) -> ParseResult {
        guard bytes.count - offset >= 4 else { return .needMoreData }
        var reader = ByteReader(bytes, range: offset..<offset + 4)
        let size = Int(reader.readInt32BE())
        guard size >= 0 else { throw KafkaProtocolError(.malformed, "frame size \(size) is negative") }
        guard size <= maxFrameSize else {
            throw KafkaProtocolError(.limitExceeded, "frame size \(size) is over the limit of \(maxFrameSize)")
        }
        let payloadStart = offset + 4
        guard bytes.count - payloadStart >= size else { return .needMoreData }
        return .frame(payload: payloadStart..<payloadStart + size)
    }

    /// Prepends the size to `payload`.
    public static func wrap(_ payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: payload.count + 4)
        writer.writeInt32BE(Int32(truncatingIfNeeded: payload.count))
        writer.writeBytes(payload)
        return writer.bytes
    }
}
