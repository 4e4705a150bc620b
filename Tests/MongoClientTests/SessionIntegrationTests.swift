import BSON
import Synchronization
import XCTest
@testable import MongoClient

/// Sessions and transactions against SecantusDB.
final class SessionIntegrationTests: XCTestCase {
    func testCommandsInASessionCarryItsLsid() async throws {
        let t = try TestDatabase.make("lsid")
        let log = CommandLog(t.client)
        let session = t.client.startSession()
        let c = t.database.collection("s")
        try await c.insertOne(doc(#"{"_id": 1}"#), session: session)
        _ = try await c.find(session: session).toArray()
        let sent = log.all.filter { $0.commandName == "insert" || $0.commandName == "find" }
        XCTAssertEqual(sent.count, 2)
        for event in sent { XCTAssertEqual(event.command["lsid"]?.documentValue, session.lsid) }
        XCTAssertEqual(session.lsid["id"]?.binaryValue?.subtype, .uuid)
        await session.end()
        XCTAssertEqual(log.named("endSessions").count, 1)
        await t.finish()
    }

    func testCommittedTransactionIsVisibleAndAbortedOneIsNot() async throws {
        let t = try TestDatabase.make("txn")
        let c = t.database.collection("accounts")
        try await c.insertMany([doc(#"{"_id": "a", "balance": 100}"#), doc(#"{"_id": "b", "balance": 0}"#)])
        let log = CommandLog(t.client)
        let session = t.client.startSession()

        try session.startTransaction()
        try await c.updateOne(filter: doc(#"{"_id": "a"}"#), update: doc(#"{"$inc": {"balance": -30}}"#), session: session)
        try await c.updateOne(filter: doc(#"{"_id": "b"}"#), update: doc(#"{"$inc": {"balance": 30}}"#), session: session)
        try await session.commitTransaction()
        let updates = log.named("update")
        XCTAssertEqual(updates.count, 2)
        XCTAssertEqual(updates[0].command["startTransaction"]?.boolValue, true)
        XCTAssertNil(updates[1].command["startTransaction"])
        XCTAssertEqual(updates[0].command["txnNumber"], updates[1].command["txnNumber"])
        XCTAssertEqual(updates[1].command["autocommit"]?.boolValue, false)
        XCTAssertEqual(log.named("commitTransaction").count, 1)
        var a = try await c.findOne(doc(#"{"_id": "a"}"#))
        XCTAssertEqual(a?["balance"]?.intValue, 70)

        try session.startTransaction()
        try await c.updateOne(filter: doc(#"{"_id": "a"}"#), update: doc(#"{"$set": {"balance": 0}}"#), session: session)
        // Outside the transaction the change is not visible yet.
        a = try await c.findOne(doc(#"{"_id": "a"}"#))
        XCTAssertEqual(a?["balance"]?.intValue, 70, "uncommitted write visible outside its transaction")
        try await session.abortTransaction()
        a = try await c.findOne(doc(#"{"_id": "a"}"#))
        XCTAssertEqual(a?["balance"]?.intValue, 70)
        XCTAssertEqual(session.transactionState, .aborted)
        let numbers = log.named("update").compactMap { $0.command["txnNumber"]?.int64Value }
        XCTAssertEqual(numbers, [1, 1, 2], "each transaction takes the next txnNumber")
        await session.end()
        await t.finish()
    }

    func testWithTransactionRetriesTransientErrorsAndCommits() async throws {
        let t = try TestDatabase.make("withtxn")
        let c = t.database.collection("w")
        let session = t.client.startSession()
        let attempts = Counter()
        let value = try await session.withTransaction {
            let n = attempts.increment()
            try await c.insertOne(doc(#"{"_id": \#(n)}"#), session: session)
            if n == 1 {
                throw MongoError(.commandFailed, "simulated write conflict", serverCode: 112, codeName: "WriteConflict",
                                 errorLabels: ["TransientTransactionError"])
            }
            return n
        }
        XCTAssertEqual(value, 2)
        let ids = try await c.find().toArray().compactMap { $0["_id"]?.intValue }
        XCTAssertEqual(ids, [2], "the first attempt was aborted, the second committed")
        await session.end()
        await t.finish()
    }

    func testTransactionMisuseIsReported() async throws {
        let t = try TestDatabase.make("misuse")
        let session = t.client.startSession()
        let commit = await expectMongoError { try await session.commitTransaction() }
        XCTAssertEqual(commit?.code, .invalidArgument)
        try session.startTransaction()
        XCTAssertThrowsError(try session.startTransaction())
        try await session.abortTransaction()
        await session.end()
        await t.finish()
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
