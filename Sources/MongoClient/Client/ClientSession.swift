import BSON
import Foundation
import Synchronization
import Transport

/// A logical session (`lsid`) and, optionally, a transaction in it (`txnNumber`, `startTransaction`,
/// `autocommit: false`, then `commitTransaction` or `abortTransaction`).
///
///     let session = client.startSession()
///     try await session.withTransaction {
///         try await orders.insertOne(order, session: session)
///         try await stock.updateOne(filter, update, session: session)
///     }
///     await session.end()
public final class ClientSession: Sendable {
    public enum TransactionState: Sendable, Equatable { case none, starting, inProgress, committed, aborted }

    private struct State {
        var txnNumber: Int64 = 0
        var transaction: TransactionState = .none
        var ended = false
    }

    let client: MongoClient
    public let lsid: BSONDocument
    private let state = Mutex(State())

    init(client: MongoClient) {
        self.client = client
        let id = BSONBinary(uuid: UUID())
        self.lsid = (try? BSONDocument(["id": .binary(id)])) ?? BSONDocument()
    }

    public var transactionState: TransactionState { state.withLock { $0.transaction } }
    public var isInTransaction: Bool { state.withLock { $0.transaction == .starting || $0.transaction == .inProgress } }

    /// Adds lsid (and the transaction fields); returns whether the command runs in a transaction.
    func appendFields(to builder: inout BSONDocumentBuilder) -> Bool {
        builder.append("lsid", .document(lsid))
        let s = state.withLock { $0 }
        switch s.transaction {
        case .starting:
            builder.append("txnNumber", .int64(s.txnNumber))
            builder.append("startTransaction", true)
            builder.append("autocommit", false)
            return true
        case .inProgress:
            builder.append("txnNumber", .int64(s.txnNumber))
            builder.append("autocommit", false)
            return true
        case .none, .committed, .aborted:
            return false
        }
    }

    /// The next transaction number, for a retryable write in this session outside a transaction.
    func nextTxnNumber() -> Int64 {
        state.withLock { $0.txnNumber += 1; return $0.txnNumber }
    }

    func commandSucceeded() {
        state.withLock { if $0.transaction == .starting { $0.transaction = .inProgress } }
    }

    func commandFailed(_ error: MongoError) {
        // The server opened the transaction even if the first command failed with a server error.
        if error.code == .commandFailed || error.code == .writeFailed { commandSucceeded() }
    }

    public func startTransaction() throws(MongoError) {
        try state.withLock { (s: inout State) throws(MongoError) in
            guard !s.ended else { throw MongoError(.invalidArgument, "the session has ended") }
            guard s.transaction != .starting && s.transaction != .inProgress else {
                throw MongoError(.invalidArgument, "a transaction is already in progress")
            }
            s.txnNumber += 1
            s.transaction = .starting
        }
    }

    public func commitTransaction() async throws(MongoError) {
        try await finish("commitTransaction")
    }

    public func abortTransaction() async throws(MongoError) {
        try await finish("abortTransaction")
    }

    private func finish(_ command: String) async throws(MongoError) {
        let s = state.withLock { $0 }
        switch s.transaction {
        case .none: throw MongoError(.invalidArgument, "no transaction to \(command == "commitTransaction" ? "commit" : "abort")")
        case .starting:
            // Nothing reached the server: there is nothing to commit or abort there.
            state.withLock { $0.transaction = command == "commitTransaction" ? .committed : .aborted }
            return
        case .committed, .aborted:
            if command == "abortTransaction" { throw MongoError(.invalidArgument, "the transaction has already finished") }
        case .inProgress: break
        }
        var b = BSONDocumentBuilder()
        b.append(command, 1)
        b.append("lsid", .document(lsid))
        b.append("txnNumber", .int64(s.txnNumber))
        b.append("autocommit", false)
        defer { state.withLock { $0.transaction = command == "commitTransaction" ? .committed : .aborted } }
        do {
            _ = try await client.execute(b, database: "admin", kind: .write)
        } catch {
            if command == "abortTransaction" { return }   // the spec: abort errors are ignored
            throw error
        }
    }

    /// Runs `body` in a transaction and commits; retries the whole transaction while the server labels
    /// the error TransientTransactionError, and the commit while it says UnknownTransactionCommitResult,
    /// for up to `timeout` (120 s, as the drivers' convenient API).
    public func withTransaction<T: Sendable>(timeout: Duration = .seconds(120),
                                             _ body: () async throws -> T) async throws -> T {
        let deadline = Deadline.after(timeout)
        while true {
            try startTransaction()
            let value: T
            do {
                value = try await body()
            } catch {
                if isInTransaction { try? await abortTransaction() }
                if let e = error as? MongoError, e.hasLabel("TransientTransactionError"), !deadline.hasPassed { continue }
                throw error
            }
            while true {
                do {
                    try await commitTransaction()
                    return value
                } catch {
                    if error.hasLabel("UnknownTransactionCommitResult"), !deadline.hasPassed {
                        state.withLock { $0.transaction = .inProgress }
                        continue
                    }
                    if error.hasLabel("TransientTransactionError"), !deadline.hasPassed { break }
                    throw error
                }
            }
        }
    }

    /// Ends the session on the server (`endSessions`); errors are ignored, as the spec says.
    public func end() async {
        let wasEnded = state.withLock { s in defer { s.ended = true }; return s.ended }
        guard !wasEnded else { return }
        if isInTransaction { try? await abortTransaction() }
        var b = BSONDocumentBuilder()
        b.appendArray("endSessions") { $0.append(.document(lsid)) }
        _ = try? await client.execute(b, database: "admin", kind: .write)
    }
}
