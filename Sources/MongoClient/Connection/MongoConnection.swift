import BSON
import Transport

/// One connection to one server: the handshake (`hello`, then authentication) and then one
/// request at a time, answered in order.
///
/// Deadlines and cancellation. A request waits for its reply until its deadline or until its task
/// is cancelled. Either way the connection stays open: the request id is remembered as
/// *abandoned*, and when its reply arrives later (ahead of the reply the next request waits for)
/// it is read and dropped. The server answers a connection's requests in order, so the late reply
/// can only delay the next request, never be mistaken for its answer (replies carry `responseTo`).
/// Past `maxAbandoned` unanswered requests the connection is closed, since a server that never
/// answers is better replaced. A failure while *writing* closes the connection: part of the
/// message may be on the wire, and the stream could not be resynchronised.
///
/// The pool hands a connection to one task at a time; two overlapping requests on one connection
/// are a caller bug and fail with `invalidArgument` rather than interleave.
public actor MongoConnection {
    public nonisolated let id: Int
    public nonisolated let address: ServerAddress
    /// The pool generation this connection belongs to; a pool clear makes older ones stale.
    public nonisolated let generation: Int
    public private(set) var server: ServerDescription
    public private(set) var isClosed = false
    /// When the last request finished (for idle eviction).
    public private(set) var lastUsed: Deadline = .now()

    static let maxAbandoned = 16

    private let stream: any ByteStream
    private let options: ConnectionOptions
    private var decoder = MessageFrameDecoder()
    private var nextRequestID: Int32 = 1
    private var abandoned: Set<Int32> = []
    private var busy = false
    /// An exhaust stream in progress: the request that opened it and the id of the last reply.
    private var exhaust: (request: Int32, lastReply: Int32)?

    init(id: Int, address: ServerAddress, generation: Int, stream: any ByteStream, options: ConnectionOptions) {
        self.id = id
        self.address = address
        self.generation = generation
        self.stream = stream
        self.options = options
        self.server = ServerDescription(address: address, hello: BSONDocument())
    }

    /// Connects, runs the handshake and authenticates, all within `options.connectTimeout`.
    public static func connect(to address: ServerAddress, options: ConnectionOptions, id: Int = 0,
                               generation: Int = 0) async throws(MongoError) -> MongoConnection {
        let deadline = Deadline.after(options.connectTimeout)
        let stream: any ByteStream
        do throws(TransportError) {
            let tcp = try await TCPConnection.connect(host: address.host, port: address.port, deadline: deadline)
            if let tls = options.tls {
                do throws(TransportError) {
                    stream = try await TLSStream.connect(over: tcp, context: tls, serverName: address.host, deadline: deadline)
                } catch {
                    tcp.close()
                    throw error
                }
            } else {
                stream = tcp
            }
        } catch {
            throw MongoError(error, "connect to \(address)")
        }
        let connection = MongoConnection(id: id, address: address, generation: generation, stream: stream, options: options)
        do {
            try await connection.handshake(deadline: deadline)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        stream.close()
    }

    // MARK: requests

    /// Runs a command and returns its reply body; a reply with `ok: 0` throws `MongoError` with the
    /// server's code, codeName and errorLabels.
    public func command(_ body: BSONDocument, sequences: [DocumentSequence] = [],
                        deadline: Deadline? = nil) async throws(MongoError) -> BSONDocument {
        let reply = try await roundTrip(OpMsg(body: body, sequences: sequences), deadline: deadline)
        if let error = MongoError.fromReply(reply.body) { throw error }
        return reply.body
    }

    /// Sends a message and waits for the reply that answers it.
    public func roundTrip(_ message: OpMsg, deadline: Deadline? = nil) async throws(MongoError) -> OpMsg {
        guard !message.flags.contains(.moreToCome) else {
            throw MongoError(.invalidArgument, "a moreToCome request has no reply: use send(withoutReply:)")
        }
        // One budget for writing the request and waiting for its reply.
        let until = effective(deadline)
        let requestID = try await send(message, deadline: until)
        busy = true
        defer { busy = false; lastUsed = .now() }
        return try await receive(replyTo: requestID, deadline: until).message
    }

    // MARK: exhaust

    /// Sends `message` with exhaustAllowed (a getMore): the server may answer with a stream of
    /// replies flagged moreToCome, read one at a time with `nextExhaustReply`. While the stream
    /// lasts the connection takes no other request; a deadline or cancellation in the middle of it
    /// closes the connection, since the rest of the stream cannot be told apart from later replies.
    public func beginExhaust(_ message: OpMsg, deadline: Deadline? = nil) async throws(MongoError) -> OpMsg {
        var m = message
        m.flags.insert(.exhaustAllowed)
        let until = effective(deadline)
        let requestID = try await send(m, deadline: until)
        return try await readExhaustReply(request: requestID, accepting: [requestID], deadline: until)
    }

    /// Whether an exhaust stream has more replies to read.
    public var isExhausting: Bool { exhaust != nil }

    /// The next reply of the exhaust stream.
    public func nextExhaustReply(deadline: Deadline? = nil) async throws(MongoError) -> OpMsg {
        guard let stream = exhaust else { throw MongoError(.invalidArgument, "no exhaust stream on connection \(id)") }
        // The spec chains replies (responseTo = the previous reply's id); SecantusDB answers every
        // reply of the stream to the request itself. Both are accepted.
        return try await readExhaustReply(request: stream.request, accepting: [stream.lastReply, stream.request],
                                          deadline: effective(deadline))
    }

    private func readExhaustReply(request: Int32, accepting: Set<Int32>, deadline: Deadline?) async throws(MongoError) -> OpMsg {
        busy = true
        defer { busy = false; lastUsed = .now() }
        do {
            let (header, reply) = try await receive(accepting: accepting, allowMoreToCome: true, abandonOnTimeout: false,
                                                    deadline: deadline)
            exhaust = reply.flags.contains(.moreToCome) ? (request, header.requestID) : nil
            return reply
        } catch {
            exhaust = nil
            close()
            throw error
        }
    }

    /// Sends a message with moreToCome set (an unacknowledged write): the server sends nothing back.
    public func send(withoutReply message: OpMsg, deadline: Deadline? = nil) async throws(MongoError) {
        var m = message
        m.flags.insert(.moreToCome)
        _ = try await send(m, deadline: deadline)
        lastUsed = .now()
    }

    private func effective(_ deadline: Deadline?) -> Deadline? {
        deadline ?? options.requestTimeout.map { Deadline.after($0) }
    }

    private func send(_ message: OpMsg, deadline: Deadline?) async throws(MongoError) -> Int32 {
        guard !isClosed else { throw MongoError(.closed, "connection \(id) to \(address) is closed") }
        guard !busy, exhaust == nil else { throw MongoError(.invalidArgument, "connection \(id) is already running a request") }
        let size = message.encodedSize(checksum: options.sendChecksums)
        guard size <= server.maxMessageSizeBytes else {
            throw MongoError(.messageTooLarge, "message of \(size) bytes exceeds maxMessageSizeBytes \(server.maxMessageSizeBytes)")
        }
        let requestID = nextRequestID
        nextRequestID = nextRequestID == Int32.max ? 1 : nextRequestID + 1
        let bytes = message.encode(requestID: requestID, checksum: options.sendChecksums)
        busy = true
        defer { busy = false }
        do {
            try await stream.write(bytes, deadline: effective(deadline))
        } catch {
            close()
            throw MongoError(error, "send to \(address)")
        }
        return requestID
    }

    private func receive(replyTo requestID: Int32, deadline: Deadline?) async throws(MongoError) -> (header: MessageHeader, message: OpMsg) {
        try await receive(accepting: [requestID], allowMoreToCome: false, abandonOnTimeout: true, deadline: deadline)
    }

    /// Reads until a message answers one of `accepting`, dropping late replies to abandoned requests.
    private func receive(accepting: Set<Int32>, allowMoreToCome: Bool, abandonOnTimeout: Bool,
                         deadline: Deadline?) async throws(MongoError) -> (header: MessageHeader, message: OpMsg) {
        while true {
            let next: (header: MessageHeader, message: OpMsg)?
            do {
                next = try decoder.next()
            } catch {
                close()
                throw error
            }
            if let (header, reply) = next {
                if accepting.contains(header.responseTo) {
                    if reply.flags.contains(.moreToCome) && !allowMoreToCome {
                        // Only exhaust requests may get moreToCome replies.
                        close()
                        throw MongoError(.protocolViolation, "reply with moreToCome to a request without exhaustAllowed")
                    }
                    return (header, reply)
                }
                if abandoned.remove(header.responseTo) != nil { continue }
                close()
                throw MongoError(.protocolViolation, "reply to request \(header.responseTo), which is not pending on connection \(id)")
            }
            var chunk: [UInt8] = []
            let n: Int
            do {
                n = try await stream.read(into: &chunk, maxBytes: 64 * 1024, deadline: deadline)
            } catch {
                if abandonOnTimeout && (error.code == .timedOut || error.code == .cancelled) {
                    abandoned.formUnion(accepting)
                    if abandoned.count > Self.maxAbandoned { close() }
                } else {
                    close()
                }
                throw MongoError(error, "waiting for the reply from \(address)")
            }
            if n == 0 {
                close()
                throw MongoError(.network, "\(address) closed the connection")
            }
            decoder.append(chunk)
        }
    }

    /// Whether the connection still looks usable, without sending anything: a read that must not
    /// wait. End of stream (the server restarted or dropped us) or an error closes it. The pool
    /// asks this of connections that sat idle, so a restart costs no failed request.
    public func isAlive() async -> Bool {
        guard !isClosed, !busy, exhaust == nil else { return !isClosed }
        var chunk: [UInt8] = []
        do {
            let n = try await stream.read(into: &chunk, maxBytes: 64 * 1024, deadline: Deadline(nanoseconds: 0))
            if n == 0 {
                close()
                return false
            }
            // Bytes nobody waits for: a late reply to an abandoned request. Keep them for the decoder.
            decoder.append(chunk)
            return true
        } catch {
            if error.code == .timedOut { return true }
            if error.code != .cancelled { close() }
            return !isClosed
        }
    }

    // MARK: handshake

    private func handshake(deadline: Deadline) async throws(MongoError) {
        var b = BSONDocumentBuilder()
        b.append("hello", 1)
        b.append("helloOk", true)
        b.append("client", .document(ClientMetadata.document(appName: options.appName)))
        b.appendArray("compression") { _ in }
        var speculative: ScramClient?
        if let credential = options.credential {
            b.append("saslSupportedMechs", .string("\(credential.source).\(credential.username)"))
            if options.speculativeAuthentication {
                let scram = try ScramClient(mechanism: credential.mechanism ?? .sha256, username: credential.username,
                                            password: credential.password)
                b.append("speculativeAuthenticate", .document(try Self.saslStart(scram, source: credential.source, withDB: true)))
                speculative = scram
            }
        }
        b.append("$db", "admin")
        let hello: BSONDocument
        do { hello = try b.build() } catch { throw MongoError(error, "hello") }
        let reply = try await command(hello, deadline: deadline)
        server = ServerDescription(address: address, hello: reply)
        decoder.maxMessageSize = server.maxMessageSizeBytes
        if let credential = options.credential {
            try await authenticate(credential, speculative: speculative, speculativeReply: reply["speculativeAuthenticate"]?.documentValue,
                                   deadline: deadline)
        }
    }
}
