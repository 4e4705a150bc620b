import RESP
import Transport

/// Commands collected to be sent in one write and answered together.
///
/// ```swift
/// var pipeline = RedisPipeline()
/// let hits = pipeline.append(INCR("hits"))
/// let name = pipeline.append(GET("name"))
/// let replies = try await connection.send(pipeline)
/// let count = try replies[hits]    // Int
/// ```
/// Error replies stay per command: `replies[handle]` throws the one for that command only.
public struct RedisPipeline: Sendable {
    @usableFromInline var encoded: [UInt8] = []
    @usableFromInline var storedCount = 0

    public init() {}

    /// How many commands were appended.
    public var count: Int { storedCount }

    /// Adds a command; the handle reads its typed response from the replies.
    @inlinable
    @discardableResult
    public mutating func append<Command: RedisCommand>(_ command: Command) -> PipelineHandle<Command> {
        var encoder = RedisCommandEncoder(appendingTo: encoded)
        encoded = []
        encoder.append(command)
        encoded = encoder.buffer
        storedCount += 1
        return PipelineHandle(index: storedCount - 1, command: command)
    }
}

public struct PipelineHandle<Command: RedisCommand>: Sendable {
    public let index: Int
    @usableFromInline let command: Command

    @usableFromInline
    init(index: Int, command: Command) {
        self.index = index
        self.command = command
    }
}

/// The replies of a pipeline, in the order the commands were appended.
public struct PipelineReplies: Sendable {
    public let values: [RESPValue]

    /// The typed response of one command; throws its error reply as `RedisError`.
    public subscript<Command: RedisCommand>(handle: PipelineHandle<Command>) -> Command.Response {
        get throws(RedisError) {
            guard handle.index < values.count else { throw RedisError(.invalidArgument, "handle from another pipeline") }
            let reply = values[handle.index]
            if let error = reply.serverError { throw error }
            return try handle.command.decode(handle.command.prepared(reply))
        }
    }
}

extension RedisConnection {
    /// Sends every command of `pipeline` in one write and waits for all replies (one wait, not one per command).
    public func send(_ pipeline: RedisPipeline, deadline: Deadline? = nil) async throws(RedisError) -> PipelineReplies {
        guard pipeline.count > 0 else { return PipelineReplies(values: []) }
        let bytes = pipeline.encoded
        let reply = try await roundTrip(shape: .replies(pipeline.count), deadline: deadline) { encoder in
            encoder.appendRaw(bytes)
        }
        if pipeline.count == 1 { return PipelineReplies(values: [reply]) }
        guard case .array(let values?) = reply else { throw .unexpected(reply, "pipeline replies") }
        return PipelineReplies(values: values)
    }

    /// Builds a pipeline with `body` and sends it: `try await connection.pipeline { $0.append(SET("a", "1")) }`.
    public func pipeline(deadline: Deadline? = nil, _ body: (inout RedisPipeline) -> Void) async throws(RedisError) -> PipelineReplies {
        var pipeline = RedisPipeline()
        body(&pipeline)
        return try await send(pipeline, deadline: deadline)
    }

    /// Sends the given commands in one write; returns each typed response (or its error) in a tuple.
    public func pipeline<each Command: RedisCommand>(_ commands: repeat each Command,
                                                     deadline: Deadline? = nil) async throws(RedisError)
        -> (repeat Result<(each Command).Response, RedisError>) {
        var pipeline = RedisPipeline()
        var handles: [Int] = []
        for command in repeat each commands { handles.append(pipeline.append(command).index) }
        let replies = try await send(pipeline, deadline: deadline)
        var index = 0
        func take<C: RedisCommand>(_ command: C) -> Result<C.Response, RedisError> {
            defer { index += 1 }
            let reply = replies.values[index]
            if let error = reply.serverError { return .failure(error) }
            return Result { () throws(RedisError) -> C.Response in try command.decode(command.prepared(reply)) }
        }
        return (repeat take(each commands))
    }
}
