import RESP
import Transport

/// One stream entry: its id (`1700000000000-0`) and its field/value pairs in order.
public struct StreamEntry: Sendable, Equatable {
    public let id: String
    public let fields: [StreamField]

    public struct StreamField: Sendable, Equatable {
        public let name: String
        public let value: [UInt8]
    }

    public subscript(name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }

    static func decode(_ reply: RESPValue) throws(RedisError) -> StreamEntry {
        let parts = try RedisReply.array(reply)
        guard parts.count == 2 else { throw .unexpected(reply, "[id, fields]") }
        let flat = parts[1].isNull ? [] : try RedisReply.array(parts[1])
        guard flat.count % 2 == 0 else { throw .unexpected(parts[1], "field/value pairs") }
        var fields: [StreamField] = []
        for index in stride(from: 0, to: flat.count, by: 2) {
            fields.append(StreamField(name: try RedisReply.string(flat[index]), value: try RedisReply.bytes(flat[index + 1])))
        }
        return StreamEntry(id: try RedisReply.string(parts[0]), fields: fields)
    }

    static func list(_ reply: RESPValue) throws(RedisError) -> [StreamEntry] {
        try RedisReply.array(reply, decode)
    }
}

/// XADD key [NOMKSTREAM] [MAXLEN ~ n] id|* field value... → the entry's id.
public struct XADD<Value: RedisArgument>: RedisCommand {
    public var key: String
    public var id: String
    public var fields: [(String, Value)]
    public var approximateMaxLength: Int?
    public init(_ key: String, id: String = "*", fields: [(String, Value)], approximateMaxLength: Int? = nil) {
        self.key = key; self.id = id; self.fields = fields; self.approximateMaxLength = approximateMaxLength
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("XADD"); encoder.write(key)
        if let approximateMaxLength { encoder.write("MAXLEN"); encoder.write("~"); encoder.write(approximateMaxLength) }
        encoder.write(id)
        for (field, value) in fields { encoder.write(field); encoder.write(value) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> String { try RedisReply.string(reply) }
}

/// XGROUP CREATE key group id [MKSTREAM] → true if created; false if the group already existed (BUSYGROUP)
/// and `ignoreExisting` is set.
public struct XGROUP_CREATE: RedisCommand {
    public var key: String
    public var group: String
    public var startID: String
    public var makeStream: Bool
    public init(_ key: String, group: String, startID: String = "$", makeStream: Bool = true) {
        self.key = key; self.group = group; self.startID = startID; self.makeStream = makeStream
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("XGROUP"); encoder.write("CREATE"); encoder.write(key); encoder.write(group); encoder.write(startID)
        if makeStream { encoder.write("MKSTREAM") }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) { try RedisReply.ok(reply) }
}

/// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id... → entries per stream
/// (empty when BLOCK timed out). Use id ">" for new entries, "0" for this consumer's pending ones.
public struct XREADGROUP: RedisCommand, BlockingCommand {
    public var group: String
    public var consumer: String
    public var streams: [(key: String, id: String)]
    public var count: Int?
    public var block: Duration?
    public var noAck: Bool
    public init(group: String, consumer: String, streams: [(key: String, id: String)], count: Int? = nil,
                block: Duration? = nil, noAck: Bool = false) {
        self.group = group; self.consumer = consumer; self.streams = streams; self.count = count; self.block = block; self.noAck = noAck
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("XREADGROUP"); encoder.write("GROUP"); encoder.write(group); encoder.write(consumer)
        if let count { encoder.write("COUNT"); encoder.write(count) }
        if let block {
            let (seconds, attoseconds) = block.components
            encoder.write("BLOCK"); encoder.write(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        }
        if noAck { encoder.write("NOACK") }
        encoder.write("STREAMS")
        for stream in streams { encoder.write(stream.key) }
        for stream in streams { encoder.write(stream.id) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> [(key: String, entries: [StreamEntry])] {
        if reply.isNull { return [] }
        // RESP3: a map key → entries; RESP2: an array of [key, entries].
        if case .map(let pairs) = reply {
            var out: [(key: String, entries: [StreamEntry])] = []
            for pair in pairs { out.append((try RedisReply.string(pair.key), try StreamEntry.list(pair.value))) }
            return out
        }
        return try RedisReply.array(reply) { (item) throws(RedisError) -> (key: String, entries: [StreamEntry]) in
            let parts = try RedisReply.array(item)
            guard parts.count == 2 else { throw .unexpected(item, "[key, entries]") }
            return (try RedisReply.string(parts[0]), try StreamEntry.list(parts[1]))
        }
    }
    /// BLOCK 0 blocks for ever; without BLOCK the command does not block.
    public var blockingTimeout: Duration? { block == .zero ? nil : (block ?? .zero) }
}

/// XACK key group id... → how many entries were acknowledged.
public struct XACK: RedisCommand {
    public var key: String
    public var group: String
    public var ids: [String]
    public init(_ key: String, group: String, ids: [String]) { self.key = key; self.group = group; self.ids = ids }
    public func encode(into encoder: inout RedisCommandEncoder) {
        encoder.write("XACK"); encoder.write(key); encoder.write(group); encoder.write(ids)
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT n] → entries idle longer than `minIdle`
/// now owned by `consumer`, the cursor to continue from ("0-0": done), and ids that no longer exist.
public struct XAUTOCLAIM: RedisCommand {
    public struct Response: Sendable {
        public let nextStart: String
        public let claimed: [StreamEntry]
        public let deletedIDs: [String]
    }
    public var key: String
    public var group: String
    public var consumer: String
    public var minIdle: Duration
    public var start: String
    public var count: Int?
    public init(_ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int? = nil) {
        self.key = key; self.group = group; self.consumer = consumer; self.minIdle = minIdle; self.start = start; self.count = count
    }
    public func encode(into encoder: inout RedisCommandEncoder) {
        let (seconds, attoseconds) = minIdle.components
        encoder.write("XAUTOCLAIM"); encoder.write(key); encoder.write(group); encoder.write(consumer)
        encoder.write(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)); encoder.write(start)
        if let count { encoder.write("COUNT"); encoder.write(count) }
    }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Response {
        let parts = try RedisReply.array(reply)
        guard parts.count >= 2 else { throw .unexpected(reply, "[next, entries, deleted]") }
        // Entries deleted from the stream while pending come back as [id, null] in Redis 6.2; 7.0 lists them apart.
        var claimed: [StreamEntry] = []
        for item in try RedisReply.array(parts[1]) {
            if let pair = item.elements, pair.count == 2, pair[1].isNull { continue }
            claimed.append(try StreamEntry.decode(item))
        }
        let deleted = parts.count > 2 ? try RedisReply.array(parts[2], RedisReply.string) : []
        return Response(nextStart: try RedisReply.string(parts[0]), claimed: claimed, deletedIDs: deleted)
    }
}

/// XLEN key → number of entries.
public struct XLEN: RedisCommand {
    public var key: String
    public init(_ key: String) { self.key = key }
    public func encode(into encoder: inout RedisCommandEncoder) { encoder.write("XLEN"); encoder.write(key) }
    public func decode(_ reply: RESPValue) throws(RedisError) -> Int { try RedisReply.integer(reply) }
}
