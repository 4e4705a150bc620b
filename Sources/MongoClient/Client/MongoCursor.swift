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
    }

    let client: MongoClient
    let database: String
    let collection: String
    let session: ClientSession?
    let batchSize: Int?
    private let state: Mutex<State>

    /// Reads `{cursor: {id, ns, firstBatch}}` from a command reply.
    init(reply: BSONDocument, client: MongoClient, database: String, session: ClientSession?, batchSize: Int?) throws(MongoError) {
        guard let cursor = reply["cursor"]?.documentValue,
              let id = cursor["id"].flatMap({ $0.int64Value ?? $0.intValue.map(Int64.init) }),
              let batch = cursor["firstBatch"]?.arrayValue else {
            throw MongoError(.invalidReply, "reply has no cursor {id, firstBatch}", reply: reply)
        }
        self.client = client
        self.session = session
        self.batchSize = batchSize
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
        let id = state.withLock { $0.killed ? 0 : $0.id }
        if id != 0 { client.killCursor(id, collection: collection, database: database, session: session) }
    }

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
                reply = try await client.execute(b, database: database, session: session, kind: .read)
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
            }
        }
    }

    /// Every remaining document.
    public func toArray() async throws(MongoError) -> [BSONDocument] {
        var out: [BSONDocument] = []
        while let d = try await next() { out.append(d) }
        return out
    }

    /// Stops reading: kills the server cursor if it is still open. Safe to call more than once.
    public func close() async {
        let id: Int64 = state.withLock { s in
            defer { s.killed = true; s.buffer = []; s.position = 0 }
            return s.killed ? 0 : s.id
        }
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
                let id = cursor.state.withLock { s -> Int64 in
                    defer { s.killed = true }
                    return s.killed ? 0 : s.id
                }
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
