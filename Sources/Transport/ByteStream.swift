/// A bidirectional byte stream: plain TCP or TLS over TCP. Protocol connections are written
/// against this, so each works over both.
///
/// One reader and one writer may be active at once (full duplex). A read or write that is
/// cancelled or times out consumes nothing and leaves the stream usable.
public protocol ByteStream: AnyObject, Sendable {
    /// Appends up to `maxBytes` to `buffer`; returns how many, 0 at end of stream.
    func read(into buffer: inout [UInt8], maxBytes: Int, deadline: Deadline?) async throws(TransportError) -> Int
    /// Writes all of `bytes`, waiting while the socket buffer is full (backpressure).
    func write(_ bytes: [UInt8], deadline: Deadline?) async throws(TransportError)
    /// Writes what the socket takes now of `bytes[offset...]`, without waiting; returns how many
    /// bytes went (0 when the socket is full, or when the stream cannot write without waiting,
    /// as TLS). Lets a caller that finds no write in progress send at once from its own thread
    /// instead of handing the bytes to a writer task that must first be scheduled. The caller
    /// must be the only writer meanwhile.
    func writeNow(_ bytes: [UInt8], from offset: Int) throws(TransportError) -> Int
    /// Closes our sending side after pending data (TCP FIN / TLS close_notify); reads go on.
    func shutdownOutput() async
    /// Closes both directions now; pending operations fail with `.closed`.
    func close()
    var remoteAddress: SocketAddress? { get }
}

extension ByteStream {
    public func writeNow(_ bytes: [UInt8], from offset: Int) throws(TransportError) -> Int { 0 }

    public func read(maxBytes: Int, deadline: Deadline? = nil) async throws(TransportError) -> [UInt8] {
        var buffer: [UInt8] = []
        _ = try await read(into: &buffer, maxBytes: maxBytes, deadline: deadline)
        return buffer
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        try await write(bytes, deadline: nil)
    }

    /// Reads exactly `count` bytes or fails (`.connectionReset` if the stream ends first).
    public func readExactly(_ count: Int, deadline: Deadline? = nil) async throws(TransportError) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(count)
        while buffer.count < count {
            let n = try await read(into: &buffer, maxBytes: count - buffer.count, deadline: deadline)
            if n == 0 { throw TransportError(.connectionReset, "stream ended after \(buffer.count) of \(count) bytes") }
        }
        return buffer
    }
}
