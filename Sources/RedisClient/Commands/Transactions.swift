import RESP
import Transport

/// WATCH key... : EXEC fails (answers null) if any of them changes before it. Only meaningful on a
/// connection of your own (`RedisPool.withConnection`): on a shared connection another caller's EXEC
/// or UNWATCH would consume the watch.
public struct WATCH: RedisCommand {
    public var keys: [String]
    public init(_ keys: [String]) { self.keys = keys }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("WATCH"); encoder.write(keys) }
    public func decode(_ reply: RESPValue) throws(RedisError) { try RedisReply.ok(reply) }
}

public struct UNWATCH: RedisCommand {
    public init() {}
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("UNWATCH") }
    public func decode(_ reply: RESPValue) throws(RedisError) { try RedisReply.ok(reply) }
}

extension RedisConnection {
    /// Runs the commands of `body` atomically: MULTI, the commands and EXEC go out in one write, so no
    /// other caller's command can slip in between even on a shared connection.
    ///
    /// Returns the replies (read them with the pipeline's handles), or throws `.transactionAborted` when
    /// a WATCHed key changed. A command the server refused to queue (a syntax error) makes EXEC fail
    /// with EXECABORT, thrown as the server error of that command.
    public func transaction(deadline: Deadline? = nil, _ body: (inout RedisPipeline) -> Void) async throws(RedisError) -> PipelineReplies {
        var commands = RedisPipeline()
        body(&commands)
        var wrapped = RedisPipeline()
        wrapped.append(RawCommand("MULTI"))
        wrapped.appendEncoded(commands)
        wrapped.append(RawCommand("EXEC"))
        let replies = try await send(wrapped, deadline: deadline).values
        guard replies.count == commands.count + 2 else { throw RedisError(.unexpectedReply, "transaction reply count") }
        if let error = replies[0].serverError { throw error }
        let exec = replies[replies.count - 1]
        if let error = exec.serverError {
            // EXECABORT: report the first queuing error, which says what was wrong.
            if let first = replies[1..<(replies.count - 1)].lazy.compactMap(\.serverError).first { throw first }
            throw error
        }
        if exec.isNull { throw RedisError(.transactionAborted, "a watched key changed; nothing was executed") }
        guard let values = exec.elements, values.count == commands.count else { throw .unexpected(exec, "EXEC results") }
        return PipelineReplies(values: values)
    }
}

extension RedisPipeline {
    /// Appends the commands of another pipeline (their handles keep their indices relative to it).
    mutating func appendEncoded(_ other: RedisPipeline) {
        encoded.append(contentsOf: other.encoded)
        storedCount += other.count
    }
}
