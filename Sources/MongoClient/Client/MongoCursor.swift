import BSON
import Synchronization
import Transport

/// The documents of a find, aggregate or list command: the first batch from the command's reply,
/// then `getMore` batches on demand. Iterate it once (`for try await doc in cursor`, `next()` or
/// `toArray()`).
///
/// The server-side cursor is closed with `killCursors` as soon as nobody will read it: when the
/// loop that iterates it ends early (`break`, a thrown error), when the iterating task is
/// cancelled, when `close()` is called, or when the cursor is released unread. A cursor read to
/// its end has nothing to kill (the server closed it when it returned id 0).
public final class MongoCursor: AsyncSequence, Sendable {
    public typealias Element = BSONDocument

    private struct State {
        var buffer: [BSONDocument]
        var position = 0
        var id: Int64
        var killed = false
        /// Exhaust cursors: the connection the stream of batches arrives on, held until it ends.
        var pinned: (pool: ConnectionPool, connection: MongoConnection)?
        /// getMore replies received (for tests of exhaust streaming).
        var getMoreReplies = 0
    }

    let client: MongoClient
    let database: String
    let collection: String
    let session: ClientSession?
    let batchSize: Int?
    let exhaust: Bool
    private let state: Mutex<State>

    /// Reads `{cursor: {id, ns, firstBatch}}` from a command reply.
    init(reply: BSONDocument, client: MongoClient, database: String, session: ClientSession?, batchSize: Int?,
         exhaust: Bool = false) throws(MongoError) {
        guard let cursor = reply["cursor"]?.documentValue,
              let id = cursor["id"].flatMap({ $0.int64Value ?? $0.intValue.map(Int64.init) }),
              let batch = cursor["firstBatch"]?.arrayValue else {
            throw MongoError(.invalidReply, "reply has no cursor {id, firstBatch}", reply: reply)
        }
        self.client = client
        self.session = session
        self.batchSize = batchSize
        self.exhaust = exhaust
        // ns is "db.collection"; getMore names the collection without the database.
        let ns = cursor["ns"]?.stringValue ?? ""
        if let dot = ns.firstIndex(of: ".") {
            self.database = String(ns[..<dot])
            self.collection = String(ns[ns.index(after: dot)...])
        } else {
            self.database = database
            self.collection = ns
        }
        self.state = Mutex(State(buffer: batch.compactMap(\.documentValue), id: id))
    }

    deinit {
        let (id, pinned) = state.withLock { ($0.killed ? 0 : $0.id, $0.pinned) }
        if let pinned { Self.release(pinned) }
        if id != 0 { client.killCursor(id, collection: collection, database: database, session: session) }
    }

    /// Gives an exhaust cursor's connection back; one still streaming is closed first (the rest of
    /// the stream would otherwise arrive ahead of the next request's reply).
    @discardableResult
    static func release(_ pinned: (pool: ConnectionPool, connection: MongoConnection)) -> Task<Void, Never> {
        Task {
            if await pinned.connection.isExhausting { await pinned.connection.close() }
            await pinned.pool.checkIn(pinned.connection)
        }
    }

    var getMoreReplies: Int { state.withLock { $0.getMoreReplies } }

    /// The server's cursor id (0 once the server has no more documents).
    public var id: Int64 { state.withLock { $0.id } }

    /// The next document, fetching a batch with getMore when the current one is used up; nil at the end.
    public func next() async throws(MongoError) -> BSONDocument? {
        while true {
            if Task.isCancelled {
                await close()
                throw MongoError(.cancelled, "cursor iteration cancelled")
            }
            let (document, id, killed): (BSONDocument?, Int64, Bool) = state.withLock { s in
                if s.position < s.buffer.count {
                    defer { s.position += 1 }
                    return (s.buffer[s.position], s.id, s.killed)
                }
                return (nil, s.id, s.killed)
            }
            if let document { return document }
            if id == 0 || killed { return nil }
            var b = BSONDocumentBuilder()
            b.append("getMore", .int64(id))
            b.append("collection", .string(collection))
            if let batchSize { b.append("batchSize", .int(batchSize)) }
            let reply: BSONDocument
            do {
                reply = exhaust ? try await exhaustGetMore(b)
                    : try await client.execute(b, database: database, session: session, kind: .read)
            } catch {
                await close()
                throw error
            }
            guard let cursor = reply["cursor"]?.documentValue, let batch = cursor["nextBatch"]?.arrayValue else {
                await close()
                throw MongoError(.invalidReply, "getMore reply has no cursor.nextBatch", reply: reply)
            }
            let nextID = cursor["id"].flatMap { $0.int64Value ?? $0.intValue.map(Int64.init) } ?? 0
            state.withLock { s in
                s.buffer = batch.compactMap(\.documentValue)
                s.position = 0
                s.id = nextID
                s.getMoreReplies += 1
            }
        }
    }

    /// The next batch of an exhaust cursor: the first getMore opens the stream on a connection the
    /// cursor holds; later batches are read from it without a request.
    private func exhaustGetMore(_ command: BSONDocumentBuilder) async throws(MongoError) -> BSONDocument {
        var pinned = state.withLock { $0.pinned }
        if pinned == nil {
            let taken = try await client.topology.checkOutPrimary(deadline: nil)
            pinned = taken
            state.withLock { $0.pinned = taken }
        }
        guard let (pool, connection) = pinned else { throw MongoError(.closed, "exhaust cursor has no connection") }
        let reply: OpMsg
        do throws(MongoError) {
            if await connection.isExhausting {
                reply = try await connection.nextExhaustReply()
            } else {
                var b = command
                b.append("$db", .string(database))
                let body: BSONDocument
                do { body = try b.build() } catch { throw MongoError(error, "getMore") }
                client.monitorCommand {
                    .started(CommandStartedEvent(commandName: "getMore", database: database, command: body, sequenceCounts: [:],
                                                 messageSize: OpMsg(body: body).encodedSize(), server: pool.address))
                }
                reply = try await connection.beginExhaust(OpMsg(body: body))
            }
        } catch {
            state.withLock { $0.pinned = nil }
            await pool.checkIn(connection)
            throw error
        }
        if await !connection.isExhausting {
            state.withLock { $0.pinned = nil }
            await pool.checkIn(connection)
        }
        if let error = MongoError.fromReply(reply.body) { throw error }
        return reply.body
    }

    /// Every remaining document.
    public func toArray() async throws(MongoError) -> [BSONDocument] {
        var out: [BSONDocument] = []
        while let d = try await next() { out.append(d) }
        return out
    }

    /// Stops reading: kills the server cursor if it is still open. Safe to call more than once.
    public func close() async {
        let (id, pinned) = state.withLock { s in
            defer { s.killed = true; s.buffer = []; s.position = 0; s.pinned = nil }
            return (s.killed ? Int64(0) : s.id, s.pinned)
        }
        if let pinned { await Self.release(pinned).value }
        guard id != 0 else { return }
        // In a task of its own: the caller's task may be the one being cancelled.
        await client.killCursor(id, collection: collection, database: database, session: session).value
    }

    /// Decodes each document as `T`.
    public func decode<T: Decodable & SendableMetatype>(_ type: T.Type) -> AsyncThrowingMapSequence<MongoCursor, T> {
        map { try BSONDecoder().decode(T.self, from: $0) }
    }

    // MARK: AsyncSequence

    public struct AsyncIterator: AsyncIteratorProtocol {
        /// Ends the server cursor when the loop that owns this iterator goes away early.
        final class Guard {
            let cursor: MongoCursor
            init(_ cursor: MongoCursor) { self.cursor = cursor }
            deinit {
                let (id, pinned) = cursor.state.withLock { s in
                    defer { s.killed = true; s.pinned = nil }
                    return (s.killed ? Int64(0) : s.id, s.pinned)
                }
                if let pinned { MongoCursor.release(pinned) }
                if id != 0 {
                    cursor.client.killCursor(id, collection: cursor.collection, database: cursor.database, session: cursor.session)
                }
            }
        }

        let owner: Guard

        public mutating func next() async throws -> BSONDocument? {
            try await owner.cursor.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: AsyncIterator.Guard(self)) }
}
