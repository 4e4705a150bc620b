import PeerTestSupport
import RESP
import RedisClient
import Synchronization
import Transport
import XCTest

/// The shared connection against the real redis-server: many callers, cancellation, timeouts, pipelines,
/// reconnects.
final class ConnectionTests: XCTestCase {
    func testThousandConcurrentCallersGetTheirOwnReplies() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let prefix = uniqueKey("thousand")
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<1000 {
                group.addTask {
                    let key = "\(prefix):\(caller)"
                    let value = "value-\(caller)-" + String(repeating: "x", count: caller % 97)
                    _ = try await connection.send(SET(key, value, expiry: .seconds(60)))
                    let read = try await connection.send(GET(key))
                    let counter = try await connection.send(INCRBY("\(prefix):counter:\(caller)", by: caller))
                    return (read?.text == value ? 0 : 1) + (counter == caller ? 0 : 1)
                }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(mismatches, 0)
        let keys = (0..<1000).map { "\(prefix):\($0)" } + (0..<1000).map { "\(prefix):counter:\($0)" }
        await assertEqual(try await connection.send(DEL(keys)), 2000)
    }

    func testCancelledCallerLeavesOthersWorking() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let key = uniqueKey("cancel")
        // DEBUG SLEEP holds the server, and so every reply queued behind it, for 0.5 s.
        let sleeper = Task { try await connection.send(["DEBUG", "SLEEP", "0.5"]) }
        try await Task.sleep(for: .milliseconds(20))
        let othersDone = Shared(0)
        let others = (0..<50).map { i in
            Task { () throws -> Bool in
                _ = try await connection.send(SET("\(key):\(i)", "v\(i)"))
                let ok = try await connection.send(GET("\(key):\(i)"))?.text == "v\(i)"
                othersDone.withLock { $0 += 1 }
                return ok
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        do {
            _ = try await sleeper.value
            XCTFail("a cancelled caller must not get a reply")
        } catch let error as RedisError {
            XCTAssertEqual(error.code, .cancelled)
        }
        // Answered at once: before the sleep ended, so before any caller queued behind it got a reply.
        XCTAssertEqual(othersDone.withLock { $0 }, 0, "the cancelled caller waited for the server")
        for other in others { await assertTrue(try await other.value) }
        // The dropped "+OK" of DEBUG SLEEP did not shift replies: the next command gets its own.
        await assertEqual(try await connection.send(PING()), "PONG")
        await assertEqual(try await connection.send(GET("\(key):7"))?.text, "v7")
        await assertEqual(try await connection.send(DEL((0..<50).map { "\(key):\($0)" })), 50)
    }

    func testCancellationStormLeavesEveryOtherCallerWithItsOwnReply() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let prefix = uniqueKey("storm")
        var tasks: [(Int, Task<Bool, Error>)] = []
        for caller in 0..<600 {
            tasks.append((caller, Task {
                let key = "\(prefix):\(caller)"
                _ = try await connection.send(SET(key, "v\(caller)", expiry: .seconds(60)))
                for _ in 0..<5 {
                    guard try await connection.send(GET(key))?.text == "v\(caller)" else { return false }
                }
                return true
            }))
        }
        // Cancel every third caller at some point of its run (before, during or after its commands):
        // the cancellations are spread over the first ~15 ms.
        let canceller = Task {
            for (caller, task) in tasks where caller % 3 == 0 {
                try? await Task.sleep(for: .microseconds(75))
                task.cancel()
            }
        }
        await canceller.value
        var completed = 0, cancelled = 0, cancelledMidFlight = 0
        for (caller, task) in tasks {
            do {
                let ok = try await task.value
                XCTAssertTrue(ok, "caller \(caller) got someone else's reply")
                completed += 1
            } catch let error as RedisError {
                XCTAssertEqual(error.code, .cancelled, "caller \(caller)")
                XCTAssertEqual(caller % 3, 0, "only cancelled callers may fail")
                if error.message.contains("awaiting") { cancelledMidFlight += 1 }
                cancelled += 1
            }
        }
        print("cancellation storm: \(completed) callers completed, \(cancelled) cancelled (\(cancelledMidFlight) while awaiting a reply)")
        XCTAssertGreaterThanOrEqual(completed, 400)
        XCTAssertEqual(completed + cancelled, 600)
        await assertEqual(try await connection.send(PING()), "PONG")
        await assertEqual(try await connection.send(["ECHO", "in order"]), .bulk("in order"))
    }

    func testBoundedQueueMakesCallersWaitNotFail() async throws {
        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.maxPendingCommands = 4
        let connection = try await RedisConnection.connect(configuration)
        defer { connection.close() }
        let key = uniqueKey("bounded")
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { try await connection.send(INCR(key)) } }
            return try await group.reduce(0) { max($0, $1) }
        }
        XCTAssertEqual(total, 200, "every caller got a slot in turn")
        // A caller that cannot get a slot before its deadline is told so, and the connection goes on.
        let blocker = Task { try await connection.send(["DEBUG", "SLEEP", "0.3"]) }
        try await Task.sleep(for: .milliseconds(20))
        let fillers = (0..<3).map { _ in Task { try await connection.send(PING()) } }
        try await Task.sleep(for: .milliseconds(20))
        do {
            _ = try await connection.send(PING(), deadline: .after(.milliseconds(50)))
            XCTFail("all 4 slots are taken")
        } catch {
            XCTAssertEqual(error.code, .poolExhausted)
        }
        _ = try await blocker.value
        for filler in fillers { await assertEqual(try await filler.value, "PONG") }
        _ = try await connection.send(DEL(key))
    }

    func testTimedOutCommandKeepsConnection() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        do {
            _ = try await connection.send(["DEBUG", "SLEEP", "0.3"], deadline: .after(.milliseconds(50)))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error.code, .timedOut)
            XCTAssertTrue(error.isRetriable)
        }
        XCTAssertFalse(connection.isClosed)
        await assertEqual(try await connection.send(["ECHO", "after"]), .bulk("after"))
    }

    func testExplicitPipelineSendsOneBatchAndKeepsErrorsPerCommand() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let key = uniqueKey("pipeline")
        let replies = try await connection.pipeline { p in
            p.append(SET(key, "10"))
            p.append(INCR(key))
            p.append(HGET(key, "field"))  // WRONGTYPE
            p.append(GET(key))
        }
        XCTAssertEqual(replies.values.count, 4)
        var handles = RedisPipeline()
        let set = handles.append(SET(key, "10"))
        let incr = handles.append(INCR(key))
        let wrong = handles.append(HGET(key, "field"))
        let get = handles.append(GET(key))
        let typed = try await connection.send(handles)
        XCTAssertTrue(try typed[set].wasSet)
        XCTAssertEqual(try typed[incr], 11)
        XCTAssertThrowsError(try typed[wrong]) { XCTAssertEqual(($0 as? RedisError)?.serverPrefix, "WRONGTYPE") }
        XCTAssertEqual(try typed[get]?.text, "11")
        // The variadic form keeps each response type.
        let (a, b) = try await connection.pipeline(INCR(key), GET(key))
        XCTAssertEqual(try a.get(), 12)
        XCTAssertEqual(try b.get()?.text, "12")
        _ = try await connection.send(DEL(key))
    }

    func testServerRestartFailsInFlightThenReconnects() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        await assertEqual(try await connection.send(PING()), "PONG")
        try PeerEnvironment.restartPeer("redis")
        // The first command after the restart may meet the dead socket; within a few tries it reconnects.
        var answered = false
        for _ in 0..<50 {
            if (try? await connection.send(PING())) == "PONG" { answered = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(answered, "no PONG after the restart")
        XCTAssertEqual(connection.protocolVersion, 3)
    }

    func testUnknownCommandIsTypedServerError() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        do {
            try await connection.send(["NOSUCHCOMMAND", "x"])
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.code, .server)
            XCTAssertEqual(error.serverPrefix, "ERR")
            XCTAssertTrue(error.message.contains("unknown command"), error.message)
        }
    }

    func testRESP2FallbackAndSelect() async throws {
        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.preferRESP3 = false
        configuration.database = 5
        configuration.clientName = "switchyard-resp2"
        let connection = try await RedisConnection.connect(configuration)
        defer { connection.close() }
        XCTAssertEqual(connection.protocolVersion, 2)
        await assertEqual(try await connection.send(["CLIENT", "GETNAME"]), .bulk("switchyard-resp2"))
        let info = try await connection.send(["CLIENT", "INFO"])
        guard case .bulkString(let bytes?) = info else { return XCTFail("CLIENT INFO: \(info)") }
        XCTAssertTrue(bytes.text.contains(" db=5 "), bytes.text)
        XCTAssertTrue(bytes.text.contains(" resp=2"), bytes.text)
        // RESP2 sends a hash as a flat array; the typed command reads both shapes.
        let key = uniqueKey("resp2-hash")
        _ = try await connection.send(HSET(key, [("a", "1"), ("b", "2")]))
        await assertEqual(try await connection.send(HGETALL(key)).mapValues(\.text), ["a": "1", "b": "2"])
        _ = try await connection.send(DEL(key))
    }

    func testIdleTimeoutClosesSocketAndNextCommandReconnects() async throws {
        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        configuration.commandTimeout = .seconds(5)
        let connection = try await RedisConnection.connect(configuration)
        defer { connection.close() }
        let firstID = try await connection.send(["CLIENT", "ID"])
        try await Task.sleep(for: .milliseconds(700))
        XCTAssertEqual(connection.protocolVersion, 0, "socket closed while idle")
        let secondID = try await connection.send(["CLIENT", "ID"])
        XCTAssertNotEqual(firstID, secondID, "a new socket (a new server-side client)")
    }

    func testConnectTimeoutAndRefusal() async throws {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: 1)
        configuration.connectTimeout = .seconds(2)
        do {
            _ = try await RedisConnection.connect(configuration)
            XCTFail("nothing listens on port 1")
        } catch {
            XCTAssertEqual(error.code, .connectFailed)
        }
    }
}
