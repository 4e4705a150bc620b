import BSON
import Synchronization
import Transport

public struct ChangeStreamOptions: Sendable {
    /// "updateLookup", "whenAvailable" or "required": include the whole document in update events.
    public var fullDocument: String?
    public var resumeAfter: BSONDocument?
    public var startAfter: BSONDocument?
    public var batchSize: Int?
    /// How long each getMore waits for new events on the server (its maxTimeMS).
    public var maxAwaitTimeMS: Int?

    public init(fullDocument: String? = nil, resumeAfter: BSONDocument? = nil, startAfter: BSONDocument? = nil,
                batchSize: Int? = nil, maxAwaitTimeMS: Int? = 1000) {
        self.fullDocument = fullDocument
        self.resumeAfter = resumeAfter
        self.startAfter = startAfter
        self.batchSize = batchSize
        self.maxAwaitTimeMS = maxAwaitTimeMS
    }
}

/// The changes of a collection as they happen: an `aggregate` with `$changeStream` first, then
/// awaiting `getMore`s. It remembers the resume token of the last event returned (or the
/// server's postBatchResumeToken), and after a resumable error — a network error, a
/// server error labelled ResumableChangeStreamError, a lost cursor — it opens a new stream
/// with `resumeAfter` (or `startAfter` before the first event) once, and goes on from there
/// without losing or repeating events.
public final class ChangeStream: AsyncSequence, Sendable {
    public typealias Element = BSONDocument

    private struct State {
        var cursorID: Int64 = 0
        var buffer: [BSONDocument] = []
        var position = 0
        var resumeToken: BSONDocument?
        var sawEvent = false
        var closed = false
        /// The server's token for the end of the current batch, adopted once the batch is used up.
        var postBatchResumeToken: BSONDocument?
    }

    private let collection: MongoCollection
    private let pipeline: [BSONDocument]
    private let options: ChangeStreamOptions
    private let state = Mutex(State())

    init(collection: MongoCollection, pipeline: [BSONDocument], options: ChangeStreamOptions) {
        self.collection = collection
        self.pipeline = pipeline
        self.options = options
        state.withLock { $0.resumeToken = options.startAfter ?? options.resumeAfter }
    }

    deinit {
        let id = state.withLock { $0.closed ? 0 : $0.cursorID }
        if id != 0 { collection.client.killCursor(id, collection: collection.name, database: collection.database, session: nil) }
    }

    /// The token to give `resumeAfter` to continue after the last event returned.
    public var resumeToken: BSONDocument? { state.withLock { $0.resumeToken } }

    /// Opens the server cursor (the aggregate).
    func open(resuming: Bool) async throws(MongoError) {
        let (token, sawEvent) = state.withLock { ($0.resumeToken, $0.sawEvent) }
        var b = BSONDocumentBuilder()
        b.append("aggregate", .string(collection.name))
        let options = self.options
        let pipeline = self.pipeline
        b.appendArray("pipeline") { a in
            a.appendDocument { stage in
                stage.appendDocument("$changeStream") { cs in
                    if let full = options.fullDocument { cs.append("fullDocument", .string(full)) }
                    if resuming, let token {
                        // startAfter may pass an invalidate; once an event was seen, resumeAfter is right.
                        cs.append(options.startAfter != nil && !sawEvent ? "startAfter" : "resumeAfter", .document(token))
                    } else if let start = options.startAfter {
                        cs.append("startAfter", .document(start))
                    } else if let resume = options.resumeAfter {
                        cs.append("resumeAfter", .document(resume))
                    }
                }
            }
            for stage in pipeline { a.append(.document(stage)) }
        }
        b.appendDocument("cursor") { c in if let n = options.batchSize { c.append("batchSize", .int(n)) } }
        let reply = try await collection.client.execute(b, database: collection.database, kind: .read)
        try absorb(reply, batchKey: "firstBatch")
    }

    private func absorb(_ reply: BSONDocument, batchKey: String) throws(MongoError) {
        guard let cursor = reply["cursor"]?.documentValue, let batch = cursor[batchKey]?.arrayValue else {
            throw MongoError(.invalidReply, "change stream reply has no cursor.\(batchKey)", reply: reply)
        }
        let id = cursor["id"].flatMap { $0.int64Value ?? $0.intValue.map(Int64.init) } ?? 0
        let documents = batch.compactMap(\.documentValue)
        let postBatch = cursor["postBatchResumeToken"]?.documentValue
        state.withLock { s in
            s.cursorID = id
            s.buffer = documents
            s.position = 0
            s.postBatchResumeToken = postBatch
            if documents.isEmpty, let postBatch { s.resumeToken = postBatch }
        }
    }

    /// The next change, waiting for one (each wait is a getMore of up to maxAwaitTimeMS). nil once
    /// the stream is closed or the server ended it (an invalidate: the collection was dropped).
    public func next() async throws(MongoError) -> BSONDocument? {
        while true {
            if let event = try await tryNext() { return event }
            let (closed, id) = state.withLock { ($0.closed, $0.cursorID) }
            if closed || id == 0 { return nil }
            if Task.isCancelled {
                await close()
                throw MongoError(.cancelled, "change stream cancelled")
            }
        }
    }

    /// One step: a buffered event, or one getMore; nil when that getMore brought nothing.
    public func tryNext() async throws(MongoError) -> BSONDocument? {
        let buffered: BSONDocument? = state.withLock { s in
            guard s.position < s.buffer.count else { return nil }
            defer { s.position += 1 }
            return s.buffer[s.position]
        }
        if let event = buffered { return try took(event) }
        let (closed, id) = state.withLock { ($0.closed, $0.cursorID) }
        if closed || id == 0 { return nil }
        state.withLock { s in if let token = s.postBatchResumeToken { s.resumeToken = token } }
        var b = BSONDocumentBuilder()
        b.append("getMore", .int64(id))
        b.append("collection", .string(collection.name))
        if let n = options.batchSize { b.append("batchSize", .int(n)) }
        if let wait = options.maxAwaitTimeMS { b.append("maxTimeMS", .int(wait)) }
        do {
            let reply = try await collection.client.execute(b, database: collection.database, kind: .read)
            try absorb(reply, batchKey: "nextBatch")
        } catch {
            guard Self.isResumable(error) else {
                await close()
                throw error
            }
            state.withLock { $0.cursorID = 0 }
            try await open(resuming: true)
        }
        let first: BSONDocument? = state.withLock { s in
            guard s.position < s.buffer.count else { return nil }
            defer { s.position += 1 }
            return s.buffer[s.position]
        }
        return try first.map { (event) throws(MongoError) in try took(event) }
    }

    private func took(_ event: BSONDocument) throws(MongoError) -> BSONDocument {
        guard let token = event["_id"]?.documentValue else {
            throw MongoError(.invalidReply, "change event without a resume token (_id projected out?)", reply: event)
        }
        state.withLock { s in
            s.resumeToken = token
            s.sawEvent = true
        }
        return event
    }

    static func isResumable(_ error: MongoError) -> Bool {
        if error.code == .network { return true }
        if error.hasLabel("NonResumableChangeStreamError") { return false }
        if error.hasLabel("ResumableChangeStreamError") { return true }
        guard let code = error.serverCode else { return false }
        return [6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133, 43].contains(code)
    }

    public func close() async {
        let id: Int64 = state.withLock { s in
            defer { s.closed = true; s.cursorID = 0 }
            return s.closed ? 0 : s.cursorID
        }
        guard id != 0 else { return }
        await collection.client.killCursor(id, collection: collection.name, database: collection.database, session: nil).value
    }

    /// The server cursor id, for tests (0 before opening and after the end).
    var cursorID: Int64 { state.withLock { $0.cursorID } }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ChangeStream
        public mutating func next() async throws -> BSONDocument? { try await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}

extension MongoCollection {
    /// Watches this collection's changes; `pipeline` may filter or reshape them ($match, $project).
    public func watch(_ pipeline: [BSONDocument] = [], options: ChangeStreamOptions = ChangeStreamOptions()) async throws(MongoError) -> ChangeStream {
        let stream = ChangeStream(collection: self, pipeline: pipeline, options: options)
        try await stream.open(resuming: false)
        return stream
    }
}
