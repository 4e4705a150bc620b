import RESP
import RedisClient

/// Probes a Redis server: every command `COMMAND` lists, and for the ones we know how to call
/// harmlessly, the reply as our RESP2 and RESP3 decoders read it. Keys live under
/// `switchyard:probe:` and are deleted at the end.
struct RedisConformance {
    let configuration: RedisConfiguration

    static let prefix = "switchyard:probe:"

    /// Arguments for each probed command. Order matters: later probes read what earlier ones wrote.
    static let probes: [(String, [String])] = {
        let k = prefix
        return [
            ("PING", []), ("ECHO", ["hi"]), ("SET", [k + "s", "v", "EX", "60"]), ("GET", [k + "s"]),
            ("GETSET", [k + "s", "w"]), ("GETDEL", [k + "s"]), ("SETNX", [k + "s", "1"]), ("INCR", [k + "n"]),
            ("INCRBY", [k + "n", "5"]), ("INCRBYFLOAT", [k + "f", "1.5"]), ("DECR", [k + "n"]), ("DECRBY", [k + "n", "2"]),
            ("APPEND", [k + "s", "x"]), ("STRLEN", [k + "s"]), ("GETRANGE", [k + "s", "0", "-1"]), ("SETRANGE", [k + "s", "0", "y"]),
            ("MSET", [k + "a", "1", k + "b", "2"]), ("MGET", [k + "a", k + "b", k + "missing"]), ("MSETNX", [k + "c", "3"]),
            ("EXISTS", [k + "a"]), ("TYPE", [k + "a"]), ("EXPIRE", [k + "a", "100"]), ("PEXPIRE", [k + "a", "100000"]),
            ("TTL", [k + "a"]), ("PTTL", [k + "a"]), ("PERSIST", [k + "a"]), ("EXPIRETIME", [k + "a"]), ("RENAME", [k + "b", k + "b2"]),
            ("SCAN", ["0", "MATCH", k + "*", "COUNT", "100"]), ("KEYS", [k + "*"]), ("DBSIZE", []), ("RANDOMKEY", []),
            ("HSET", [k + "h", "a", "1", "b", "2"]), ("HGET", [k + "h", "a"]), ("HGETALL", [k + "h"]), ("HMGET", [k + "h", "a", "z"]),
            ("HINCRBY", [k + "h", "a", "1"]), ("HKEYS", [k + "h"]), ("HVALS", [k + "h"]), ("HLEN", [k + "h"]), ("HEXISTS", [k + "h", "a"]),
            ("HDEL", [k + "h", "b"]), ("HSCAN", [k + "h", "0"]), ("HRANDFIELD", [k + "h", "1", "WITHVALUES"]),
            ("LPUSH", [k + "l", "a", "b"]), ("RPUSH", [k + "l", "c"]), ("LRANGE", [k + "l", "0", "-1"]), ("LLEN", [k + "l"]),
            ("LINDEX", [k + "l", "0"]), ("LPOS", [k + "l", "c"]), ("LPOP", [k + "l"]), ("RPOP", [k + "l"]), ("LMOVE", [k + "l", k + "l2", "LEFT", "RIGHT"]),
            ("BLPOP", [k + "l2", "0.01"]), ("BRPOP", [k + "empty", "0.01"]),
            ("SADD", [k + "set", "a", "b"]), ("SMEMBERS", [k + "set"]), ("SISMEMBER", [k + "set", "a"]), ("SCARD", [k + "set"]),
            ("SINTER", [k + "set", k + "set"]), ("SUNION", [k + "set"]), ("SREM", [k + "set", "b"]), ("SSCAN", [k + "set", "0"]),
            ("ZADD", [k + "z", "1", "a", "2.5", "b"]), ("ZSCORE", [k + "z", "b"]), ("ZRANGE", [k + "z", "0", "-1", "WITHSCORES"]),
            ("ZRANK", [k + "z", "b"]), ("ZINCRBY", [k + "z", "1", "a"]), ("ZCARD", [k + "z"]), ("ZCOUNT", [k + "z", "-inf", "+inf"]),
            ("ZRANGEBYSCORE", [k + "z", "0", "10"]), ("ZPOPMIN", [k + "z"]), ("ZREM", [k + "z", "b"]), ("ZSCAN", [k + "z", "0"]),
            ("XADD", [k + "x", "*", "f", "v"]), ("XLEN", [k + "x"]), ("XRANGE", [k + "x", "-", "+"]),
            ("XGROUP", ["CREATE", k + "x", "g", "0"]), ("XREADGROUP", ["GROUP", "g", "c", "COUNT", "1", "STREAMS", k + "x", ">"]),
            ("XPENDING", [k + "x", "g"]), ("XAUTOCLAIM", [k + "x", "g", "c", "0", "0-0"]), ("XINFO", ["STREAM", k + "x"]),
            ("XREAD", ["COUNT", "1", "STREAMS", k + "x", "0"]), ("XTRIM", [k + "x", "MAXLEN", "10"]),
            ("EVAL", ["return {1, 'two', 3.5}", "0"]), ("SCRIPT", ["EXISTS", "0000000000000000000000000000000000000000"]),
            ("EVALSHA", ["0000000000000000000000000000000000000000", "0"]),
            ("PUBLISH", [k + "channel", "m"]), ("PUBSUB", ["CHANNELS"]),
            ("INFO", ["server"]), ("TIME", []), ("CLIENT", ["INFO"]), ("CONFIG", ["GET", "maxmemory"]), ("LASTSAVE", []),
            ("OBJECT", ["ENCODING", k + "h"]), ("MEMORY", ["USAGE", k + "h"]), ("DEBUG", ["PROTOCOL", "attrib"]),
            ("COMMAND", ["COUNT"]), ("HELLO", []), ("LOLWUT", ["VERSION", "5"]),
            ("UNLINK", [k + "c"]), ("DEL", [k + "s", k + "n", k + "f", k + "a", k + "b2", k + "h", k + "l", k + "l2", k + "set", k + "z", k + "x", k + "missing"]),
        ]
    }()

    func run() async throws -> ConformanceMatrix {
        var resp2 = configuration
        resp2.preferRESP3 = false
        resp2.reconnect = false
        var resp3 = configuration
        resp3.preferRESP3 = true
        resp3.reconnect = false
        let client2 = try await RedisClient.connect(resp2, poolSize: 1)
        let client3 = try await RedisClient.connect(resp3, poolSize: 1)
        defer { client2.close(); client3.close() }

        // What the server claims: COMMAND's first two fields, name and arity.
        var claimed: [(String, Int64)] = []
        if case .array(let entries?) = try await client2.send(["COMMAND"]) {
            for entry in entries {
                guard case .array(let fields?) = entry, fields.count >= 2,
                      case .bulkString(let name?) = fields[0], case .integer(let arity) = fields[1] else { continue }
                claimed.append((String(decoding: name, as: UTF8.self).uppercased(), arity))
            }
        }
        var outcomes: [String: (String, String)] = [:]
        var failures = 0
        for (command, arguments) in Self.probes {
            let two = await Self.outcome(client2, [command] + arguments)
            let three = await Self.outcome(client3, [command] + arguments)
            if two.hasPrefix("DECODE FAILURE") || three.hasPrefix("DECODE FAILURE") { failures += 1 }
            if outcomes[command] == nil { outcomes[command] = (two, three) }
        }
        var matrix = ConformanceMatrix(server: "Redis at \(configuration.host):\(configuration.port)",
                                       columns: ["command", "arity", "exercised", "RESP2", "RESP3"])
        matrix.decodeFailures = failures
        matrix.notes = ["Each probed command runs first on a RESP2 connection, then on a RESP3 one (HELLO 3), so a command that changes data sees the first run's effect in the second (GETDEL answers null the second time).",
                        "Commands marked \"no\" were not called: most write, block, administer or need state a probe cannot set up harmlessly."]
        let claimedNames = Set(claimed.map(\.0))
        for (name, arity) in claimed.sorted(by: { $0.0 < $1.0 }) {
            if let (two, three) = outcomes[name] {
                matrix.rows.append([name, String(arity), "yes", two, three])
            } else {
                matrix.rows.append([name, String(arity), "no", "-", "-"])
            }
        }
        for (command, _) in Self.probes where !claimedNames.contains(command) {
            let (two, three) = outcomes[command] ?? ("-", "-")
            matrix.rows.append([command + " (not listed by COMMAND)", "-", "yes", two, three])
        }
        return matrix
    }

    /// "ok: <reply type>", "error PREFIX", or a decode failure.
    static func outcome(_ client: RedisClient, _ words: [String]) async -> String {
        do {
            let reply = try await client.send(words, deadline: .after(seconds: 5))
            return "ok: " + shape(reply)
        } catch {
            switch error.code {
            case .server: return "error " + (error.serverPrefix ?? "ERR")
            case .protocolViolation, .unexpectedReply: return "DECODE FAILURE: \(error.message)"
            default: return "\(error.code.rawValue): \(error.message)"
            }
        }
    }

    /// The RESP type of a reply, with the types inside aggregates (first level).
    static func shape(_ value: RESPValue) -> String {
        switch value {
        case .simpleString: "simple string"
        case .simpleError: "error"
        case .integer: "integer"
        case .bulkString(nil): "null bulk"
        case .bulkString: "bulk string"
        case .array(nil): "null array"
        case .array(let items?): "array[\(items.count)]"
        case .null: "null"
        case .boolean: "boolean"
        case .double: "double"
        case .bigNumber: "big number"
        case .bulkError: "bulk error"
        case .verbatimString: "verbatim string"
        case .map(let pairs): "map[\(pairs.count)]"
        case .set(let items): "set[\(items.count)]"
        case .attribute(_, let inner): "attribute + " + shape(inner)
        case .push(let items): "push[\(items.count)]"
        }
    }
}
