import KafkaProtocol
import Synchronization
import Transport
import WireCore

/// One connection to one broker: size-prefixed frames, correlation ids, any number of requests
/// in flight (pipelined) with their responses matched by correlation id.
///
/// Three tasks serve the socket: a writer that sends queued frames in order (coalescing what
/// piles up while the socket is busy), a reader that splits the stream into frames and hands
/// each to its waiting request, and a timer that fails requests past their deadline.
/// A request that times out or whose task is cancelled fails at once, but the connection stays
/// up: its response, when it comes, is read and dropped. A connection that fails (reset, bad
/// frame, unknown correlation id) fails every pending request and stays failed; the cluster
/// replaces it.
public actor KafkaBrokerConnection {
    public nonisolated let address: KafkaBrokerAddress
    public nonisolated let options: KafkaConnectionOptions
    private nonisolated let stream: any ByteStream
    private nonisolated let versions = Mutex<[Int16: ClosedRange<Int16>]>([:])

    private struct PendingRequest {
        var continuation: UnsafeContinuation<ByteView, Error>
        var deadline: Deadline
        var context: String
    }

    /// The last correlation id handed out. Taken outside the actor so that a request is encoded
    /// with its id in place (patching a shared frame afterwards would copy it).
    private nonisolated let lastCorrelationId = Mutex<Int32>(0)
    private var pending: [Int32: PendingRequest] = [:]
    /// Requests given up on (timeout, cancellation) whose responses may still arrive.
    private var abandoned: Set<Int32> = []
    /// Frames waiting for the writer: small ones coalesced into one buffer, large ones kept as
    /// they are (appending a megabyte of records to another buffer would copy it).
    private var outbox: [[UInt8]] = []
    private var writerWaiter: UnsafeContinuation<Void, Never>?
    private var failure: KafkaError?
    private var serviceTasks: [Task<Void, Never>] = []

    init(address: KafkaBrokerAddress, stream: any ByteStream, options: KafkaConnectionOptions) {
        self.address = address
        self.stream = stream
        self.options = options
    }

    /// Connects (TCP, then TLS if configured), negotiates API versions and authenticates.
    public static func connect(to address: KafkaBrokerAddress, options: KafkaConnectionOptions) async throws(KafkaError) -> KafkaBrokerConnection {
        let deadline = Deadline.after(options.connectTimeout)
        let stream: any ByteStream
        do {
            let tcp = try await TCPConnection.connect(host: address.host, port: address.port, deadline: deadline)
            if let tls = options.tls {
                stream = try await TLSStream.connect(over: tcp, context: tls.context,
                                                     serverName: tls.serverName ?? address.host, deadline: deadline)
            } else {
                stream = tcp
            }
        } catch {
            throw KafkaError(error, "connect to \(address)")
        }
        let connection = KafkaBrokerConnection(address: address, stream: stream, options: options)
        await connection.start()
        do {
            try await connection.negotiateVersions(deadline: deadline)
            if let sasl = options.sasl {
                try await KafkaSASLAuthenticator.authenticate(connection, mechanism: sasl)
            }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private func start() {
        serviceTasks.append(Task { await self.writerLoop() })
        serviceTasks.append(Task { await self.readerLoop() })
        serviceTasks.append(Task { await self.timerLoop() })
    }

    // MARK: versions

    /// Asks the broker which versions it speaks (KIP-511): at our newest ApiVersions version,
    /// then, if the broker does not know that, at the newest it lists.
    private nonisolated func negotiateVersions(deadline: Deadline) async throws(KafkaError) {
        var request = ApiVersionsRequest()
        request.clientSoftwareName = "switchyard-kafka"
        request.clientSoftwareVersion = "0.1"
        var version = ApiVersionsRequest.validVersions.upperBound
        if let pin = options.maxVersions[ApiVersionsRequest.apiKey], ApiVersionsRequest.validVersions.contains(pin) { version = pin }
        for _ in 0..<2 {
            let id = takeCorrelationId()
            let frame: [UInt8]
            do {
                frame = try request.frame(version: version, correlationId: id, clientId: options.clientId)
            } catch {
                throw KafkaError(error, "encode ApiVersions")
            }
            let payload = try await roundTrip(frame, correlationId: id, deadline: deadline, context: "ApiVersions to \(address)")
            var reader = ByteReader(payload)
            _ = reader.readInt32BE()   // correlation id; ApiVersions answers with header v0 always
            let body: ApiVersionsResponse
            do {
                body = try ApiVersionsResponse.decodeWithFallback(Array(payload.base[reader.offset..<payload.range.upperBound]), version: version)
            } catch {
                throw KafkaError(error, "ApiVersions from \(address)")
            }
            if body.errorCode == KafkaErrorCode.unsupportedVersion.rawValue,
               let ours = body.apiKeys.first(where: { $0.apiKey == ApiVersionsRequest.apiKey }),
               ours.maxVersion < version {
                version = max(0, ours.maxVersion)
                continue
            }
            if let error = KafkaError.broker(body.errorCode, "ApiVersions from \(address)") { throw error }
            var table: [Int16: ClosedRange<Int16>] = [:]
            for api in body.apiKeys where api.minVersion <= api.maxVersion {
                table[api.apiKey] = api.minVersion...api.maxVersion
            }
            versions.withLock { $0 = table }
            return
        }
        throw KafkaError(.unsupportedVersion, "\(address) refused every ApiVersions version we tried")
    }

    /// The broker's version range of an API, from ApiVersions.
    public nonisolated func brokerVersions(apiKey: Int16) -> ClosedRange<Int16>? {
        versions.withLock { $0[apiKey] }
    }

    /// The highest version of `R` that the broker, the codec and the client all support.
    public nonisolated func version<R: KafkaRequest>(for request: R.Type) throws(KafkaError) -> Int16 {
        guard let broker = brokerVersions(apiKey: R.apiKey) else {
            throw KafkaError(.unsupportedVersion, "\(address) does not support \(R.messageName) (API key \(R.apiKey))")
        }
        var ours = KafkaClientVersions.cap(R.apiKey, codec: R.validVersions)
        if let pin = options.maxVersions[R.apiKey], pin >= ours.lowerBound, pin < ours.upperBound {
            ours = ours.lowerBound...pin
        }
        let low = max(broker.lowerBound, ours.lowerBound)
        let high = min(broker.upperBound, ours.upperBound)
        guard low <= high else {
            throw KafkaError(.unsupportedVersion,
                             "\(R.messageName): \(address) supports \(broker), this client \(ours)")
        }
        return high
    }

    // MARK: requests

    private nonisolated func resolveVersion<R: KafkaRequest>(_ given: Int16?, _ type: R.Type) throws(KafkaError) -> Int16 {
        if let given { return given }
        return try version(for: type)
    }

    /// Sends `request` and waits for its response, at the negotiated version unless one is
    /// given, within `timeout` (default: the options' request timeout). `queued` runs once the
    /// frame is in the send queue (or the request failed before), so a caller can keep several
    /// requests in flight in a fixed order.
    public nonisolated func send<R: KafkaRequest>(_ request: R, version: Int16? = nil, timeout: Duration? = nil,
                                                  queued: (@Sendable () -> Void)? = nil) async throws(KafkaError) -> R.Response {
        var queued = queued
        defer { queued?() }
        let version = try resolveVersion(version, R.self)
        let id = takeCorrelationId()
        let frame: [UInt8]
        do {
            frame = try request.frame(version: version, correlationId: id, clientId: options.clientId)
        } catch {
            throw KafkaError(error, "encode \(R.messageName) v\(version)")
        }
        let context = "\(R.messageName) v\(version) to \(address)"
        let onQueued = queued
        queued = nil
        let payload = try await roundTrip(frame, correlationId: id, deadline: .after(timeout ?? options.requestTimeout),
                                          context: context, queued: onQueued)
        do {
            return try R.decodeResponse(payload, version: version).body
        } catch {
            throw KafkaError(error, "decode response to \(context)")
        }
    }

    /// Sends a request the broker will not answer (Produce with acks=0); returns once queued.
    public nonisolated func sendWithoutResponse<R: KafkaRequest>(_ request: R, version: Int16? = nil) async throws(KafkaError) {
        let version = try resolveVersion(version, R.self)
        let frame: [UInt8]
        do {
            frame = try request.frame(version: version, correlationId: takeCorrelationId(), clientId: options.clientId)
        } catch {
            throw KafkaError(error, "encode \(R.messageName) v\(version)")
        }
        try await enqueueUnanswered(frame)
    }

    private func enqueueUnanswered(_ frame: [UInt8]) throws(KafkaError) {
        if let failure { throw failure }
        enqueue(frame)
    }

    /// Queues `frame`, encoded with `correlationId` from `takeCorrelationId`, and waits for the
    /// response payload (starting with the response header).
    func roundTrip(_ frame: [UInt8], correlationId id: Int32, deadline: Deadline, context: String,
                   queued: (@Sendable () -> Void)? = nil) async throws(KafkaError) -> ByteView {
        defer { queued?() }
        do {
            return try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ByteView, Error>) in
                    if let failure {
                        continuation.resume(throwing: failure)
                    } else if Task.isCancelled {
                        continuation.resume(throwing: KafkaError.cancelled(context))
                    } else {
                        pending[id] = PendingRequest(continuation: continuation, deadline: deadline, context: context)
                        enqueue(frame)
                        queued?()
                    }
                }
            } onCancel: {
                Task { await self.abandon(id, KafkaError.cancelled(context)) }
            }
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(.protocolViolation, "\(context): \(error)")
        }
    }

    /// The next correlation id: 1, 2, ... Int32.max, then 0 again.
    private nonisolated func takeCorrelationId() -> Int32 {
        lastCorrelationId.withLock { last in
            last = last == Int32.max ? 0 : last + 1
            return last
        }
    }

    /// Gives up on a request whose response has not come; the response is dropped on arrival.
    private func abandon(_ id: Int32, _ error: KafkaError) {
        guard let request = pending.removeValue(forKey: id) else { return }
        abandoned.insert(id)
        request.continuation.resume(throwing: error)
    }

    /// Requests waiting for a response.
    public var inFlightCount: Int { pending.count }
    /// Whether the connection failed or was closed; such a connection is never used again.
    public var isFailed: Bool { failure != nil }
    public var failureReason: KafkaError? { failure }

    /// Closes the socket; pending requests fail with `.closed`.
    public func close() {
        fail(KafkaError(.closed, "connection to \(address) closed by the client"))
    }

    // MARK: service tasks

    /// Frames below this size are appended to the previous small one, so that many small
    /// requests queued together go out in one write.
    private static let coalescedFrameSize = 64 * 1024

    private func enqueue(_ frame: [UInt8]) {
        if outbox.isEmpty, let waiter = writerWaiter {
            // Nothing is being written: send from here, now. Handing the frame to the writer
            // task instead waits for that task to get a thread, which took milliseconds while
            // both threads decoded fetch responses. What the socket does not take now, the
            // writer sends.
            let written: Int
            do {
                written = try stream.writeNow(frame, from: 0)
            } catch {
                fail(KafkaError(error, "write to \(address)"))
                return
            }
            if written == frame.count { return }
            outbox.append(written == 0 ? frame : Array(frame[written...]))
            writerWaiter = nil
            waiter.resume()
            return
        }
        let last = outbox.count - 1
        if frame.count < Self.coalescedFrameSize, last >= 0, outbox[last].count < Self.coalescedFrameSize {
            outbox[last].append(contentsOf: frame)
        } else {
            outbox.append(frame)
        }
        if let waiter = writerWaiter {
            writerWaiter = nil
            waiter.resume()
        }
    }

    private func writerLoop() async {
        while failure == nil {
            if outbox.isEmpty {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    if failure != nil || !outbox.isEmpty { continuation.resume() } else { writerWaiter = continuation }
                }
                continue
            }
            let chunks = outbox
            outbox = []
            for chunk in chunks where failure == nil {
                do {
                    try await stream.write(chunk, deadline: nil)
                } catch {
                    fail(KafkaError(error, "write to \(address)"))
                }
            }
        }
    }

    private nonisolated func readerLoop() async {
        var decoder = KafkaFrameDecoder(maxFrameSize: options.maxFrameSize)
        let stream = self.stream
        while true {
            let count: Int
            do {
                let readSize = decoder.suggestedReadSize()
                count = try await decoder.receive { (buffer) throws(TransportError) in
                    try await stream.read(into: &buffer, maxBytes: readSize, deadline: nil)
                }
            } catch {
                await fail(KafkaError(error, "read from \(address)"))
                return
            }
            if count == 0 {
                await fail(KafkaError(.connectionLost, "\(address) closed the connection", retriable: true))
                return
            }
            var frames: [ByteView] = []
            do {
                while let frame = try decoder.nextFrameView() { frames.append(frame) }
            } catch {
                await fail(KafkaError(error, "frame from \(address)"))
                return
            }
            if !frames.isEmpty, await !deliver(frames) { return }
        }
    }

    /// Hands each response to its request; false once the connection has failed.
    private func deliver(_ frames: [ByteView]) -> Bool {
        for frame in frames {
            guard frame.count >= 4 else {
                fail(KafkaError(.protocolViolation, "\(address) sent a \(frame.count)-byte response"))
                return false
            }
            let id = Int32(bitPattern: UInt32(frame[0]) << 24 | UInt32(frame[1]) << 16 | UInt32(frame[2]) << 8 | UInt32(frame[3]))
            if let request = pending.removeValue(forKey: id) {
                request.continuation.resume(returning: frame)
            } else if abandoned.remove(id) == nil {
                fail(KafkaError(.protocolViolation, "\(address) answered correlation id \(id), which no request has"))
                return false
            }
        }
        return failure == nil
    }

    /// Fails requests past their deadline. Wakes at the earliest deadline, and at least every
    /// 250 ms so that a request added with an earlier deadline is noticed soon enough.
    private func timerLoop() async {
        while failure == nil {
            let now = Deadline.now()
            var earliest = now + .milliseconds(250)
            var overdue: [Int32] = []
            for (id, request) in pending {
                if request.deadline <= now { overdue.append(id) } else if request.deadline < earliest { earliest = request.deadline }
            }
            for id in overdue {
                let context = pending[id]?.context ?? "request"
                abandon(id, KafkaError(.timedOut, "\(context) timed out", retriable: true))
            }
            do {
                try await EventLoop.shared.sleep(until: earliest)
            } catch {
                return
            }
        }
    }

    private func fail(_ error: KafkaError) {
        guard failure == nil else { return }
        failure = error
        stream.close()
        let waiting = pending
        pending = [:]
        for request in waiting.values { request.continuation.resume(throwing: error) }
        if let waiter = writerWaiter {
            writerWaiter = nil
            waiter.resume()
        }
        for task in serviceTasks { task.cancel() }
    }
}

