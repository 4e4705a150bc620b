import BSON

/// One write of a bulk write.
public enum WriteModel: Sendable {
    case insertOne(BSONDocument)
    case updateOne(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions())
    case updateMany(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions())
    case replaceOne(filter: BSONDocument, replacement: BSONDocument, options: UpdateOptions = UpdateOptions())
    case deleteOne(BSONDocument)
    case deleteMany(BSONDocument)

    var kind: WriteKind {
        switch self {
        case .insertOne: .insert
        case .updateOne, .updateMany, .replaceOne: .update
        case .deleteOne, .deleteMany: .delete
        }
    }
}

extension MongoCollection {
    /// Runs mixed writes with as few commands as possible. Ordered (the default): consecutive
    /// writes of one kind share a command, and the first failure stops the rest. Unordered: all
    /// inserts, all updates and all deletes go in one command each (split by the server's limits)
    /// and every write is tried. Failures throw `writeFailed` with per-write errors indexed in
    /// `models` and `partialResult` saying what the others did.
    @discardableResult
    public func bulkWrite(_ models: [WriteModel], ordered: Bool = true,
                          session: ClientSession? = nil) async throws(MongoError) -> BulkWriteResult {
        guard !models.isEmpty else { throw MongoError(.invalidArgument, "bulkWrite needs at least one write") }
        var result = BulkWriteResult()
        var statements: [(kind: WriteKind, statement: WriteStatement)] = []
        statements.reserveCapacity(models.count)
        for (i, model) in models.enumerated() {
            let document: BSONDocument
            switch model {
            case .insertOne(let d):
                let (withID, id) = try Self.ensureID(d)
                document = withID
                result.insertedIds[i] = id
            case .updateOne(let filter, let update, let options):
                document = try Self.updateStatement(filter: filter, update: .document(update), multi: false, options: options)
            case .updateMany(let filter, let update, let options):
                document = try Self.updateStatement(filter: filter, update: .document(update), multi: true, options: options)
            case .replaceOne(let filter, let replacement, let options):
                document = try Self.updateStatement(filter: filter, update: .document(replacement), multi: false, options: options)
            case .deleteOne(let filter):
                document = try Self.deleteStatement(filter: filter, limit: 1)
            case .deleteMany(let filter):
                document = try Self.deleteStatement(filter: filter, limit: 0)
            }
            statements.append((model.kind, WriteStatement(index: i, document: document)))
        }
        var groups: [(WriteKind, [WriteStatement])] = []
        if ordered {
            for (kind, statement) in statements {
                if let last = groups.last, last.0 == kind { groups[groups.count - 1].1.append(statement) }
                else { groups.append((kind, [statement])) }
            }
        } else {
            for kind in [WriteKind.insert, .update, .delete] {
                let of = statements.filter { $0.kind == kind }.map(\.statement)
                if !of.isEmpty { groups.append((kind, of)) }
            }
        }
        var errors: [MongoError.WriteError] = []
        var writeConcernError: BSONDocument?
        var succeededInserts = Set(result.insertedIds.keys)
        for (kind, group) in groups {
            let outcome = try await client.runWrites(kind, collection: name, database: database, statements: group,
                                                     ordered: ordered, session: session)
            switch kind {
            case .insert: result.insertedCount += outcome.n
            case .update:
                result.matchedCount += outcome.n - outcome.upserted.count
                result.modifiedCount += outcome.nModified
                result.upsertedCount += outcome.upserted.count
                for (index, id) in outcome.upserted { result.upsertedIds[index] = id }
            case .delete: result.deletedCount += outcome.n
            }
            errors += outcome.writeErrors
            if let wce = outcome.writeConcernError { writeConcernError = wce }
            if ordered && !outcome.writeErrors.isEmpty {
                // Inserts at or after the failure did not happen.
                let firstFailure = outcome.writeErrors.map(\.index).min() ?? 0
                succeededInserts = succeededInserts.filter { $0 < firstFailure }
                break
            }
        }
        if !errors.isEmpty {
            let failed = Set(errors.map(\.index))
            succeededInserts.subtract(failed)
            result.insertedIds = result.insertedIds.filter { succeededInserts.contains($0.key) }
            var error = MongoError(.writeFailed, "bulkWrite: \(errors.count) write(s) failed, first: \(errors[0].message)",
                                   serverCode: errors[0].code, codeName: errors[0].codeName, writeErrors: errors)
            error.partialResult = result
            throw error
        }
        if let writeConcernError {
            var error = MongoError(.writeConcernFailed, writeConcernError["errmsg"]?.stringValue ?? "write concern error",
                                   serverCode: writeConcernError["code"]?.intValue, reply: writeConcernError)
            error.partialResult = result
            throw error
        }
        return result
    }
}
