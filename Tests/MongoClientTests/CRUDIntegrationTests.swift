import BSON
import Transport
import XCTest
@testable import MongoClient

/// CRUD through `MongoClient` against SecantusDB (no auth).
final class CRUDIntegrationTests: XCTestCase {
    func testInsertOneAddsObjectIdFirstAndFindsItBack() async throws {
        let t = try TestDatabase.make("insert")
        let c = t.database.collection("people")
        let result = try await c.insertOne(doc(#"{"name": "Ada", "born": 1815}"#))
        guard case .objectId = result.insertedId else { return XCTFail("insertedId \(result.insertedId) is not an ObjectId") }
        let found = try await c.findOne(try BSONDocument(["_id": result.insertedId]))
        XCTAssertEqual(found?.keys, ["_id", "name", "born"])
        XCTAssertEqual(found?["name"]?.stringValue, "Ada")
        // A document with its own _id keeps it.
        let own = try await c.insertOne(doc(#"{"name": "Bob", "_id": "bob"}"#))
        XCTAssertEqual(own.insertedId, .string("bob"))
        await t.finish()
    }

    func testInsertManyUsesOneDocumentSequenceAndSplitsByTheServerLimits() async throws {
        let t = try TestDatabase.make("batches")
        let c = t.database.collection("items")
        let log = CommandLog(t.client)
        let documents = (0..<25).map { i in doc(#"{"_id": \#(i), "pad": "\#(String(repeating: "x", count: 200))"}"#) }
        let result = try await c.insertMany(documents)
        XCTAssertEqual(result.insertedCount, 25)
        XCTAssertEqual(log.named("insert").map { $0.sequenceCounts["documents"] }, [25], "one command, documents as a kind-1 sequence")

        // Lower the limits the server announced: maxWriteBatchSize 10, then a message size that fits ~4 documents.
        try await t.client.overrideServerLimits { $0.maxWriteBatchSize = 10 }
        log.clear()
        let more = (25..<50).map { i in doc(#"{"_id": \#(i), "pad": "\#(String(repeating: "x", count: 200))"}"#) }
        try await c.insertMany(more)
        XCTAssertEqual(log.named("insert").map { $0.sequenceCounts["documents"] ?? 0 }, [10, 10, 5])

        try await t.client.overrideServerLimits { $0.maxWriteBatchSize = 100_000; $0.maxMessageSizeBytes = 2_300 }
        log.clear()
        let big = (50..<60).map { i in doc(#"{"_id": \#(i), "pad": "\#(String(repeating: "y", count: 200))"}"#) }
        try await c.insertMany(big)
        let sizes = log.named("insert").map { $0.sequenceCounts["documents"] ?? 0 }
        XCTAssertGreaterThan(sizes.count, 1, "split by message size")
        XCTAssertEqual(sizes.reduce(0, +), 10)
        XCTAssertTrue(log.named("insert").allSatisfy { $0.messageSize <= 2_300 }, "\(log.named("insert").map(\.messageSize))")
        let count = try await c.countDocuments()
        XCTAssertEqual(count, 60)
        await t.finish()
    }

    func testOversizedDocumentIsRefusedBeforeSending() async throws {
        let t = try TestDatabase.make("oversized")
        let c = t.database.collection("big")
        try await t.client.overrideServerLimits { $0.maxBsonObjectSize = 1000 }
        let error = await expectMongoError { try await c.insertOne(doc(#"{"pad": "\#(String(repeating: "z", count: 2000))"}"#)) }
        XCTAssertEqual(error?.code, .messageTooLarge)
        await t.finish()
    }

    func testDuplicateKeyIsEasyToCatchOrderedAndUnordered() async throws {
        let t = try TestDatabase.make("dupkey")
        let c = t.database.collection("d")
        try await c.insertOne(doc(#"{"_id": 1}"#))
        let single = await expectMongoError { try await c.insertOne(doc(#"{"_id": 1}"#)) }
        XCTAssertEqual(single?.code, .writeFailed)
        XCTAssertTrue(single?.isDuplicateKey ?? false)
        XCTAssertEqual(single?.serverCode, 11000)

        let batch = [doc(#"{"_id": 2}"#), doc(#"{"_id": 1}"#), doc(#"{"_id": 3}"#), doc(#"{"_id": 2}"#), doc(#"{"_id": 4}"#)]
        let ordered = await expectMongoError { try await c.insertMany(batch, ordered: true) }
        XCTAssertEqual(ordered?.writeErrors.map(\.index), [1])
        XCTAssertTrue(ordered?.isDuplicateKey ?? false)
        var count = try await c.countDocuments()
        XCTAssertEqual(count, 2, "ordered stops after the first failure: _id 1 and 2 only")

        let unordered = await expectMongoError { try await c.insertMany(batch, ordered: false) }
        XCTAssertEqual(unordered?.writeErrors.map(\.index), [0, 1, 3], "every failing document reported, by index")
        XCTAssertTrue(unordered?.writeErrors.allSatisfy(\.isDuplicateKey) ?? false)
        count = try await c.countDocuments()
        XCTAssertEqual(count, 4)
        await t.finish()
    }

    func testFindWithFilterSortProjectionSkipLimitAndBatches() async throws {
        let t = try TestDatabase.make("find")
        let c = t.database.collection("n")
        try await c.insertMany((0..<50).map { i in doc(#"{"_id": \#(i), "even": \#(i % 2 == 0), "sq": \#(i * i), "tag": "t\#(i % 3)"}"#) })
        let log = CommandLog(t.client)
        let cursor = try await c.find(doc(#"{"even": true}"#),
                                      options: FindOptions(sort: doc(#"{"_id": -1}"#), projection: doc(#"{"sq": 1}"#),
                                                           skip: 2, limit: 20, batchSize: 6))
        var ids: [Int] = []
        for try await d in cursor {
            XCTAssertEqual(d.keys, ["_id", "sq"])
            ids.append(d["_id"]?.intValue ?? -1)
        }
        XCTAssertEqual(ids, Array(stride(from: 44, through: 6, by: -2)))
        XCTAssertEqual(log.named("getMore").count, 3, "20 documents in batches of 6: find + 3 getMores")
        XCTAssertEqual(log.named("killCursors").count, 0, "a cursor read to its end needs no killCursors")
        let all = try await c.find().toArray()
        XCTAssertEqual(all.count, 50)
        await t.finish()
    }

    /// Breaking out of a loop kills the server cursor: a getMore on its id then fails with CursorNotFound.
    func testBreakingOutOfACursorKillsIt() async throws {
        let t = try TestDatabase.make("kill")
        let c = t.database.collection("k")
        try await c.insertMany((0..<30).map { i in doc(#"{"_id": \#(i)}"#) })
        let log = CommandLog(t.client)
        let cursor = try await c.find(options: FindOptions(batchSize: 5))
        let id = cursor.id
        XCTAssertNotEqual(id, 0)
        for try await d in cursor {
            if d["_id"]?.intValue == 2 { break }
        }
        try await waitUntil { log.finishedCount("killCursors") == 1 }
        try await assertCursorGone(id, in: t.database, collection: "k")
        await t.finish()
    }

    func testCancellingTheConsumerKillsTheCursor() async throws {
        let t = try TestDatabase.make("cancel")
        let c = t.database.collection("k")
        try await c.insertMany((0..<30).map { i in doc(#"{"_id": \#(i)}"#) })
        let log = CommandLog(t.client)
        let cursor = try await c.find(options: FindOptions(batchSize: 5))
        let id = cursor.id
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let consumer = Task {
            var n = 0
            for try await _ in cursor {
                n += 1
                if n == 1 { startedContinuation.yield() }
                try await Task.sleep(for: .milliseconds(20))
            }
            return n
        }
        for await _ in started { break }
        consumer.cancel()
        let outcome = await consumer.result
        XCTAssertThrowsError(try outcome.get(), "the cancelled loop ends with an error")
        try await waitUntil { log.finishedCount("killCursors") == 1 }
        try await assertCursorGone(id, in: t.database, collection: "k")
        await t.finish()
    }

    private func assertCursorGone(_ id: Int64, in database: MongoDatabase, collection: String,
                                  file: StaticString = #filePath, line: UInt = #line) async throws {
        let error = await expectMongoError({
            _ = try await database.runCommand(try BSONDocument(["getMore": .int64(id), "collection": .string(collection)]))
        }, file: file, line: line)
        XCTAssertEqual(error?.serverCode, 43, "CursorNotFound expected: \(String(describing: error))", file: file, line: line)
    }

    private func waitUntil(_ condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) async throws {
        let deadline = Deadline.after(.seconds(5))
        while !condition() {
            if deadline.hasPassed { return XCTFail("condition not met within 5 s", file: file, line: line) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// An exhaust cursor: one getMore with exhaustAllowed, then SecantusDB streams every batch
    /// (moreToCome) on the cursor's own connection, which goes back to the pool at the end.
    func testExhaustCursorStreamsBatches() async throws {
        let t = try TestDatabase.make("exhaust")
        let c = t.database.collection("x")
        try await c.insertMany((0..<30).map { i in doc(#"{"_id": \#(i)}"#) })
        let log = CommandLog(t.client)
        let cursor = try await c.find(options: FindOptions(sort: doc(#"{"_id": 1}"#), batchSize: 4, exhaust: true))
        var ids: [Int] = []
        while let d = try await cursor.next() { ids.append(d["_id"]?.intValue ?? -1) }
        XCTAssertEqual(ids, Array(0..<30))
        XCTAssertEqual(log.named("getMore").count, 1, "one getMore asked for the whole stream")
        XCTAssertGreaterThanOrEqual(cursor.getMoreReplies, 7, "26 documents after the first batch of 4, in batches of 4")
        let pool = await t.client.pools()[0]
        let idle = await pool.idleCount
        let open = await pool.openCount
        XCTAssertEqual(idle, open, "the streaming connection went back to the pool")

        // Stopping in the middle: the connection still streaming is closed, the cursor killed,
        // and the client goes on.
        let early = try await c.find(options: FindOptions(batchSize: 2, exhaust: true))
        var n = 0
        while let _ = try await early.next() { n += 1; if n == 5 { break } }
        await early.close()
        let count = try await c.countDocuments()
        XCTAssertEqual(count, 30)
        let refused = await expectMongoError { _ = try await c.find(options: FindOptions(exhaust: true), session: t.client.startSession()) }
        XCTAssertEqual(refused?.code, .invalidArgument)
        await t.finish()
    }

    func testUpdatesReplaceUpsertAndArrayFilters() async throws {
        let t = try TestDatabase.make("update")
        let c = t.database.collection("u")
        try await c.insertMany([doc(#"{"_id": 1, "n": 1, "grades": [80, 95, 100]}"#), doc(#"{"_id": 2, "n": 1}"#), doc(#"{"_id": 3, "n": 2}"#)])
        var r = try await c.updateOne(filter: doc(#"{"n": 1}"#), update: doc(#"{"$inc": {"n": 10}}"#))
        XCTAssertEqual(r.matchedCount, 1); XCTAssertEqual(r.modifiedCount, 1); XCTAssertNil(r.upsertedId)
        r = try await c.updateMany(filter: doc(#"{"n": {"$lt": 5}}"#), update: doc(#"{"$set": {"small": true}}"#))
        XCTAssertEqual(r.matchedCount, 2); XCTAssertEqual(r.modifiedCount, 2)
        r = try await c.updateOne(filter: doc(#"{"_id": 9}"#), update: doc(#"{"$set": {"n": 9}}"#), options: UpdateOptions(upsert: true))
        XCTAssertEqual(r.matchedCount, 0); XCTAssertEqual(r.upsertedId, .int32(9))
        r = try await c.replaceOne(filter: doc(#"{"_id": 2}"#), replacement: doc(#"{"replaced": "yes"}"#))
        XCTAssertEqual(r.modifiedCount, 1)
        let replaced = try await c.findOne(doc(#"{"_id": 2}"#))
        XCTAssertEqual(replaced?.keys, ["_id", "replaced"])
        let bad = await expectMongoError { try await c.replaceOne(filter: doc("{}"), replacement: doc(#"{"$set": {"a": 1}}"#)) }
        XCTAssertEqual(bad?.code, .invalidArgument)
        r = try await c.updateOne(filter: doc(#"{"_id": 1}"#), update: doc(#"{"$set": {"grades.$[high]": 0}}"#),
                                  options: UpdateOptions(arrayFilters: [doc(#"{"high": {"$gte": 95}}"#)]))
        XCTAssertEqual(r.modifiedCount, 1)
        let graded = try await c.findOne(doc(#"{"_id": 1}"#))
        XCTAssertEqual(graded?["grades"]?.arrayValue?.values.compactMap(\.intValue), [80, 0, 0])
        r = try await c.updateOne(filter: doc(#"{"_id": 3}"#), pipeline: [doc(#"{"$set": {"double": {"$multiply": ["$n", 2]}}}"#)])
        XCTAssertEqual(r.modifiedCount, 1)
        let piped = try await c.findOne(doc(#"{"_id": 3}"#))
        XCTAssertEqual(piped?["double"]?.intValue, 4)
        await t.finish()
    }

    func testDeletes() async throws {
        let t = try TestDatabase.make("delete")
        let c = t.database.collection("d")
        try await c.insertMany((0..<10).map { i in doc(#"{"_id": \#(i), "odd": \#(i % 2 == 1)}"#) })
        var r = try await c.deleteOne(doc(#"{"odd": true}"#))
        XCTAssertEqual(r.deletedCount, 1)
        r = try await c.deleteMany(doc(#"{"odd": true}"#))
        XCTAssertEqual(r.deletedCount, 4)
        r = try await c.deleteMany(doc(#"{"nothing": 1}"#))
        XCTAssertEqual(r.deletedCount, 0)
        let left = try await c.countDocuments()
        XCTAssertEqual(left, 5)
        await t.finish()
    }

    func testFindOneAndUpdateAndDelete() async throws {
        let t = try TestDatabase.make("fam")
        let c = t.database.collection("jobs")
        try await c.insertMany([doc(#"{"_id": 1, "state": "ready", "p": 2}"#), doc(#"{"_id": 2, "state": "ready", "p": 5}"#)])
        let before = try await c.findOneAndUpdate(filter: doc(#"{"state": "ready"}"#), update: doc(#"{"$set": {"state": "running"}}"#),
                                                  options: FindOneAndModifyOptions(sort: doc(#"{"p": -1}"#)))
        XCTAssertEqual(before?["_id"]?.intValue, 2)
        XCTAssertEqual(before?["state"]?.stringValue, "ready")
        let after = try await c.findOneAndUpdate(filter: doc(#"{"_id": 1}"#), update: doc(#"{"$inc": {"p": 1}}"#),
                                                 options: FindOneAndModifyOptions(returnDocument: .after))
        XCTAssertEqual(after?["p"]?.intValue, 3)
        let upserted = try await c.findOneAndUpdate(filter: doc(#"{"_id": 7}"#), update: doc(#"{"$set": {"state": "new"}}"#),
                                                    options: FindOneAndModifyOptions(upsert: true, returnDocument: .after))
        XCTAssertEqual(upserted?["state"]?.stringValue, "new")
        let none = try await c.findOneAndUpdate(filter: doc(#"{"_id": 99}"#), update: doc(#"{"$set": {"x": 1}}"#))
        XCTAssertNil(none)
        let deleted = try await c.findOneAndDelete(doc(#"{"_id": 1}"#))
        XCTAssertEqual(deleted?["_id"]?.intValue, 1)
        let gone = try await c.findOne(doc(#"{"_id": 1}"#))
        XCTAssertNil(gone)
        await t.finish()
    }

    func testCountDistinctAggregate() async throws {
        let t = try TestDatabase.make("agg")
        let c = t.database.collection("sales")
        try await c.insertMany((0..<12).map { i in doc(#"{"_id": \#(i), "region": "r\#(i % 3)", "amount": \#(i * 10)}"#) })
        let n = try await c.countDocuments(doc(#"{"region": "r1"}"#))
        XCTAssertEqual(n, 4)
        let limited = try await c.countDocuments(skip: 2, limit: 5)
        XCTAssertEqual(limited, 5)
        let zero = try await c.countDocuments(doc(#"{"region": "none"}"#))
        XCTAssertEqual(zero, 0)
        let estimated = try await c.estimatedDocumentCount()
        XCTAssertEqual(estimated, 12)
        let regions = try await c.distinct("region").compactMap(\.stringValue).sorted()
        XCTAssertEqual(regions, ["r0", "r1", "r2"])
        let totals = try await c.aggregate([doc(#"{"$group": {"_id": "$region", "total": {"$sum": "$amount"}}}"#),
                                            doc(#"{"$sort": {"_id": 1}}"#)], batchSize: 1).toArray()
        XCTAssertEqual(totals.map { $0["total"]?.intValue }, [180, 220, 260])
        await t.finish()
    }

    func testIndexesUniqueTTLPartialCompound() async throws {
        let t = try TestDatabase.make("idx")
        let c = t.database.collection("i")
        let names = try await c.createIndexes([
            IndexModel(keys: doc(#"{"email": 1}"#), unique: true),
            IndexModel(keys: doc(#"{"createdAt": 1}"#), expireAfterSeconds: 3600),
            IndexModel(keys: doc(#"{"score": -1}"#), name: "score_partial", partialFilterExpression: doc(#"{"score": {"$gt": 10}}"#)),
            IndexModel(keys: doc(#"{"a": 1, "b": -1}"#)),
        ])
        XCTAssertEqual(names, ["email_1", "createdAt_1", "score_partial", "a_1_b_-1"])
        let listed = try await c.listIndexes()
        let byName = Dictionary(listed.compactMap { d in d["name"]?.stringValue.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(byName.keys), ["_id_", "email_1", "createdAt_1", "score_partial", "a_1_b_-1"])
        XCTAssertEqual(byName["email_1"]?["unique"]?.boolValue, true)
        XCTAssertEqual(byName["createdAt_1"]?["expireAfterSeconds"]?.intValue, 3600)
        XCTAssertNotNil(byName["score_partial"]?["partialFilterExpression"]?.documentValue)
        XCTAssertEqual(byName["a_1_b_-1"]?["key"]?.documentValue?.keys, ["a", "b"])
        try await c.insertOne(doc(#"{"email": "a@example.com"}"#))
        let dup = await expectMongoError { try await c.insertOne(doc(#"{"email": "a@example.com"}"#)) }
        XCTAssertTrue(dup?.isDuplicateKey ?? false, "\(String(describing: dup))")
        try await c.dropIndex("score_partial")
        let after = try await c.listIndexes().compactMap { $0["name"]?.stringValue }
        XCTAssertFalse(after.contains("score_partial"))
        await t.finish()
    }

    func testBulkWriteOrderedAndUnorderedWithPerItemErrors() async throws {
        let t = try TestDatabase.make("bulk")
        let c = t.database.collection("b")
        let log = CommandLog(t.client)
        let result = try await c.bulkWrite([
            .insertOne(doc(#"{"_id": 1, "v": 1}"#)),
            .insertOne(doc(#"{"_id": 2, "v": 2}"#)),
            .updateOne(filter: doc(#"{"_id": 1}"#), update: doc(#"{"$set": {"v": 10}}"#)),
            .updateMany(filter: doc("{}"), update: doc(#"{"$inc": {"w": 1}}"#)),
            .replaceOne(filter: doc(#"{"_id": 5}"#), replacement: doc(#"{"v": 5}"#), options: UpdateOptions(upsert: true)),
            .deleteOne(doc(#"{"_id": 2}"#)),
            .insertOne(doc(#"{"_id": 3}"#)),
        ])
        XCTAssertEqual(result.insertedCount, 3)
        XCTAssertEqual(result.matchedCount, 3)
        XCTAssertEqual(result.modifiedCount, 3)
        XCTAssertEqual(result.upsertedCount, 1)
        XCTAssertEqual(result.upsertedIds[4], .int32(5))
        XCTAssertEqual(result.deletedCount, 1)
        XCTAssertEqual(log.all.map(\.commandName), ["insert", "update", "delete", "insert"], "consecutive writes of a kind share a command")

        let ordered = await expectMongoError {
            try await c.bulkWrite([.insertOne(doc(#"{"_id": 10}"#)), .insertOne(doc(#"{"_id": 1}"#)),
                                   .deleteMany(doc("{}"))])
        }
        XCTAssertEqual(ordered?.writeErrors.map(\.index), [1])
        XCTAssertEqual(ordered?.partialResult?.insertedCount, 1)
        XCTAssertEqual(ordered?.partialResult?.deletedCount, 0, "ordered: the delete after the failure never ran")

        log.clear()
        let unordered = await expectMongoError {
            try await c.bulkWrite([.insertOne(doc(#"{"_id": 1}"#)), .deleteOne(doc(#"{"_id": 10}"#)),
                                   .insertOne(doc(#"{"_id": 11}"#)), .insertOne(doc(#"{"_id": 3}"#))], ordered: false)
        }
        XCTAssertEqual(unordered?.writeErrors.map(\.index).sorted(), [0, 3])
        XCTAssertEqual(unordered?.partialResult?.insertedCount, 1)
        XCTAssertEqual(unordered?.partialResult?.deletedCount, 1)
        XCTAssertEqual(unordered?.partialResult?.insertedIds.keys.sorted(), [2])
        XCTAssertEqual(log.all.map(\.commandName), ["insert", "delete"], "unordered: one command per kind")
        await t.finish()
    }

    func testRunCommandAndListCollections() async throws {
        let t = try TestDatabase.make("cmd")
        _ = try await t.database.createCollection("alpha")
        try await t.database.collection("beta").insertOne(doc(#"{"x": 1}"#))
        let names = try await t.database.listCollectionNames().sorted()
        XCTAssertEqual(names, ["alpha", "beta"])
        let stats = try await t.database.runCommand(doc(#"{"count": "beta"}"#))
        XCTAssertEqual(stats["n"]?.intValue, 1)
        let error = await expectMongoError { _ = try await t.database.runCommand(doc(#"{"find": "beta", "filter": {"$bogus": 1}}"#)) }
        XCTAssertEqual(error?.code, .commandFailed)
        XCTAssertNotNil(error?.serverCode)
        XCTAssertNotNil(error?.codeName)
        try await t.database.collection("alpha").drop()
        try await t.database.collection("never-made").drop()
        let left = try await t.database.listCollectionNames()
        XCTAssertEqual(left, ["beta"])
        await t.finish()
    }

    struct Person: Codable, Equatable {
        var _id: ObjectId
        var name: String
        var age: Int
        var tags: [String]
        var joined: Date
        var nickname: String?
    }

    func testCodableInsertAndFind() async throws {
        let t = try TestDatabase.make("codable")
        let c = t.database.collection("people")
        let joined = Date(timeIntervalSince1970: 1_700_000_000.123)
        let ada = Person(_id: ObjectId(), name: "Ada", age: 36, tags: ["math"], joined: joined, nickname: nil)
        let bob = Person(_id: ObjectId(), name: "Bob", age: 41, tags: [], joined: joined, nickname: "B")
        try await c.insertOne(ada)
        try await c.insertMany([bob])
        let found = try await c.find(doc("{}"), as: Person.self, options: FindOptions(sort: doc(#"{"age": 1}"#)))
        XCTAssertEqual(found, [ada, bob])
        let one = try await c.findOne(doc(#"{"name": "Bob"}"#), as: Person.self)
        XCTAssertEqual(one, bob)
        var decoded: [Person] = []
        for try await p in try await c.find().decode(Person.self) { decoded.append(p) }
        XCTAssertEqual(decoded.count, 2)
        await t.finish()
    }
}
