import BSON
import Transport

/// Whether an operation only reads (and may be retried once after a network error when
/// retryReads is on) or writes (retried only when the server certainly did not run it: it
/// answered "not writable primary", or the request never reached it).
enum OperationKind {
    case read
    case write
}

extension MongoClient {
    /// Runs `command` (without `$db`) on the primary: adds the session fields and `$db`, checks the
    /// reply, and retries once where that is safe.
    ///
    /// A `retryableWrite` (one that changes at most one document per statement) with retryWrites on,
    /// outside a transaction, on a server with sessions, is a retryable write: it carries an `lsid`
    /// (the caller's session, or one from the client's pool) and a `txnNumber`, and after a network
    /// error, a RetryableWriteError label or "not primary" it is sent once more with the same
    /// numbers, so the server applies it at most once.
    func execute(_ command: BSONDocumentBuilder, database: String, sequences: [DocumentSequence] = [],
                 session: ClientSession? = nil, kind: OperationKind, retryableWrite: Bool = false,
                 deadline: Deadline? = nil) async throws(MongoError) -> BSONDocument {
        var retryable: (lsid: BSONDocument, txnNumber: Int64)?
        var pooled: ServerSessionPool.ServerSession?
        if kind == .write, retryableWrite, connectionString.retryWrites, !(session?.isInTransaction ?? false),
           let timeout = try await serverLimits(deadline: deadline).logicalSessionTimeoutMinutes {
            if let session {
                retryable = (session.lsid, session.nextTxnNumber())
            } else {
                let s = serverSessions.acquire(timeoutMinutes: timeout)
                pooled = s
                retryable = (s.lsid, s.txnNumber)
            }
        }
        defer { if let pooled { serverSessions.release(pooled) } }
        var attempt = 0
        while true {
            attempt += 1
            var builder = command
            let inTransaction: Bool
            if let retryable {
                builder.append("lsid", .document(retryable.lsid))
                builder.append("txnNumber", .int64(retryable.txnNumber))
                inTransaction = false
            } else {
                inTransaction = session?.appendFields(to: &builder) ?? false
            }
            builder.append("$db", .string(database))
            let body: BSONDocument
            do { body = try builder.build() } catch { throw MongoError(error, "building the command") }
            let (pool, connection) = try await topology.checkOutPrimary(deadline: deadline)
            monitorCommand {
                .started(CommandStartedEvent(
                    commandName: body.keys.first ?? "", database: database, command: body,
                    sequenceCounts: Dictionary(sequences.map { ($0.identifier, $0.documents.count) }, uniquingKeysWith: +),
                    messageSize: OpMsg(body: body, sequences: sequences).encodedSize(), server: pool.address))
            }
            let started = ContinuousClock.now
            do {
                let reply = try await connection.command(body, sequences: sequences, deadline: deadline)
                await pool.checkIn(connection)
                session?.commandSucceeded()
                monitorCommand { .succeeded(commandName: body.keys.first ?? "", requestDuration: ContinuousClock.now - started) }
                return reply
            } catch {
                await pool.checkIn(connection)
                session?.commandFailed(error)
                monitorCommand { .failed(commandName: body.keys.first ?? "", error: error) }
                let networkFailure = error.code == .network || error.code == .protocolViolation
                if networkFailure || error.isNotWritablePrimary { await topology.primaryFailed(pool.address) }
                guard attempt == 1, !inTransaction else { throw Self.labelled(error, inTransaction: inTransaction) }
                let retry: Bool
                switch kind {
                case .read: retry = (networkFailure && connectionString.retryReads) || error.isNotWritablePrimary
                case .write:
                    retry = error.isNotWritablePrimary
                        || (retryable != nil && (networkFailure || error.hasLabel("RetryableWriteError")))
                }
                if !retry { throw error }
            }
        }
    }

    /// A network error inside a transaction is transient: the whole transaction may be retried.
    private static func labelled(_ error: MongoError, inTransaction: Bool) -> MongoError {
        guard inTransaction, error.code == .network, !error.hasLabel("TransientTransactionError") else { return error }
        var e = error
        e.errorLabels.append("TransientTransactionError")
        return e
    }
}

extension MongoClient {
    /// Sends `killCursors` for one cursor in a task of its own, which the caller's cancellation does
    /// not reach. Errors are ignored: the server times idle cursors out anyway.
    @discardableResult
    func killCursor(_ id: Int64, collection: String, database: String, session: ClientSession?) -> Task<Void, Never> {
        var b = BSONDocumentBuilder()
        b.append("killCursors", .string(collection))
        b.appendArray("cursors") { $0.append(.int64(id)) }
        let command = b
        return Task { _ = try? await self.execute(command, database: database, session: session, kind: .write) }
    }
}
