import PeerTestSupport
import RESP
import RedisClient
import XCTest

final class PubSubTests: XCTestCase {
    /// Receives up to `count` messages, or fewer if `timeout` passes first.
    private func receive(_ subscription: RedisSubscription, count: Int, within timeout: Duration) async -> [RedisPubSubMessage] {
        await withTaskGroup(of: [RedisPubSubMessage].self) { group in
            group.addTask {
                var got: [RedisPubSubMessage] = []
                for await message in subscription {
                    got.append(message)
                    if got.count == count { break }
                }
                return got
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return []
            }
            var result: [RedisPubSubMessage] = []
            if let first = await group.next() { result = first }
            group.cancelAll()
            return result
        }
    }

    func testRESP3PushFramesShareTheConnectionWithCommands() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let channel = uniqueKey("channel")
        let subscription = try await connection.subscribe(to: [channel])
        // Publishing and ordinary commands on the same connection while subscribed (RESP3 allows it).
        let key = uniqueKey("shared")
        for i in 0..<5 {
            await assertEqual(try await connection.publish("m\(i)", to: channel), 1)
            await assertEqual(try await connection.send(INCR(key)), i + 1)
        }
        let messages = await receive(subscription, count: 5, within: .seconds(5))
        XCTAssertEqual(messages.map(\.text), ["m0", "m1", "m2", "m3", "m4"])
        XCTAssertEqual(Set(messages.map(\.channel)), [channel])
        _ = try await connection.send(DEL(key))
    }

    func testPatternSubscription() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let base = uniqueKey("pattern")
        let subscription = try await connection.subscribe(toPatterns: ["\(base):*"])
        try await connection.publish("hello", to: "\(base):a")
        try await connection.publish("world", to: "\(base):b")
        let messages = await receive(subscription, count: 2, within: .seconds(5))
        XCTAssertEqual(messages.map(\.text), ["hello", "world"])
        XCTAssertEqual(messages.map(\.channel), ["\(base):a", "\(base):b"])
        XCTAssertEqual(messages.first?.pattern, "\(base):*")
    }

    func testEndingIterationUnsubscribes() async throws {
        let connection = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { connection.close() }
        let observer = try await RedisConnection.connect(PeerEnvironment.redisConfiguration())
        defer { observer.close() }
        let channel = uniqueKey("ending")
        do {
            let subscription = try await connection.subscribe(to: [channel])
            try await connection.publish("only", to: channel)
            let got = await receive(subscription, count: 1, within: .seconds(5))
            XCTAssertEqual(got.map(\.text), ["only"])
        }
        // The stream ended when its iterator and the sequence went away: UNSUBSCRIBE follows.
        var subscribers = -1
        for _ in 0..<50 {
            let reply = try await observer.send(["PUBSUB", "NUMSUB", channel])
            subscribers = try RedisReply.integer(RedisReply.array(reply)[1])
            if subscribers == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertEqual(subscribers, 0)
    }

    func testSubscriberKeepsReceivingAfterServerRestart() async throws {
        let configuration = try PeerEnvironment.redisConfiguration()
        let subscriber = try await RedisConnection.connect(configuration)
        defer { subscriber.close() }
        let publisher = try await RedisConnection.connect(configuration)
        defer { publisher.close() }
        let channel = uniqueKey("restart")
        let subscription = try await subscriber.subscribe(to: [channel])
        var iterator = subscription.makeAsyncIterator()
        await assertEqual(try await publisher.publish("before", to: channel), 1)
        let before = await iterator.next()
        XCTAssertEqual(before?.text, "before")

        try PeerEnvironment.restartPeer("redis")

        // Publish until the resubscribed subscriber is back (PUBLISH answers how many received it).
        var delivered = 0
        let restartedAt = ContinuousClock.now
        for attempt in 0..<100 {
            delivered = (try? await publisher.publish("after-\(attempt)", to: channel)) ?? 0
            if delivered == 1 {
                print("subscriber back \(ContinuousClock.now - restartedAt) after the restart (attempt \(attempt))")
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(delivered, 1, "the subscriber did not resubscribe after the restart")
        let after = await iterator.next()
        XCTAssertEqual(after?.text.hasPrefix("after-"), true, "got \(String(describing: after?.text))")
    }

    func testRESP2ClientUsesADedicatedSubscriberConnection() async throws {
        var configuration = try PeerEnvironment.redisConfiguration()
        configuration.preferRESP3 = false
        let client = try await RedisClient.connect(configuration, poolSize: 2)
        defer { client.close() }
        XCTAssertEqual(client.shared.protocolVersion, 2)
        let channel = uniqueKey("resp2")
        let subscription = try await client.subscribe(to: [channel])
        await assertEqual(try await client.send(PING()), "PONG")  // the shared connection is not in subscribed mode
        await assertEqual(try await client.shared.publish("via resp2", to: channel), 1)
        let messages = await receive(subscription, count: 1, within: .seconds(5))
        XCTAssertEqual(messages.map(\.text), ["via resp2"])
    }
}
