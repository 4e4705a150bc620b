import PeerTestSupport
import RESP
import RedisClient
import Transport
import XCTest

/// Each command family against redis-server, through its typed response.
final class CommandTests: XCTestCase {
    private var connection: RedisConnection!
    private var keys: [String] = []

    override func setUp() async throws {
        connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
    }

    override func tearDown() async throws {
        if !keys.isEmpty { _ = try? await connection.send(DEL(keys)) }
        connection.close()
    }

    private func key(_ name: String) -> String {
        let key = uniqueKey(name)
        keys.append(key)
        return key
    }

    func testStringsAndCounters() async throws {
        let k = key("string")
        await assertEqual(try await connection.send(GET(k)), nil)
        await assertEqual(try await connection.send(SET(k, "one", condition: .ifExists)).wasSet, false)
        await assertEqual(try await connection.send(SET(k, "one", condition: .ifNotExists)).wasSet, true)
        await assertEqual(try await connection.send(SET(k, "two", condition: .ifNotExists)).wasSet, false)
        let swapped = try await connection.send(SET(k, "three", returnOld: true))
        XCTAssertEqual(swapped.previous?.text, "one")
        await assertEqual(try await connection.send(GET(k))?.text, "three")
        let binary: [UInt8] = [0, 255, 13, 10, 36]
        _ = try await connection.send(SET(k, binary, expiry: .milliseconds(60_000)))
        await assertEqual(try await connection.send(GET(k)), binary)
        let a = key("a"), b = key("b")
        try await connection.send(MSET([(a, "1"), (b, "2")]))
        await assertEqual(try await connection.send(MGET([a, b, key("missing")])).map { $0?.text }, ["1", "2", nil])
        await assertEqual(try await connection.send(INCR(a)), 2)
        await assertEqual(try await connection.send(INCRBY(a, by: 40)), 42)
        await assertEqual(try await connection.send(DECR(a)), 41)
        await assertEqual(try await connection.send(INCRBYFLOAT(b, by: 0.5)), 2.5)
        do {
            _ = try await connection.send(INCR(k))
            XCTFail("binary value is not an integer")
        } catch {
            XCTAssertEqual(error.serverPrefix, "ERR")
        }
    }

    func testExpiry() async throws {
        let k = key("expiry")
        await assertEqual(try await connection.send(TTL(k)), .missingKey)
        _ = try await connection.send(SET(k, "v"))
        await assertEqual(try await connection.send(TTL(k)), .noExpiry)
        await assertEqual(try await connection.send(EXPIRE(k, after: .seconds(100))), true)
        guard case .expires(let left) = try await connection.send(TTL(k)) else { return XCTFail("no TTL") }
        XCTAssertTrue(left > .seconds(90) && left <= .seconds(100))
        await assertEqual(try await connection.send(PERSIST(k)), true)
        await assertEqual(try await connection.send(TTL(k, milliseconds: true)), .noExpiry)
        _ = try await connection.send(EXPIRE(k, after: .milliseconds(50)))
        try await Task.sleep(for: .milliseconds(150))
        await assertEqual(try await connection.send(EXISTS(k)), 0)
    }

    func testHashes() async throws {
        let k = key("hash")
        await assertEqual(try await connection.send(HSET(k, [("a", "1"), ("b", "2")])), 2)
        await assertEqual(try await connection.send(HSET(k, field: "a", value: "10")), 0)
        await assertEqual(try await connection.send(HGET(k, "a"))?.text, "10")
        await assertEqual(try await connection.send(HMGET(k, ["a", "zz", "b"])).map { $0?.text }, ["10", nil, "2"])
        await assertEqual(try await connection.send(HINCRBY(k, "b", by: 5)), 7)
        await assertEqual(try await connection.send(HGETALL(k)).mapValues(\.text), ["a": "10", "b": "7"])
        await assertEqual(try await connection.send(HEXISTS(k, "a")), true)
        await assertEqual(try await connection.send(HDEL(k, ["a", "nope"])), 1)
        await assertEqual(try await connection.send(HLEN(k)), 1)
    }

    func testSets() async throws {
        let k = key("set")
        await assertEqual(try await connection.send(SADD(k, ["x", "y", "z", "x"])), 3)
        await assertEqual(try await connection.send(SISMEMBER(k, "y")), true)
        await assertEqual(try await connection.send(SISMEMBER(k, "w")), false)
        await assertEqual(Set(try await connection.send(SMEMBERS(k)).map(\.text)), ["x", "y", "z"])
        await assertEqual(try await connection.send(SREM(k, ["x"])), 1)
        await assertEqual(try await connection.send(SCARD(k)), 2)
        let popped = try await connection.send(SPOP(k))
        XCTAssertTrue(["y", "z"].contains(popped?.text ?? ""))
    }

    func testSortedSets() async throws {
        let k = key("zset")
        await assertEqual(try await connection.send(ZADD(k, [(score: 1, member: "a"), (score: 2.5, member: "b"), (score: -3, member: "c")])), 3)
        await assertEqual(try await connection.send(ZINCRBY(k, by: 10, "a")), 11)
        await assertEqual(try await connection.send(ZSCORE(k, "b")), 2.5)
        await assertEqual(try await connection.send(ZSCORE(k, "nope")), nil)
        let ranked = try await connection.send(ZRANGE(k, 0, -1))
        XCTAssertEqual(ranked.map(\.text), ["c", "b", "a"])
        XCTAssertEqual(ranked.map(\.score), [-3, 2.5, 11])
        await assertEqual(try await connection.send(ZRANGE(k, 0, 0, reverse: true)).map(\.text), ["a"])
        await assertEqual(try await connection.send(ZRANGEBYSCORE(k, min: "(-3", max: "+inf", limit: (0, 1))).map(\.text), ["b"])
        await assertEqual(try await connection.send(ZRANK(k, "a")), 2)
        await assertEqual(try await connection.send(ZADD(k, [(score: 0, member: "a")], condition: .ifGreater, countChanged: true)), 0)
        await assertEqual(try await connection.send(ZPOPMIN(k)).map(\.text), ["c"])
        await assertEqual(try await connection.send(ZREM(k, ["b"])), 1)
        await assertEqual(try await connection.send(ZCARD(k)), 1)
    }

    func testListsAndBlockingPop() async throws {
        let k = key("list")
        await assertEqual(try await connection.send(RPUSH(k, ["a", "b"])), 2)
        await assertEqual(try await connection.send(LPUSH(k, ["z"])), 3)
        await assertEqual(try await connection.send(LRANGE(k, 0, -1)).map(\.text), ["z", "a", "b"])
        await assertEqual(try await connection.send(LPOP(k))?.text, "z")
        await assertEqual(try await connection.send(RPOP(k))?.text, "b")
        try await connection.send(LTRIM(k, 0, 0))
        await assertEqual(try await connection.send(LLEN(k)), 1)

        // Blocking pops go through the pool: the shared connection keeps answering meanwhile.
        let client = try await RedisClient.connect(PeerEnvironment.redisConfiguration(), poolSize: 2)
        defer { client.close() }
        let empty = key("blocking")
        let waiter = Task { try await client.blocking(BLPOP([empty], timeout: .seconds(5))) }
        try await Task.sleep(for: .milliseconds(100))
        await assertEqual(try await client.send(PING()), "PONG")
        _ = try await client.send(RPUSH(empty, ["delivered"]))
        let popped = try await waiter.value
        XCTAssertEqual(popped?.key, empty)
        XCTAssertEqual(popped?.element.text, "delivered")
        // A blocking pop that times out answers nil.
        let timedOut = try await client.blocking(BRPOP([empty], timeout: .milliseconds(100)))
        XCTAssertNil(timedOut)
    }

    func testScanVisitsEveryMatchingKey() async throws {
        let prefix = uniqueKey("scan")
        let names = (0..<250).map { "\(prefix):\($0)" }
        keys += names
        try await connection.send(MSET(names.map { ($0, "v") }))
        var seen = Set<String>()
        for try await found in connection.scan(match: "\(prefix):*", count: 50) { seen.insert(found) }
        XCTAssertEqual(seen, Set(names))
    }

    func testTransactions() async throws {
        let k = key("tx")
        var handles: (PipelineHandle<SET<String>>, PipelineHandle<INCRBY>)?
        let replies = try await connection.transaction { tx in
            handles = (tx.append(SET(k, "5")), tx.append(INCRBY(k, by: 3)))
        }
        XCTAssertEqual(try replies[handles!.0].wasSet, true)
        XCTAssertEqual(try replies[handles!.1], 8)
        // A runtime error inside EXEC belongs to its command only.
        let mixed = try await connection.transaction { tx in
            tx.append(HGET(k, "f"))  // WRONGTYPE at EXEC time
            tx.append(INCR(k))
        }
        XCTAssertEqual(mixed.values.count, 2)
        XCTAssertEqual(mixed.values[0].serverErrorPrefix, "WRONGTYPE")
        XCTAssertEqual(mixed.values[1], .integer(9))
        // A command refused at queue time aborts the whole transaction.
        do {
            _ = try await connection.transaction { tx in
                tx.append(RawCommand("SET", k))  // wrong number of arguments
                tx.append(INCR(k))
            }
            XCTFail("EXECABORT expected")
        } catch {
            XCTAssertEqual(error.serverPrefix, "ERR")
        }
        await assertEqual(try await connection.send(GET(k))?.text, "9")
    }

    func testWatchAbortsWhenTheKeyChanges() async throws {
        let client = try await RedisClient.connect(PeerEnvironment.redisConfiguration(), poolSize: 2)
        defer { client.close() }
        let k = key("watch")
        _ = try await client.send(SET(k, "1"))
        do {
            _ = try await client.watching([k]) { (exclusive) async throws(RedisError) -> RedisPipeline in
                let current = Int(try await exclusive.send(GET(k))?.text ?? "0") ?? 0
                _ = try await client.send(SET(k, "changed"))  // another client writes in between
                var tx = RedisPipeline()
                tx.append(SET(k, String(current + 1)))
                return tx
            }
            XCTFail("a watched key changed: EXEC must not run")
        } catch {
            XCTAssertEqual(error.code, .transactionAborted)
        }
        await assertEqual(try await client.send(GET(k))?.text, "changed")
        // Without interference it commits.
        let committed = try await client.watching([k]) { (_) async throws(RedisError) -> RedisPipeline in
            var tx = RedisPipeline()
            tx.append(SET(k, "final"))
            return tx
        }
        XCTAssertEqual(committed.values, [.simpleString("OK")])
    }

    func testScriptFallsBackToEvalOnNOSCRIPT() async throws {
        let k = key("script")
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1]) .. '|' .. ARGV[2]")
        try await connection.send(["SCRIPT", "FLUSH"])
        await assertEqual(try await connection.send(["SCRIPT", "EXISTS", script.sha1]), .array([.integer(0)]))
        await assertEqual(try await connection.run(script, keys: [k], arguments: ["5", "first"]), .bulk("5|first"))
        // EVAL cached it under the digest we computed.
        await assertEqual(try await connection.send(["SCRIPT", "EXISTS", script.sha1]), .array([.integer(1)]))
        await assertEqual(try await connection.run(script, keys: [k], arguments: ["2", "second"]), .bulk("7|second"))
        do {
            _ = try await connection.run(RedisScript("return redis.call('NOSUCH')"))
            XCTFail("script error expected")
        } catch {
            XCTAssertEqual(error.code, .server)
        }
    }

    func testStreamsWithConsumerGroup() async throws {
        let stream = key("stream")
        try await connection.send(XGROUP_CREATE(stream, group: "workers", startID: "$", makeStream: true))
        do {
            try await connection.send(XGROUP_CREATE(stream, group: "workers"))
            XCTFail("group exists")
        } catch {
            XCTAssertEqual(error.serverPrefix, "BUSYGROUP")
        }
        let first = try await connection.send(XADD(stream, fields: [("task", "a"), ("n", "1")]))
        let second = try await connection.send(XADD(stream, fields: [("task", "b")], approximateMaxLength: 1000))
        await assertEqual(try await connection.send(XLEN(stream)), 2)

        let read = try await connection.send(XREADGROUP(group: "workers", consumer: "c1", streams: [(key: stream, id: ">")], count: 10))
        XCTAssertEqual(read.count, 1)
        XCTAssertEqual(read.first?.key, stream)
        XCTAssertEqual(read.first?.entries.map(\.id), [first, second])
        XCTAssertEqual(read.first?.entries.first?["task"]?.text, "a")
        XCTAssertEqual(read.first?.entries.first?["n"]?.text, "1")
        await assertEqual(try await connection.send(XACK(stream, group: "workers", ids: [first])), 1)

        // The unacknowledged entry can be claimed by another consumer once idle.
        try await Task.sleep(for: .milliseconds(30))
        let claimed = try await connection.send(XAUTOCLAIM(stream, group: "workers", consumer: "c2", minIdle: .milliseconds(10)))
        XCTAssertEqual(claimed.claimed.map(\.id), [second])
        XCTAssertEqual(claimed.nextStart, "0-0")

        // Nothing new: a blocking read on the pool times out empty.
        let client = try await RedisClient.connect(PeerEnvironment.redisConfiguration(), poolSize: 1)
        defer { client.close() }
        let nothing = try await client.blocking(XREADGROUP(group: "workers", consumer: "c1", streams: [(key: stream, id: ">")],
                                                          block: .milliseconds(100)))
        XCTAssertTrue(nothing.isEmpty)
    }

    func testPoolLimitsAndWaitTimeout() async throws {
        let pool = RedisPool(try PeerEnvironment.redisConfiguration(), maxConnections: 1, waitTimeout: .milliseconds(100))
        defer { pool.close() }
        let holder = Task {
            try await pool.withConnection { (c) async throws(RedisError) -> String in
                try await c.send(["DEBUG", "SLEEP", "0.4"])
                return "held"
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        do {
            _ = try await pool.withConnection { (c) async throws(RedisError) -> String in try await c.send(PING()) }
            XCTFail("the only connection is leased")
        } catch {
            XCTAssertEqual(error.code, .poolExhausted)
        }
        await assertEqual(try await holder.value, "held")
        // Given back and reused.
        await assertEqual(try await pool.withConnection { (c) async throws(RedisError) -> String in try await c.send(PING()) }, "PONG")
    }

    func testRawSendForAnythingElse() async throws {
        let k = key("raw")
        await assertEqual(try await connection.send([Array("SET".utf8), Array(k.utf8), [0, 1, 2]]), .simpleString("OK"))
        await assertEqual(try await connection.send(["STRLEN", k]), .integer(3))
        await assertEqual(try await connection.send(["OBJECT", "ENCODING", k]), .bulk("embstr"))
    }
}

extension RESPValue {
    var serverErrorPrefix: String? {
        if case .simpleError(let text) = self { return String(text.prefix { $0 != " " }) }
        return nil
    }
}
