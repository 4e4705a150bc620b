import RESP
@testable import RedisClient
import Transport
import XCTest

/// The connection's state machine without sockets: coalescing, in-order matching, abandonment,
/// what survives a broken socket, timeouts, pub/sub confirmations.
final class ConnectionStateTests: XCTestCase {
    private final class NullStream: ByteStream, @unchecked Sendable {
        func read(into buffer: inout [UInt8], maxBytes: Int, deadline: Deadline?) async throws(TransportError) -> Int { 0 }
        func write(_ bytes: [UInt8], deadline: Deadline?) async throws(TransportError) {}
        func shutdownOutput() async {}
        func close() {}
        var remoteAddress: SocketAddress? { nil }
    }

    private let link = RedisConnection.Link(stream: NullStream(), protocolVersion: 3)

    private func makeState() -> RedisConnection.State {
        RedisConnection.State(phase: .connected(link), configuration: RedisConfiguration())
    }

    private func enqueue(_ state: inout RedisConnection.State, _ words: [String], deadline: Deadline? = nil,
                         shape: ReplyShape = .replies(1)) -> UInt64 {
        var effects = RedisConnection.Effects()
        let result = state.enqueue(shape: shape, deadline: deadline, holdsSlot: true, effects: &effects) { $0.append(RawCommand(words)) }
        guard case .success(let id) = result else { XCTFail("enqueue failed"); return 0 }
        return id
    }

    private func batch(_ state: inout RedisConnection.State) -> [UInt8]? {
        if case .write(let bytes) = state.takeBatch(for: link) { return bytes }
        return nil
    }

    func testCommandsQueuedTogetherLeaveInOneWriteAndRepliesMatchInOrder() {
        var state = makeState()
        let a = enqueue(&state, ["GET", "a"])
        let b = enqueue(&state, ["GET", "b"])
        XCTAssertEqual(batch(&state), RESPEncoder.encodeCommand(["GET", "a"]) + RESPEncoder.encodeCommand(["GET", "b"]))
        let c = enqueue(&state, ["GET", "c"])  // while the first write is in flight: the next batch
        XCTAssertEqual(batch(&state), RESPEncoder.encodeCommand(["GET", "c"]))
        guard case .idle = state.takeBatch(for: link) else { return XCTFail("nothing left to write") }

        var effects = RedisConnection.Effects()
        XCTAssertNil(state.dispatch([.bulk("A"), .bulk("B")], from: link, effects: &effects))
        XCTAssertNil(state.dispatch([.bulk("C")], from: link, effects: &effects))
        XCTAssertEqual(state.earlyResults[a], .success(.bulk("A")))
        XCTAssertEqual(state.earlyResults[b], .success(.bulk("B")))
        XCTAssertEqual(state.earlyResults[c], .success(.bulk("C")))
        XCTAssertEqual(effects.releasedSlots, 3)
        XCTAssertTrue(state.pending.isEmpty)
    }

    func testAbandonedCommandsReplyIsDroppedAndOthersStayMatched() {
        var state = makeState()
        let slow = enqueue(&state, ["DEBUG", "SLEEP", "1"])
        let next = enqueue(&state, ["PING"])
        _ = batch(&state)
        XCTAssertNil(state.abandon(slow, RedisError(.cancelled, "gave up")))  // not suspended yet: no continuation
        // The caller, suspending now, is answered with the error at once.
        var effects = RedisConnection.Effects()
        XCTAssertNil(state.dispatch([.simpleString("OK"), .simpleString("PONG")], from: link, effects: &effects))
        XCTAssertEqual(state.earlyResults[slow], .failure(RedisError(.cancelled, "gave up")))
        XCTAssertEqual(state.earlyResults[next], .success(.simpleString("PONG")))
    }

    func testBrokenSocketFailsWrittenCommandsAndKeepsUnwrittenOnes() {
        var state = makeState()
        let written = enqueue(&state, ["INCR", "x"])
        _ = batch(&state)
        let unwritten = enqueue(&state, ["INCR", "y"])
        var effects = RedisConnection.Effects()
        state.linkFailed(link, RedisError(.connectionLost, "reset"), effects: &effects)
        XCTAssertEqual(state.earlyResults[written], .failure(RedisError(.connectionLost, "reset")))
        XCTAssertNil(state.earlyResults[unwritten])
        XCTAssertEqual(state.pending.count, 1)
        XCTAssertEqual(state.outgoing, RESPEncoder.encodeCommand(["INCR", "y"]), "the unwritten command goes out on the next socket")
        XCTAssertTrue(effects.startReconnect)
        guard case .connecting = state.phase else { return XCTFail("reconnecting") }

        // On the next socket it is written and answered.
        let next = RedisConnection.Link(stream: NullStream(), protocolVersion: 3)
        var installEffects = RedisConnection.Effects()
        XCTAssertTrue(state.install(next, effects: &installEffects))
        guard case .write(let bytes) = state.takeBatch(for: next) else { return XCTFail("queued bytes") }
        XCTAssertEqual(bytes, RESPEncoder.encodeCommand(["INCR", "y"]))
        XCTAssertNil(state.dispatch([.integer(1)], from: next, effects: &installEffects))
        XCTAssertEqual(state.earlyResults[unwritten], .success(.integer(1)))
        // The old socket's tasks are told to stop.
        guard case .stop = state.takeBatch(for: link) else { return XCTFail("stale writer must stop") }
    }

    func testOverdueCommandTimesOutAndItsReplyIsStillConsumed() {
        var state = makeState()
        let overdue = enqueue(&state, ["BLPOP", "q", "0"], deadline: .now() + .milliseconds(-1))
        let later = enqueue(&state, ["PING"], deadline: .after(.seconds(60)))
        var effects = RedisConnection.Effects()
        let target = state.sweep(now: .now(), updateTarget: true, effects: &effects)
        XCTAssertNotNil(target)
        XCTAssertEqual(state.pending.count, 2, "the slot stays until its reply comes")
        XCTAssertNil(state.dispatch([.array(nil), .simpleString("PONG")], from: link, effects: &effects))
        guard case .failure(let error)? = state.earlyResults[overdue] else { return XCTFail("overdue command answered") }
        XCTAssertEqual(error.code, .timedOut)
        XCTAssertEqual(state.earlyResults[later], .success(.simpleString("PONG")))
    }

    func testSubscribeIsAnsweredByOneConfirmationPerChannelAndMessagesGoToSubscribers() async {
        var state = makeState()
        let (stream, continuation) = AsyncStream<RedisPubSubMessage>.makeStream()
        XCTAssertEqual(state.subscriptions.add(1, ["a", "b"], pattern: false, continuation), ["a", "b"])
        let subscribe = enqueue(&state, ["SUBSCRIBE", "a", "b"], shape: .confirmations(kind: "subscribe", count: 2))
        let ping = enqueue(&state, ["PING"])
        var effects = RedisConnection.Effects()
        let confirmation: (String) -> RESPValue = { .push([.bulk("subscribe"), .bulk($0), .integer(1)]) }
        XCTAssertNil(state.dispatch([confirmation("a"), .push([.bulk("message"), .bulk("a"), .bulk("early")])], from: link, effects: &effects))
        XCTAssertNil(state.earlyResults[subscribe], "one confirmation of two")
        XCTAssertNil(state.dispatch([confirmation("b"), .simpleString("PONG")], from: link, effects: &effects))
        XCTAssertNotNil(state.earlyResults[subscribe])
        XCTAssertEqual(state.earlyResults[ping], .success(.simpleString("PONG")))
        XCTAssertEqual(effects.deliveries.count, 1)
        for (target, message) in effects.deliveries { target.yield(message) }
        continuation.finish()
        var received: [String] = []
        for await message in stream { received.append(message.text) }
        XCTAssertEqual(received, ["early"])
    }

    func testReplyWithNobodyWaitingIsAProtocolViolation() {
        var state = makeState()
        var effects = RedisConnection.Effects()
        XCTAssertEqual(state.dispatch([.simpleString("OK")], from: link, effects: &effects)?.code, .protocolViolation)
    }

    func testPipelineCollectsItsRepliesIntoOneAnswer() {
        var state = makeState()
        var effects = RedisConnection.Effects()
        let result = state.enqueue(shape: .replies(3), deadline: nil, holdsSlot: true, effects: &effects) {
            $0.append(RawCommand("INCR", "a")); $0.append(RawCommand("INCR", "b")); $0.append(RawCommand("GET", "c"))
        }
        guard case .success(let id) = result else { return XCTFail() }
        XCTAssertNil(state.dispatch([.integer(1), .integer(2)], from: link, effects: &effects))
        XCTAssertNil(state.earlyResults[id])
        XCTAssertNil(state.dispatch([.bulkString(nil)], from: link, effects: &effects))
        XCTAssertEqual(state.earlyResults[id], .success(.array([.integer(1), .integer(2), .bulkString(nil)])))
        XCTAssertEqual(effects.releasedSlots, 1)
    }

    func testClosedConnectionRefusesCommands() {
        var state = makeState()
        let queued = enqueue(&state, ["PING"])
        var effects = RedisConnection.Effects()
        _ = state.close(RedisError(.closed, "bye"), effects: &effects)
        XCTAssertEqual(state.earlyResults[queued], .failure(RedisError(.closed, "bye")))
        let refused = state.enqueue(shape: .replies(1), deadline: nil, holdsSlot: true, effects: &effects) { $0.append(PING()) }
        XCTAssertEqual(refused, .failure(RedisError(.closed, "bye")))
    }
}
