import Synchronization
import Transport

/// Watches one connection: every chunk read or written goes to the pcap capture as it is, and
/// into a framer per direction whose whole frames are annotated and handed to `output`.
///
/// It is the `ConnectionObserver` that `WireTracer` installs on each connection a client opens.
/// Under TLS it keeps the plaintext (`.tls` layer) and drops the ciphertext.
public final class WireTap: ConnectionObserver {
    private struct State {
        var outgoing: StreamFramer
        var incoming: StreamFramer
        var kafka = KafkaAnnotator()
        var conversation: PcapRecorder?
        var overTLS = false
        var closed = false
    }

    public let protocolKind: TraceProtocol
    public let connectionNumber: Int
    private let state: Mutex<State>
    private let order = Mutex<Void>(())
    private let capture: PcapCapture?
    private let output: @Sendable (Int, AnnotatedFrame) -> Void

    /// - Parameters:
    ///   - capture: the pcap file this conversation is written into, if any.
    ///   - output: called with the connection number and each annotated frame, as frames complete.
    public init(protocol protocolKind: TraceProtocol, connectionNumber: Int = 1, capture: PcapCapture?,
                output: @escaping @Sendable (Int, AnnotatedFrame) -> Void) {
        self.protocolKind = protocolKind
        self.connectionNumber = connectionNumber
        self.output = output
        self.capture = capture
        let conversation = capture.map { $0.openConversation(serverPort: protocolKind.wellKnownPort) }
        state = Mutex(State(outgoing: StreamFramer(protocolKind), incoming: StreamFramer(protocolKind),
                            conversation: conversation))
    }

    public func sent(_ bytes: [UInt8]) { observe(.sent, layer: .transport, bytes: bytes[...]) }
    public func received(_ bytes: [UInt8]) { observe(.received, layer: .transport, bytes: bytes[...]) }

    public func ordered<T>(_ body: () -> T) -> T {
        order.withLock { _ in body() }
    }

    public func tlsStarted() { state.withLock { $0.overTLS = true } }

    public func closed() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            if var conversation = state.conversation {
                capture?.append { conversation.close(at: WallClock.microseconds(), into: &$0) }
                state.conversation = conversation
            }
        }
    }

    public func observe(_ direction: ObservedDirection, layer: ObservedLayer, bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        let frames: [AnnotatedFrame] = state.withLock { state in
            // Under TLS, the socket carries ciphertext: trace what the protocol said instead.
            guard layer == (state.overTLS ? .tls : .transport) else { return [] }
            let fromClient = direction == .sent
            if var conversation = state.conversation {
                capture?.append { conversation.record(fromClient: fromClient, bytes, at: WallClock.microseconds(), into: &$0) }
                state.conversation = conversation
            }
            let chunk = Array(bytes)
            let whole = fromClient ? state.outgoing.append(chunk) : state.incoming.append(chunk)
            let annotatedDirection: AnnotatedFrame.Direction = fromClient ? .sent : .received
            return whole.map { frame in
                switch protocolKind {
                case .kafka: state.kafka.annotate(frame, direction: annotatedDirection)
                case .mongo: OPMSGAnnotator.annotate(frame, direction: annotatedDirection)
                case .redis: RESPAnnotator.annotate(frame, direction: annotatedDirection)
                case .http: HTTPAnnotator.annotate(frame, direction: annotatedDirection)
                }
            }
        }
        for frame in frames { output(connectionNumber, frame) }
    }
}

/// One pcap file shared by every connection of a traced command: each connection is its own TCP
/// conversation (its own client port), packets in the order they happened.
public final class PcapCapture: Sendable {
    private struct State {
        var bytes = PcapRecorder.fileHeader
        var nextClientPort: UInt16 = 50_000
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts a conversation (writes its handshake) and returns it for the caller to keep.
    func openConversation(serverPort: UInt16) -> PcapRecorder {
        state.withLock { state in
            var conversation = PcapRecorder(client: .init(port: state.nextClientPort), server: .init(port: serverPort))
            state.nextClientPort &+= 1
            conversation.handshake(at: WallClock.microseconds(), into: &state.bytes)
            return conversation
        }
    }

    func append(_ write: (inout [UInt8]) -> Void) {
        state.withLock { write(&$0.bytes) }
    }

    /// The file as it stands.
    public var bytes: [UInt8] { state.withLock { $0.bytes } }
}

/// Installs a `WireTap` on every connection opened inside `run`: the `--trace` and `--pcap` of
/// `switchyard wire`.
public final class WireTracer: ConnectionObserverFactory {
    public let protocolKind: TraceProtocol
    public let capture: PcapCapture?
    private let output: @Sendable (Int, AnnotatedFrame) -> Void
    private let connections = Mutex(0)

    public init(protocol protocolKind: TraceProtocol, recordPcap: Bool,
                output: @escaping @Sendable (Int, AnnotatedFrame) -> Void) {
        self.protocolKind = protocolKind
        self.capture = recordPcap ? PcapCapture() : nil
        self.output = output
    }

    public func connectionOpened(local: SocketAddress?, remote: SocketAddress?) -> (any ConnectionObserver)? {
        let number = connections.withLock { count in
            count += 1
            return count
        }
        return WireTap(protocol: protocolKind, connectionNumber: number, capture: capture, output: output)
    }

    /// Runs `body` with every connection it opens traced.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await ConnectionObservation.$factory.withValue(self) { try await body() }
    }
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
