import BSON
import Transport

/// The three write commands and the argument each pulls out into a kind-1 document sequence.
enum WriteKind: Sendable {
    case insert, update, delete

    var command: String {
        switch self {
        case .insert: "insert"
        case .update: "update"
        case .delete: "delete"
        }
    }

    var sequenceIdentifier: String {
        switch self {
        case .insert: "documents"
        case .update: "updates"
        case .delete: "deletes"
        }
    }
}

/// One statement of a write command and its index in the caller's list.
struct WriteStatement: Sendable {
    let index: Int
    let document: BSONDocument
}

/// What the batches of one write kind did, errors included (they are not thrown here, so that
/// bulk writes can merge the outcomes of several commands).
struct WriteOutcome: Sendable {
    var n = 0
    var nModified = 0
    var upserted: [(index: Int, id: BSONValue)] = []
    var writeErrors: [MongoError.WriteError] = []
    var writeConcernError: BSONDocument?
    /// Statements after an ordered failure that were never sent.
    var stopped = false
}

extension MongoClient {
    /// Sends `statements` as `insert`/`update`/`delete` commands, splitting them so that no command
    /// has more than maxWriteBatchSize statements nor exceeds maxMessageSizeBytes. Statements travel
    /// as a kind-1 document sequence. Ordered writes stop at the first failed statement.
    func runWrites(_ kind: WriteKind, collection: String, database: String, statements: [WriteStatement],
                   ordered: Bool, session: ClientSession?, extra: BSONDocument? = nil) async throws(MongoError) -> WriteOutcome {
        // Retryable only when every statement changes at most one document (no multi update, no limit-0 delete).
        let retryable = statements.allSatisfy { statement in
            switch kind {
            case .insert: return true
            case .update: return statement.document["multi"]?.boolValue != true
            case .delete: return statement.document["limit"]?.intValue == 1
            }
        }
        let limits = try await serverLimits()
        // A statement may be a whole maxBsonObjectSize document plus the update/delete wrapper.
        let maxStatement = limits.maxBsonObjectSize + (kind == .insert ? 0 : 16 * 1024)
        let overhead = 16 + 4 + 1 + 1024 + (extra?.byteCount ?? 0) + 1 + 4 + kind.sequenceIdentifier.utf8.count + 1
        let maxPayload = limits.maxMessageSizeBytes - overhead
        var outcome = WriteOutcome()
        var start = 0
        while start < statements.count {
            var end = start
            var bytes = 0
            while end < statements.count, end - start < limits.maxWriteBatchSize {
                let size = statements[end].document.byteCount
                if size > maxStatement {
                    throw MongoError(.messageTooLarge, "document #\(statements[end].index) is \(size) bytes; the server's maxBsonObjectSize is \(limits.maxBsonObjectSize)")
                }
                if end > start && bytes + size > maxPayload { break }
                bytes += size
                end += 1
            }
            let batch = statements[start..<end]
            var b = BSONDocumentBuilder()
            b.append(kind.command, .string(collection))
            b.append("ordered", .bool(ordered))
            if let extra { b.append(contentsOf: extra) }
            let sequence = DocumentSequence(identifier: kind.sequenceIdentifier, documents: batch.map(\.document))
            let reply = try await execute(b, database: database, sequences: [sequence], session: session, kind: .write,
                                          retryableWrite: retryable)
            outcome.n += reply["n"]?.intValue ?? 0
            outcome.nModified += reply["nModified"]?.intValue ?? 0
            for item in reply["upserted"]?.arrayValue ?? BSONArray() {
                guard let d = item.documentValue, let i = d["index"]?.intValue, batch.indices.contains(start + i) else { continue }
                outcome.upserted.append((statements[start + i].index, d["_id"] ?? .null))
            }
            var failedHere = false
            for item in reply["writeErrors"]?.arrayValue ?? BSONArray() {
                guard let d = item.documentValue else { continue }
                let i = d["index"]?.intValue ?? 0
                let original = batch.indices.contains(start + i) ? statements[start + i].index : -1
                outcome.writeErrors.append(MongoError.WriteError(index: original, code: d["code"]?.intValue ?? 0,
                                                                codeName: d["codeName"]?.stringValue,
                                                                message: d["errmsg"]?.stringValue ?? ""))
                failedHere = true
            }
            if let wce = reply["writeConcernError"]?.documentValue { outcome.writeConcernError = wce }
            if ordered && failedHere {
                outcome.stopped = end < statements.count
                break
            }
            start = end
        }
        return outcome
    }

    /// Throws when the outcome holds write errors or a write concern error.
    static func check(_ outcome: WriteOutcome, what: String) throws(MongoError) {
        if !outcome.writeErrors.isEmpty {
            let first = outcome.writeErrors[0]
            throw MongoError(.writeFailed, "\(what): \(outcome.writeErrors.count) write(s) failed, first: \(first.message)",
                             serverCode: first.code, codeName: first.codeName, writeErrors: outcome.writeErrors)
        }
        if let wce = outcome.writeConcernError {
            throw MongoError(.writeConcernFailed, wce["errmsg"]?.stringValue ?? "write concern error",
                             serverCode: wce["code"]?.intValue, codeName: wce["codeName"]?.stringValue,
                             errorLabels: wce["errorLabels"]?.arrayValue?.compactMap(\.stringValue) ?? [], reply: wce)
        }
    }
}
