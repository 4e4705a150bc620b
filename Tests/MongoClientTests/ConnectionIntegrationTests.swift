import PeerTestSupport
import BSON
import Transport
import XCTest
@testable import MongoClient

/// One connection against SecantusDB: handshake, limits, deadlines, cancellation, authentication.
final class ConnectionIntegrationTests: XCTestCase {
    private func address(_ url: String) throws -> ServerAddress {
        try ConnectionString(url).hosts[0]
    }

    func testHandshakeRecordsLimitsAndPingWorks() async throws {
        let env = try PeerEnvironment.load()
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: ConnectionOptions())
        let server = await conn.server
        XCTAssertGreaterThan(server.maxBsonObjectSize, 0)
        XCTAssertGreaterThan(server.maxMessageSizeBytes, server.maxBsonObjectSize)
        XCTAssertGreaterThan(server.maxWriteBatchSize, 0)
        XCTAssertTrue(server.isWritablePrimary)
        print("mongo: maxBsonObjectSize=\(server.maxBsonObjectSize) maxMessageSizeBytes=\(server.maxMessageSizeBytes) maxWriteBatchSize=\(server.maxWriteBatchSize) maxWireVersion=\(server.maxWireVersion)")
        let reply = try await conn.command(try BSONDocument(["ping": 1, "$db": "admin"]))
        XCTAssertEqual(reply["ok"]?.doubleValue ?? Double(reply["ok"]?.intValue ?? 0), 1)
        // The server saw our client metadata.
        let current = try await conn.command(try BSONDocument(["whatsmyuri": 1, "$db": "admin"]))
        XCTAssertNotNil(current["you"]?.stringValue)
        await conn.close()
    }

    func testChecksummedRequestsAreAccepted() async throws {
        let env = try PeerEnvironment.load()
        var options = ConnectionOptions()
        options.sendChecksums = true
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: options)
        let reply = try await conn.command(try BSONDocument(["ping": 1, "$db": "admin"]))
        XCTAssertNil(MongoError.fromReply(reply))
        await conn.close()
    }

    func testServerErrorKeepsCodeAndName() async throws {
        let env = try PeerEnvironment.load()
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: ConnectionOptions())
        do {
            _ = try await conn.command(try BSONDocument(["noSuchCommandHere": 1, "$db": "admin"]))
            XCTFail("an unknown command succeeded")
        } catch let error as MongoError {
            XCTAssertEqual(error.code, .commandFailed)
            XCTAssertEqual(error.serverCode, 59)
            XCTAssertEqual(error.codeName, "CommandNotFound")
        }
        // The connection is still usable after a server error.
        _ = try await conn.command(try BSONDocument(["ping": 1, "$db": "admin"]))
        await conn.close()
    }

    /// A command SecantusDB needs about two seconds for (a $reduce over a 200 000-element $range).
    static func slowCommand() throws -> BSONDocument {
        try ExtendedJSON.document(from: #"""
        {"aggregate": 1, "pipeline": [{"$documents": [{"a": 1}]},
          {"$project": {"x": {"$reduce": {"input": {"$range": [0, 200000]}, "initialValue": 0,
                                           "in": {"$add": ["$$value", "$$this"]}}}}}],
         "cursor": {}, "$db": "admin"}
        """#)
    }

    /// A request that times out leaves the connection open; its late reply is dropped when it comes.
    func testTimedOutRequestDoesNotPoisonTheConnection() async throws {
        let env = try PeerEnvironment.load()
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: ConnectionOptions())
        let started = Deadline.now()
        do {
            _ = try await conn.command(try Self.slowCommand(), deadline: .after(.milliseconds(100)))
            XCTFail("the slow command finished within 100 ms; the test needs a slower one")
        } catch let error as MongoError {
            XCTAssertEqual(error.code, .timedOut)
        }
        XCTAssertLessThan(Deadline.now().nanoseconds - started.nanoseconds, 1_000_000_000,
                          "the deadline was not honoured (the command itself takes about 2 s)")
        let closed = await conn.isClosed
        XCTAssertFalse(closed)
        let reply = try await conn.command(try BSONDocument(["hello": 1, "$db": "admin"]))
        XCTAssertNotNil(reply["maxWireVersion"], "the next request got its own reply, not the abandoned one's")
        await conn.close()
    }

    func testCancelledRequestDoesNotPoisonTheConnection() async throws {
        let env = try PeerEnvironment.load()
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: ConnectionOptions())
        let slow = try Self.slowCommand()
        let task = Task { () async throws(MongoError) -> BSONDocument in try await conn.command(slow) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the cancelled command finished")
        } catch let error as MongoError {
            XCTAssertEqual(error.code, .cancelled)
        }
        let reply = try await conn.command(try BSONDocument(["buildInfo": 1, "$db": "admin"]))
        XCTAssertNotNil(reply["version"], "buildInfo answered with its own reply")
        await conn.close()
    }

    /// An unacknowledged write (moreToCome, w:0) gets no reply; the next request on the same
    /// connection gets its own reply and sees the write.
    func testMoreToComeWriteHasNoReply() async throws {
        let env = try PeerEnvironment.load()
        let conn = try await MongoConnection.connect(to: try address(env.require("SWITCHYARD_MONGO_URL")), options: ConnectionOptions())
        let db = "sy_w0_\(UInt32.random(in: 0...UInt32.max))"
        let insert = try ExtendedJSON.document(from: #"{"insert": "c", "writeConcern": {"w": 0}, "$db": "\#(db)"}"#)
        try await conn.send(withoutReply: OpMsg(body: insert, sequences: [
            DocumentSequence(identifier: "documents", documents: [try BSONDocument(["_id": 1]), try BSONDocument(["_id": 2])])]))
        let reply = try await conn.command(try BSONDocument(["count": "c", "$db": .string(db)]))
        XCTAssertEqual(reply["n"]?.intValue, 2)
        _ = try await conn.command(try BSONDocument(["dropDatabase": 1, "$db": .string(db)]))
        await conn.close()
    }

    func testConnectRefusedIsANetworkError() async throws {
        var options = ConnectionOptions()
        options.connectTimeout = .seconds(2)
        do {
            _ = try await MongoConnection.connect(to: ServerAddress(host: "127.0.0.1", port: 1), options: options)
            XCTFail("connected to port 1")
        } catch {
            XCTAssertEqual(error.code, .network)
            XCTAssertTrue(error.isRetriable)
        }
    }
}
