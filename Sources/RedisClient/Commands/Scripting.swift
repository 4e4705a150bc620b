import Crypto
import RESP
import WireCore

/// A Lua script and its SHA-1, computed once: EVALSHA sends the 40-character digest instead of the
/// source, and the source goes out only when the server does not have the script cached (NOSCRIPT).
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lowercase hex SHA-1 of the source, as SCRIPT LOAD returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Hex.encode(Digest.sha1(Array(source.utf8)))
    }
}

/// EVAL script numkeys key... arg... → the script's reply.
public struct EVAL<Argument: RedisArgument>: RedisCommand {
    public var source: String
    public var keys: [String]
    public var arguments: [Argument]
    public init(_ source: String, keys: [String], arguments: [Argument]) { self.source = source; self.keys = keys; self.arguments = arguments }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("EVAL"); encoder.write(source); encoder.write(keys.count); encoder.write(keys); encoder.write(arguments)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> RESPValue { reply }
}

/// EVALSHA sha1 numkeys key... arg... → the script's reply (NOSCRIPT if the server lacks it).
public struct EVALSHA<Argument: RedisArgument>: RedisCommand {
    public var sha1: String
    public var keys: [String]
    public var arguments: [Argument]
    public init(_ sha1: String, keys: [String], arguments: [Argument]) { self.sha1 = sha1; self.keys = keys; self.arguments = arguments }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("EVALSHA"); encoder.write(sha1); encoder.write(keys.count); encoder.write(keys); encoder.write(arguments)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> RESPValue { reply }
}

extension RedisConnection {
    /// Runs `script` by its SHA-1; on NOSCRIPT (the server's script cache was flushed, or never had it)
    /// sends the source with EVAL, which also caches it for the next EVALSHA.
    public func run(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError) -> RESPValue {
        do {
            return try await send(EVALSHA(script.sha1, keys: keys, arguments: arguments))
        } catch where error.serverPrefix == "NOSCRIPT" {
            return try await send(EVAL(script.source, keys: keys, arguments: arguments))
        }
    }
}
