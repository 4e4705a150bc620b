import Synchronization
import Transport

/// Watches one connection: every chunk read or written goes to the pcap recorder as it is, and
/// into a framer per direction whose whole frames are annotated and handed to `output`.
public final class WireTap: Sendable {
    private struct State {
        var outgoing: StreamFramer
        var incoming: StreamFramer
        var kafka = KafkaAnnotator()
        var pcap: PcapRecorder?
    }

    public let protocolKind: TraceProtocol
    private let state: Mutex<State>
    private let output: @Sendable (AnnotatedFrame) -> Void

    /// - Parameters:
    ///   - recordPcap: keep a pcap of the conversation (read it with `pcapBytes()`).
    ///   - output: called with each annotated frame, in the order frames complete.
    public init(protocol protocolKind: TraceProtocol, recordPcap: Bool, clientPort: UInt16 = 50_000,
                output: @escaping @Sendable (AnnotatedFrame) -> Void) {
        self.protocolKind = protocolKind
        self.output = output
        let pcap = recordPcap
            ? PcapRecorder(client: .init(port: clientPort), server: .init(port: protocolKind.wellKnownPort),
                           microseconds: WallClock.microseconds())
            : nil
        state = Mutex(State(outgoing: StreamFramer(protocolKind), incoming: StreamFramer(protocolKind), pcap: pcap))
    }

    public func sent(_ bytes: [UInt8]) { observe(bytes, direction: .sent) }
    public func received(_ bytes: [UInt8]) { observe(bytes, direction: .received) }

    /// The capture so far, closed with a FIN exchange (a new call returns a fresh copy).
    public func pcapBytes() -> [UInt8]? {
        state.withLock { state in
            guard var copy = state.pcap else { return nil }
            copy.close(at: WallClock.microseconds())
            return copy.bytes
        }
    }

    private func observe(_ bytes: [UInt8], direction: AnnotatedFrame.Direction) {
        guard !bytes.isEmpty else { return }
        let frames: [AnnotatedFrame] = state.withLock { state in
            state.pcap?.record(fromClient: direction == .sent, bytes, at: WallClock.microseconds())
            let whole = direction == .sent ? state.outgoing.append(bytes) : state.incoming.append(bytes)
            return whole.map { frame in
                switch protocolKind {
                case .kafka: state.kafka.annotate(frame, direction: direction)
                case .mongo: OPMSGAnnotator.annotate(frame, direction: direction)
                case .redis: RESPAnnotator.annotate(frame, direction: direction)
                case .http: HTTPAnnotator.annotate(frame, direction: direction)
                }
            }
        }
        for frame in frames { output(frame) }
    }
}

/// A `ByteStream` that passes everything through to another and shows it to a `WireTap`. Clients
/// take a stream factory, so `--trace` and `--pcap` wrap their sockets without the clients knowing.
public final class TracingStream: ByteStream {
    public let inner: any ByteStream
    public let tap: WireTap

    public init(_ inner: any ByteStream, tap: WireTap) {
        self.inner = inner
        self.tap = tap
    }

    public func read(into buffer: inout [UInt8], maxBytes: Int, deadline: Deadline?) async throws(TransportError) -> Int {
        let before = buffer.count
        let count = try await inner.read(into: &buffer, maxBytes: maxBytes, deadline: deadline)
        if count > 0 { tap.received(Array(buffer[before..<(before + count)])) }
        return count
    }

    public func write(_ bytes: [UInt8], deadline: Deadline?) async throws(TransportError) {
        try await inner.write(bytes, deadline: deadline)
        tap.sent(bytes)
    }

    public func shutdownOutput() async { await inner.shutdownOutput() }
    public func close() { inner.close() }
    public var remoteAddress: SocketAddress? { inner.remoteAddress }
}

enum WallClock {
    static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}

#if canImport(Glibc)
import Glibc
#endif
