import PeerTestSupport
import BSON
import Foundation
import Synchronization
import Transport
import XCTest
@testable import MongoClient

/// Discovery, failover, TLS and reply checking against fake servers (SecantusDB is a standalone
/// without TLS, so these cannot be shown against it).
final class TopologyTests: XCTestCase {
    /// Seeded with a secondary only: its hello names the primary, and writes go there.
    func testPrimaryIsDiscoveredFromASecondarysHello() async throws {
        let hosts = Mutex<(a: String, b: String)>(("", ""))
        let secondary = try FakeMongoServer { body, _ in
            let h = hosts.withLock { $0 }
            if body.keys.first == "hello" {
                return FakeMongoServer.helloReply(primary: false, setName: "rs0", hosts: [h.a, h.b], primaryHost: h.b)
            }
            return doc(#"{"ok": 0, "code": 10107, "codeName": "NotWritablePrimary", "errmsg": "not primary"}"#)
        }
        let primary = try FakeMongoServer { body, _ in
            let h = hosts.withLock { $0 }
            if body.keys.first == "hello" {
                return FakeMongoServer.helloReply(primary: true, setName: "rs0", hosts: [h.a, h.b], primaryHost: h.b)
            }
            return FakeMongoServer.ok(["n": 1])
        }
        defer { secondary.close(); primary.close() }
        hosts.withLock { $0 = (secondary.address, primary.address) }
        let client = try MongoClient("mongodb://\(secondary.address)/?replicaSet=rs0&serverSelectionTimeoutMS=5000")
        try await client.database("d").collection("c").insertOne(doc(#"{"_id": 1}"#))
        XCTAssertEqual(primary.count("insert"), 1)
        XCTAssertEqual(secondary.count("insert"), 0)
        await client.close()
    }

    /// The primary steps down while we write: it answers NotWritablePrimary, we rediscover (the
    /// other member is primary now) and the write is retried there, once.
    func testNotWritablePrimaryIsRetriedOnTheNewPrimary() async throws {
        let state = Mutex<(a: String, b: String, primaryIsA: Bool)>(("", "", true))
        func member(_ isA: Bool) throws -> FakeMongoServer {
            try FakeMongoServer { body, _ in
                let s = state.withLock { $0 }
                let iAmPrimary = s.primaryIsA == isA
                switch body.keys.first {
                case "hello":
                    return FakeMongoServer.helloReply(primary: iAmPrimary, setName: "rs0", hosts: [s.a, s.b],
                                                      primaryHost: s.primaryIsA ? s.a : s.b)
                case "insert":
                    if iAmPrimary && isA {
                        // Step down during this write.
                        state.withLock { $0.primaryIsA = false }
                        return doc(#"{"ok": 0, "code": 10107, "codeName": "NotWritablePrimary", "errmsg": "stepped down"}"#)
                    }
                    return iAmPrimary ? FakeMongoServer.ok(["n": 1])
                        : doc(#"{"ok": 0, "code": 10107, "codeName": "NotWritablePrimary", "errmsg": "not primary"}"#)
                default:
                    return FakeMongoServer.ok()
                }
            }
        }
        let a = try member(true), b = try member(false)
        defer { a.close(); b.close() }
        state.withLock { $0.a = a.address; $0.b = b.address }
        let client = try MongoClient("mongodb://\(a.address),\(b.address)/?replicaSet=rs0&retryWrites=false&serverSelectionTimeoutMS=5000")
        let result = try await client.database("d").collection("c").insertOne(doc(#"{"_id": 1}"#))
        XCTAssertEqual(result.insertedId, .int32(1))
        XCTAssertEqual(a.count("insert"), 1, "tried on the old primary")
        XCTAssertEqual(b.count("insert"), 1, "retried once on the new primary")
        await client.close()
    }

    /// retryWrites: the connection dies after the server got the insert; the insert is sent again
    /// with the same lsid and txnNumber (so a real server applies it once). Without retryWrites it
    /// is not resent, and a multi-document update is never retried.
    func testRetryableWriteIsResentWithTheSameTxnNumber() async throws {
        let seen = Mutex<[BSONDocument]>([])
        let server = try FakeMongoServer { body, _ in
            switch body.keys.first {
            case "hello":
                var hello = BSONDocumentBuilder()
                hello.append(contentsOf: FakeMongoServer.helloReply(primary: true))
                hello.append("logicalSessionTimeoutMinutes", 30)
                return (try? hello.build()) ?? BSONDocument()
            case "insert", "update":
                let first = seen.withLock { list -> Bool in list.append(body); return list.count % 2 == 1 }
                return first ? doc(#"{"$closeConnection": 1}"#) : FakeMongoServer.ok(["n": 1, "nModified": 1])
            default:
                return FakeMongoServer.ok()
            }
        }
        defer { server.close() }
        let client = try MongoClient("mongodb://\(server.address)/?retryWrites=true&serverSelectionTimeoutMS=3000")
        let c = client.database("d").collection("c")
        try await c.insertOne(doc(#"{"_id": 1}"#))
        let attempts = seen.withLock { $0 }
        XCTAssertEqual(attempts.count, 2)
        XCTAssertNotNil(attempts[0]["txnNumber"])
        XCTAssertEqual(attempts[0]["txnNumber"], attempts[1]["txnNumber"])
        XCTAssertEqual(attempts[0]["lsid"], attempts[1]["lsid"])

        // The next write takes the next txnNumber on the same pooled session.
        seen.withLock { $0.removeAll() }
        try await c.updateOne(filter: doc(#"{"_id": 1}"#), update: doc(#"{"$set": {"a": 1}}"#))
        let second = seen.withLock { $0 }
        XCTAssertEqual(second.count, 2)
        XCTAssertEqual(second[0]["lsid"], attempts[0]["lsid"])
        XCTAssertEqual(second[0]["txnNumber"]?.int64Value, (attempts[0]["txnNumber"]?.int64Value ?? 0) + 1)

        // updateMany is not retryable: it fails with the network error and carries no txnNumber.
        seen.withLock { $0.removeAll() }
        let error = await expectMongoError { try await c.updateMany(filter: doc("{}"), update: doc(#"{"$set": {"b": 1}}"#)) }
        XCTAssertEqual(error?.code, .network)
        XCTAssertEqual(seen.withLock { $0.count }, 1)
        XCTAssertNil(seen.withLock { $0.first?["txnNumber"] })
        await client.close()

        let plain = try MongoClient("mongodb://\(server.address)/?retryWrites=false&serverSelectionTimeoutMS=3000")
        seen.withLock { $0.removeAll() }
        let notRetried = await expectMongoError { try await plain.database("d").collection("c").insertOne(doc(#"{"_id": 2}"#)) }
        XCTAssertEqual(notRetried?.code, .network)
        XCTAssertTrue(notRetried?.isRetriable ?? false)
        XCTAssertEqual(seen.withLock { $0.count }, 1, "retryWrites=false: sent once")
        XCTAssertNil(seen.withLock { $0.first?["txnNumber"] })
        await plain.close()
    }

    /// An exhaust stream chained as the spec says (each reply answers the previous reply).
    func testExhaustStreamWithChainedReplies() async throws {
        let server = try FakeMongoServer { body, _ in
            switch body.keys.first {
            case "hello": return FakeMongoServer.helloReply(primary: true)
            case "find": return doc(#"{"cursor": {"id": {"$numberLong": "7"}, "ns": "d.c", "firstBatch": [{"_id": 0}]}, "ok": 1}"#)
            case "getMore":
                return doc(#"""
                {"$exhaustStream": [
                  {"cursor": {"id": {"$numberLong": "7"}, "ns": "d.c", "nextBatch": [{"_id": 1}, {"_id": 2}]}, "ok": 1},
                  {"cursor": {"id": {"$numberLong": "7"}, "ns": "d.c", "nextBatch": [{"_id": 3}]}, "ok": 1},
                  {"cursor": {"id": {"$numberLong": "0"}, "ns": "d.c", "nextBatch": [{"_id": 4}]}, "ok": 1}]}
                """#)
            default: return FakeMongoServer.ok()
            }
        }
        defer { server.close() }
        let client = try MongoClient("mongodb://\(server.address)/?serverSelectionTimeoutMS=3000")
        let cursor = try await client.database("d").collection("c").find(options: FindOptions(batchSize: 2, exhaust: true))
        let ids = try await cursor.toArray().compactMap { $0["_id"]?.intValue }
        XCTAssertEqual(ids, [0, 1, 2, 3, 4])
        XCTAssertEqual(server.count("getMore"), 1)
        XCTAssertEqual(server.count("killCursors"), 0)
        // The connection is usable again after the stream.
        try await client.database("d").collection("c").insertOne(doc(#"{"_id": 9}"#))
        await client.close()
    }

    func testNoPrimaryFailsServerSelectionInTime() async throws {
        let lonely = try FakeMongoServer { body, _ in
            body.keys.first == "hello" ? FakeMongoServer.helloReply(primary: false, setName: "rs0") : FakeMongoServer.ok()
        }
        defer { lonely.close() }
        let client = try MongoClient("mongodb://\(lonely.address)/?replicaSet=rs0&serverSelectionTimeoutMS=300")
        let started = Deadline.now()
        let error = await expectMongoError { try await client.database("d").collection("c").insertOne(doc("{}")) }
        XCTAssertEqual(error?.code, .serverSelectionFailed)
        let seconds = Double(Deadline.now().nanoseconds - started.nanoseconds) / 1e9
        XCTAssertLessThan(seconds, 3)
        await client.close()
    }

    func testWrongReplicaSetNameIsNotUsed() async throws {
        let other = try FakeMongoServer { body, _ in
            body.keys.first == "hello" ? FakeMongoServer.helloReply(primary: true, setName: "other") : FakeMongoServer.ok(["n": 1])
        }
        defer { other.close() }
        let client = try MongoClient("mongodb://\(other.address)/?replicaSet=rs0&serverSelectionTimeoutMS=300")
        let error = await expectMongoError { try await client.database("d").collection("c").insertOne(doc("{}")) }
        XCTAssertEqual(error?.code, .serverSelectionFailed)
        XCTAssertTrue(error?.message.contains("not rs0") ?? false, "\(String(describing: error))")
        await client.close()
    }

    func testRepliesWithAValidChecksumAreAcceptedAndCorruptOnesRejected() async throws {
        let good = try FakeMongoServer(checksumReplies: true) { body, _ in
            body.keys.first == "hello" ? FakeMongoServer.helloReply(primary: true) : FakeMongoServer.ok(["pong": true])
        }
        defer { good.close() }
        let conn = try await MongoConnection.connect(to: ServerAddress(host: "127.0.0.1", port: good.port), options: ConnectionOptions())
        let reply = try await conn.command(doc(#"{"ping": 1, "$db": "admin"}"#))
        XCTAssertEqual(reply["pong"]?.boolValue, true)
        await conn.close()

        let bad = try FakeMongoServer(checksumReplies: true, corruptReplies: true) { _, _ in FakeMongoServer.helloReply(primary: true) }
        defer { bad.close() }
        do {
            _ = try await MongoConnection.connect(to: ServerAddress(host: "127.0.0.1", port: bad.port), options: ConnectionOptions())
            XCTFail("a corrupt reply was accepted")
        } catch {
            XCTAssertEqual(error.code, .protocolViolation)
            XCTAssertTrue(error.message.contains("checksum"), error.message)
        }
    }

    /// A server that takes the TCP connection but never answers `hello`: the handshake shares the
    /// connect timeout and fails in time.
    func testHandshakeThatNeverAnswersTimesOutAtTheConnectTimeout() async throws {
        let silent = try TCPListener(host: "127.0.0.1", port: 0)   // the kernel accepts; nobody reads
        defer { silent.close() }
        var options = ConnectionOptions()
        options.connectTimeout = .milliseconds(300)
        let started = Deadline.now()
        do {
            _ = try await MongoConnection.connect(to: ServerAddress(host: "127.0.0.1", port: silent.port), options: options)
            XCTFail("connected to a server that never answered")
        } catch {
            XCTAssertEqual(error.code, .timedOut, "\(error)")
        }
        let seconds = Double(Deadline.now().nanoseconds - started.nanoseconds) / 1e9
        XCTAssertGreaterThanOrEqual(seconds, 0.29)
        XCTAssertLessThan(seconds, 2)
    }

    func testHandshakeSendsClientMetadata() async throws {
        let seen = Mutex<BSONDocument?>(nil)
        let server = try FakeMongoServer { body, _ in
            if body.keys.first == "hello" { seen.withLock { $0 = body } }
            return FakeMongoServer.helloReply(primary: true)
        }
        defer { server.close() }
        let client = try MongoClient("mongodb://\(server.address)/?appName=tests")
        _ = try await client.serverLimits()
        let hello = try XCTUnwrap(seen.withLock { $0 })
        let metadata = hello["client"]?.documentValue
        XCTAssertEqual(metadata?["driver"]?.documentValue?["name"]?.stringValue, "switchyard")
        XCTAssertEqual(metadata?["application"]?.documentValue?["name"]?.stringValue, "tests")
        XCTAssertNotNil(metadata?["os"]?.documentValue?["type"]?.stringValue)
        XCTAssertNotNil(metadata?["platform"]?.stringValue)
        XCTAssertEqual(hello["$db"]?.stringValue, "admin")
        XCTAssertEqual(hello["helloOk"]?.boolValue, true)
        await client.close()
    }

    func testTLSWithTheRightCAAndRefusalWithAnother() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let context = try TLSContext(.server(certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey), server: true)
        let server = try FakeMongoServer(tls: context) { body, _ in
            body.keys.first == "hello" ? FakeMongoServer.helloReply(primary: true) : FakeMongoServer.ok(["n": 1])
        }
        defer { server.close() }
        let client = try MongoClient("mongodb://localhost:\(server.port)/?tls=true&tlsCAFile=\(pki.caCertificate)&serverSelectionTimeoutMS=3000")
        try await client.database("d").collection("c").insertOne(doc(#"{"_id": 1}"#))
        XCTAssertEqual(server.count("insert"), 1)
        await client.close()

        let untrusting = try MongoClient("mongodb://localhost:\(server.port)/?tls=true&tlsCAFile=\(pki.otherCACertificate)&serverSelectionTimeoutMS=500")
        let error = await expectMongoError { try await untrusting.database("d").collection("c").insertOne(doc("{}")) }
        XCTAssertNotNil(error)
        XCTAssertTrue("\(String(describing: error))".contains("tlsCertificateUntrusted"), "\(String(describing: error))")
        await untrusting.close()
    }
}
