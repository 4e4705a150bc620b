import PeerTestSupport
import BSON
import Synchronization
import Transport
import XCTest
@testable import MongoClient

/// The pool against SecantusDB: its size limit, wait-queue timeout, idle eviction, and a server restart.
final class PoolIntegrationTests: XCTestCase {
    private func url(_ env: PeerEnvironment, _ options: String) throws -> String {
        try env.require("SWITCHYARD_MONGO_URL") + "&" + options
    }

    func testPoolNeverOpensMoreThanMaxPoolSize() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("poolsize", url: try url(env, "maxPoolSize=2"))
        let c = t.database.collection("p")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<12 {
                group.addTask { try await c.insertOne(doc(#"{"_id": \#(i)}"#)) }
            }
            try await group.waitForAll()
        }
        let count = try await c.countDocuments()
        XCTAssertEqual(count, 12)
        let pools = await t.client.pools()
        XCTAssertEqual(pools.count, 1)
        let open = await pools[0].openCount
        XCTAssertLessThanOrEqual(open, 2)
        XCTAssertGreaterThanOrEqual(open, 1)
        await t.finish()
    }

    func testWaitQueueTimeoutIsATypedError() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("waitqueue", url: try url(env, "maxPoolSize=1&waitQueueTimeoutMS=150"))
        let c = t.database.collection("w")
        try await c.insertOne(doc(#"{"_id": 1}"#))
        let pool = await t.client.pools()[0]
        let held = try await pool.checkOut(deadline: nil)
        let started = Deadline.now()
        let error = await expectMongoError { _ = try await c.findOne() }
        XCTAssertEqual(error?.code, .waitQueueTimeout)
        let waited = Double(Deadline.now().nanoseconds - started.nanoseconds) / 1e9
        XCTAssertGreaterThanOrEqual(waited, 0.14)
        XCTAssertLessThan(waited, 2, "the wait-queue timeout is not retried until serverSelectionTimeoutMS")
        await pool.checkIn(held)
        let found = try await c.findOne()
        XCTAssertNotNil(found, "the connection given back serves the next operation")
        await t.finish()
    }

    /// socketTimeoutMS is the default deadline of a request; the timed-out request's connection goes
    /// back to the pool and serves the next operation once the late reply is dropped.
    func testSocketTimeoutIsTheDefaultRequestDeadline() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("sockettimeout", url: try url(env, "socketTimeoutMS=200&maxPoolSize=1"))
        let error = await expectMongoError { _ = try await t.client.database("admin").runCommand(try ConnectionIntegrationTests.slowCommand()) }
        XCTAssertEqual(error?.code, .timedOut)
        let pool = await t.client.pools()[0]
        let open = await pool.openCount
        XCTAssertEqual(open, 1, "the connection was kept")
        // maxPoolSize=1: this runs on the same connection, after the abandoned reply is dropped; the
        // slow command takes ~2 s, so give this one its own, longer deadline.
        let reply = try await t.database.runCommand(try BSONDocument(["ping": 1]), deadline: .after(.seconds(60)))
        XCTAssertNotNil(reply["ok"])
        await t.finish()
    }

    func testIdleConnectionsAreEvicted() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("idle", url: try url(env, "maxIdleTimeMS=100"))
        try await t.database.collection("i").insertOne(doc(#"{"_id": 1}"#))
        let pool = await t.client.pools()[0]
        let idleBefore = await pool.idleCount
        XCTAssertEqual(idleBefore, 1)
        try await Task.sleep(for: .milliseconds(200))
        await pool.evictIdle()
        let idleAfter = await pool.idleCount
        let open = await pool.openCount
        XCTAssertEqual(idleAfter, 0)
        XCTAssertEqual(open, 0)
        let n = try await t.database.collection("i").countDocuments()
        XCTAssertEqual(n, 1, "a new connection is made after eviction")
        await t.finish()
    }

    /// `tools/peers restart mongo` (same port, same storage): pooled connections die with the old
    /// process; the pool notices and reconnects, and no operation fails.
    func testPoolSurvivesAServerRestart() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("restart", url: try url(env, "maxPoolSize=4&serverSelectionTimeoutMS=30000"))
        let c = t.database.collection("r")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<4 { group.addTask { try await c.insertOne(doc(#"{"_id": \#(i)}"#)) } }
            try await group.waitForAll()
        }
        let pool = await t.client.pools()[0]
        let idleBefore = await pool.idleCount
        XCTAssertGreaterThanOrEqual(idleBefore, 1)

        try env.peersTool(["restart", "mongo"])

        // Every pooled connection is now dead; each operation must still succeed.
        for i in 4..<10 { try await c.insertOne(doc(#"{"_id": \#(i)}"#)) }
        let count = try await c.countDocuments()
        XCTAssertEqual(count, 10, "storage survives the restart and every write after it landed")
        await t.finish()
    }

    /// While the server goes down and comes back, reads keep working: a read that meets the dying
    /// connection is retried once (retryReads), and server selection waits with backoff for the
    /// server to answer again. (A write in flight at that moment may fail with a retriable
    /// `network` error: with retryWrites=false semantics it is not resent, since the server may
    /// have applied it.)
    func testReadsContinueAcrossARestart() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("comeback", url: try url(env, "serverSelectionTimeoutMS=60000"))
        let c = t.database.collection("r")
        try await c.insertMany([doc(#"{"_id": 1}"#), doc(#"{"_id": 2}"#)])
        let done = Mutex(false)
        let restart = Task.detached {
            defer { done.withLock { $0 = true } }
            try env.peersTool(["restart", "mongo"])
        }
        var reads = 0
        let deadline = Deadline.after(.seconds(60))
        repeat {
            let n = try await c.countDocuments()
            XCTAssertEqual(n, 2)
            reads += 1
            try await Task.sleep(for: .milliseconds(50))
        } while !done.withLock({ $0 }) && !deadline.hasPassed
        try await restart.value
        let after = try await c.countDocuments()
        XCTAssertEqual(after, 2)
        print("mongo: \(reads) reads ran across the restart, none failed")
        await t.finish()
    }

    /// With retryWrites=true (SecantusDB supports txnNumber outside transactions), writes keep
    /// working across a restart too: a write that meets a dead connection is resent once with the
    /// same lsid and txnNumber after the server is back.
    func testRetryableWritesContinueAcrossARestart() async throws {
        let env = try PeerEnvironment.load()
        let t = try TestDatabase.make("retrywrites", url: try url(env, "retryWrites=true&serverSelectionTimeoutMS=60000"))
        let c = t.database.collection("w")
        let log = CommandLog(t.client)
        try await c.insertOne(doc(#"{"_id": 0}"#))
        XCTAssertNotNil(log.named("insert").first?.command["txnNumber"], "retryable writes carry a txnNumber")
        let done = Mutex(false)
        let restart = Task.detached {
            defer { done.withLock { $0 = true } }
            try env.peersTool(["restart", "mongo"])
        }
        var writes = 1
        let deadline = Deadline.after(.seconds(60))
        repeat {
            try await c.insertOne(doc(#"{"_id": \#(writes)}"#))
            writes += 1
            try await Task.sleep(for: .milliseconds(50))
        } while !done.withLock({ $0 }) && !deadline.hasPassed
        try await restart.value
        let count = try await c.countDocuments()
        XCTAssertEqual(count, writes, "every write landed exactly once")
        print("mongo: \(writes) retryable writes ran across the restart, none failed")
        await t.finish()
    }
}
