import RESP
import Transport

/// LPUSH / RPUSH key element... → the list's new length.
public struct PUSH<Element: RedisArgument>: RedisCommand {
    public enum End: Sendable { case left, right }
    public var key: String
    public var elements: [Element]
    public var end: End
    public init(_ key: String, _ elements: [Element], to end: End) { self.key = key; self.elements = elements; self.end = end }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write(end == .left ? "LPUSH" : "RPUSH"); encoder.write(key); encoder.write(elements)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

public func LPUSH<E: RedisArgument>(_ key: String, _ elements: [E]) -> PUSH<E> { PUSH(key, elements, to: .left) }
public func RPUSH<E: RedisArgument>(_ key: String, _ elements: [E]) -> PUSH<E> { PUSH(key, elements, to: .right) }

/// LPOP / RPOP key → the element removed, nil if the list is empty.
public struct POP: RedisCommand {
    public var key: String
    public var end: PUSH<String>.End
    public init(_ key: String, from end: PUSH<String>.End) { self.key = key; self.end = end }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write(end == .left ? "LPOP" : "RPOP"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [UInt8]? { try RedisReply.optionalBytes(reply) }
}

public func LPOP(_ key: String) -> POP { POP(key, from: .left) }
public func RPOP(_ key: String) -> POP { POP(key, from: .right) }

/// LRANGE key start stop → the elements.
public struct LRANGE: RedisCommand {
    public var key: String
    public var start: Int
    public var stop: Int
    public init(_ key: String, _ start: Int, _ stop: Int) { self.key = key; self.start = start; self.stop = stop }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("LRANGE"); encoder.write(key); encoder.write(start); encoder.write(stop)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [[UInt8]] { try RedisReply.array(reply, RedisReply.bytes) }
}

/// LLEN key → the length.
public struct LLEN: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("LLEN"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// LTRIM key start stop.
public struct LTRIM: RedisCommand {
    public var key: String
    public var start: Int
    public var stop: Int
    public init(_ key: String, _ start: Int, _ stop: Int) { self.key = key; self.start = start; self.stop = stop }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("LTRIM"); encoder.write(key); encoder.write(start); encoder.write(stop)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) { try RedisReply.ok(reply) }
}

/// BLPOP / BRPOP key... timeout → (key, element), or nil when `timeout` passed with every list empty.
///
/// A blocking command: the server holds its reply, and every reply behind it on the same connection,
/// until an element arrives or the timeout passes. Send it on a connection of its own (`RedisPool`,
/// `RedisClient.blockingPop`). `timeout` 0 blocks for ever. `RedisConnection` gives the command a
/// deadline of the blocking timeout plus the configured command timeout (see `BlockingCommand`).
public struct BPOP: RedisCommand, BlockingCommand {
    public var keys: [String]
    public var timeout: Duration
    public var end: PUSH<String>.End
    public init(_ keys: [String], timeout: Duration, from end: PUSH<String>.End) { self.keys = keys; self.timeout = timeout; self.end = end }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write(end == .left ? "BLPOP" : "BRPOP"); encoder.write(keys)
        encoder.write(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> (key: String, element: [UInt8])? {
        guard let items = try RedisReply.optionalArray(reply) else { return nil }
        guard items.count == 2 else { throw .unexpected(reply, "[key, element]") }
        return (try RedisReply.string(items[0]), try RedisReply.bytes(items[1]))
    }
    public var blockingTimeout: Duration? { timeout == .zero ? nil : timeout }
}

public func BLPOP(_ keys: [String], timeout: Duration) -> BPOP { BPOP(keys, timeout: timeout, from: .left) }
public func BRPOP(_ keys: [String], timeout: Duration) -> BPOP { BPOP(keys, timeout: timeout, from: .right) }

/// A command the server may hold for up to `blockingTimeout` (nil: for ever) before answering.
public protocol BlockingCommand {
    var blockingTimeout: Duration? { get }
}

extension RedisConnection {
    /// Sends a blocking command with a deadline that covers its blocking time: the blocking timeout plus
    /// the configured command timeout, or no deadline for a command that blocks for ever.
    public func sendBlocking<Command: RedisCommand & BlockingCommand>(_ command: Command) async throws(RedisError) -> Command.Response {
        let deadline: Deadline = command.blockingTimeout.map { .after($0 + (configuration.commandTimeout ?? .seconds(30))) }
            ?? .distantFuture
        return try await send(command, deadline: deadline)
    }
}
