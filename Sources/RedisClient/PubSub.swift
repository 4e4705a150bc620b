import RESP
import Transport

/// One published message: its channel, the pattern that matched it (PSUBSCRIBE), and its payload.
public struct RedisPubSubMessage: Sendable, Equatable {
    public let channel: String
    public let pattern: String?
    public let payload: [UInt8]
    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// Messages of the channels (or patterns) one `subscribe`/`psubscribe` call asked for, as they arrive.
///
/// The subscription survives reconnects (the connection subscribes again after every new socket; messages
/// published while no socket was up are lost, as with any Redis pub/sub). Ending the iteration, or
/// dropping the sequence, unsubscribes (once no other subscription on the connection needs the channel).
public struct RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = RedisPubSubMessage
    let stream: AsyncStream<RedisPubSubMessage>
    public func makeAsyncIterator() -> AsyncStream<RedisPubSubMessage>.Iterator { stream.makeAsyncIterator() }
}

/// Which subscriber streams want which channels and patterns, so one connection serves many subscribers.
struct SubscriptionRegistry {
    typealias Continuation = AsyncStream<RedisPubSubMessage>.Continuation
    var channels: [String: [UInt64: Continuation]] = [:]
    var patterns: [String: [UInt64: Continuation]] = [:]
    var nextID: UInt64 = 1

    var isEmpty: Bool { channels.isEmpty && patterns.isEmpty }

    /// Adds a subscriber; returns the names nobody subscribed to before (those need a SUBSCRIBE).
    mutating func add(_ id: UInt64, _ names: [String], pattern: Bool, _ continuation: Continuation) -> [String] {
        var fresh: [String] = []
        for name in Set(names).sorted() {
            if pattern {
                if patterns[name] == nil { fresh.append(name) }
                patterns[name, default: [:]][id] = continuation
            } else {
                if channels[name] == nil { fresh.append(name) }
                channels[name, default: [:]][id] = continuation
            }
        }
        return fresh
    }

    /// Removes a subscriber; returns the names nobody wants any more (those need an UNSUBSCRIBE).
    mutating func remove(_ id: UInt64, _ names: [String], pattern: Bool) -> [String] {
        var gone: [String] = []
        for name in Set(names).sorted() {
            if pattern {
                guard patterns[name]?.removeValue(forKey: id) != nil else { continue }
                if patterns[name]?.isEmpty == true { patterns[name] = nil; gone.append(name) }
            } else {
                guard channels[name]?.removeValue(forKey: id) != nil else { continue }
                if channels[name]?.isEmpty == true { channels[name] = nil; gone.append(name) }
            }
        }
        return gone
    }

    mutating func removeAll() -> [Continuation] {
        var all: [Continuation] = []
        for subscribers in channels.values { all += subscribers.values }
        for subscribers in patterns.values { all += subscribers.values }
        channels = [:]
        patterns = [:]
        return all
    }
}

extension RedisConnection {
    /// Subscribes to `channels`. On a RESP3 connection (HELLO 3) messages arrive as push frames, so the
    /// same connection keeps serving ordinary commands; on RESP2 the connection may then only be used for
    /// pub/sub (use a connection of its own; `RedisClient.subscribe` does).
    public func subscribe(to channels: [String]) async throws(RedisError) -> RedisSubscription {
        try await subscribe(channels, pattern: false)
    }

    /// Subscribes to channels matching glob-style `patterns` (PSUBSCRIBE).
    public func subscribe(toPatterns patterns: [String]) async throws(RedisError) -> RedisSubscription {
        try await subscribe(patterns, pattern: true)
    }

    private func subscribe(_ names: [String], pattern: Bool) async throws(RedisError) -> RedisSubscription {
        guard !names.isEmpty else { throw RedisError(.invalidArgument, "subscribe to no channel") }
        let (stream, continuation) = AsyncStream<RedisPubSubMessage>.makeStream()
        let command = pattern ? "PSUBSCRIBE" : "SUBSCRIBE"
        let kind = pattern ? "psubscribe" : "subscribe"
        var effects = Effects()
        // Registering and enqueueing under one lock keeps SUBSCRIBE/UNSUBSCRIBE of a channel in the order
        // the registry changed.
        let outcome: (UInt64, Result<UInt64, RedisError>?) = state.withLock { s in
            let id = s.subscriptions.nextID
            s.subscriptions.nextID += 1
            let fresh = s.subscriptions.add(id, names, pattern: pattern, continuation)
            guard !fresh.isEmpty else { return (id, nil) }
            let sent = s.enqueue(shape: .confirmations(kind: kind, count: fresh.count),
                                 deadline: configuration.commandTimeout.map { Deadline.after($0) },
                                 holdsSlot: false, effects: &effects) {
                $0.append(RawCommand([command] + fresh))
            }
            return (id, sent)
        }
        perform(effects)
        let (subscriberID, sent) = outcome
        continuation.onTermination = { [weak self] _ in
            self?.unsubscribe(subscriberID, names, pattern: pattern)
        }
        if let sent {
            do throws(RedisError) {
                let reply = try await awaitReply(try sent.get())
                if let error = reply.serverError { throw error }
            } catch {
                continuation.finish()
                throw error
            }
        }
        return RedisSubscription(stream: stream)
    }

    private func unsubscribe(_ subscriberID: UInt64, _ names: [String], pattern: Bool) {
        var effects = Effects()
        state.withLock { s in
            let gone = s.subscriptions.remove(subscriberID, names, pattern: pattern)
            // Also while reconnecting: a SUBSCRIBE for these names may still be queued unwritten, and the
            // UNSUBSCRIBE must follow it out.
            if case .closed = s.phase { return }
            guard !gone.isEmpty else { return }
            s.enqueueUnawaited(shape: .confirmations(kind: pattern ? "punsubscribe" : "unsubscribe", count: gone.count),
                               effects: &effects) {
                $0.append(RawCommand([pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE"] + gone))
            }
        }
        perform(effects)
    }

    /// PUBLISH: returns how many subscribers received the message.
    @discardableResult
    public func publish(_ message: some RedisArgument, to channel: String) async throws(RedisError) -> Int {
        try await send(PUBLISH(channel: channel, message: message))
    }
}

public struct PUBLISH<Message: RedisArgument>: RedisCommand {
    public var channel: String
    public var message: Message
    public init(channel: String, message: Message) { self.channel = channel; self.message = message }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("PUBLISH"); encoder.write(channel); encoder.write(message)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}
