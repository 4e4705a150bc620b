import ArgumentParser
import RESP
import RedisClient

/// `switchyard wire redis COMMAND ARGS...`: any command through our client, replies shown the
/// way redis-cli shows them (or as JSON); `subscribe` prints messages as they arrive.
struct WireRedis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Redis: send any command with our RESP2/RESP3 client.",
        discussion: """
            Examples:
              switchyard wire redis --url redis://127.0.0.1:6379 SET greeting hello
              switchyard wire redis --resp3 --trace HGETALL h
              switchyard wire redis --max 1 SUBSCRIBE news
            """)

    @Option(help: "redis://[user:password@]host:port[/db], or rediss:// for TLS.") var url = "redis://127.0.0.1:6379"
    @Flag(help: "Speak RESP3 (HELLO 3); the default is RESP2.") var resp3 = false
    @Option(help: "With SUBSCRIBE/PSUBSCRIBE: stop after this many messages.") var max: Int?
    @OptionGroup var traceOptions: WireTraceOptions
    @OptionGroup var output: WireOutputOptions
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String]

    func run() async throws {
        guard let name = command.first?.uppercased() else { throw ValidationError("name a command, e.g. PING") }
        var configuration: RedisConfiguration
        do {
            configuration = try RedisConfiguration(url: url)
        } catch {
            throw WireCommandError("bad --url: \(error)")
        }
        configuration.preferRESP3 = resp3
        configuration.reconnect = false
        let json = output.json
        let arguments = command
        let limit = max
        try await traceOptions.run(.redis) { [configuration] in
            let client = try await RedisClient.connect(configuration, poolSize: 1)
            defer { client.close() }
            if name == "SUBSCRIBE" || name == "PSUBSCRIBE" {
                let targets = Array(arguments.dropFirst())
                let subscription = name == "SUBSCRIBE"
                    ? try await client.subscribe(to: targets) : try await client.subscribe(toPatterns: targets)
                print(json ? JSONLine.object([("subscribed", .raw("[" + targets.map(JSONLine.quote).joined(separator: ",") + "]"))])
                           : "subscribed to \(targets.joined(separator: " "))")
                var received = 0
                for await message in subscription {
                    if json {
                        print(JSONLine.object([("channel", .string(message.channel)),
                                               ("pattern", message.pattern.map { .string($0) } ?? .null),
                                               ("message", .string(message.text))]))
                    } else {
                        print("\(message.channel): \(message.text)")
                    }
                    received += 1
                    if let limit, received >= limit { break }
                }
                return
            }
            let reply = try await client.send(arguments)
            print(json ? RESPRendering.json(reply) : RESPRendering.cli(reply))
        }
    }
}

/// How replies are printed: redis-cli's layout, or JSON for scripts.
enum RESPRendering {
    static func cli(_ value: RESPValue, indent: String = "") -> String {
        switch value {
        case .simpleString(let s): return s
        case .simpleError(let s): return "(error) " + s
        case .integer(let i): return "(integer) \(i)"
        case .bulkString(nil), .array(nil), .null: return "(nil)"
        case .bulkString(let bytes?): return JSONLine.quote(String(decoding: bytes, as: UTF8.self))
        case .boolean(let b): return b ? "(true)" : "(false)"
        case .double(let d): return "(double) \(d)"
        case .bigNumber(let n): return "(big number) " + n
        case .bulkError(let bytes): return "(error) " + String(decoding: bytes, as: UTF8.self)
        case .verbatimString(_, let text): return String(decoding: text, as: UTF8.self)
        case .array(let items?), .set(let items), .push(let items):
            if items.isEmpty { return "(empty array)" }
            return numbered(items.map { cli($0, indent: indent + "   ") }, indent: indent)
        case .map(let pairs):
            if pairs.isEmpty { return "(empty hash)" }
            return numbered(pairs.map { cli($0.key, indent: indent + "   ") + " => " + cli($0.value, indent: indent + "   ") }, indent: indent)
        case .attribute(_, let inner): return cli(inner, indent: indent)
        }
    }

    private static func numbered(_ lines: [String], indent: String) -> String {
        lines.enumerated().map { (index, line) in (index == 0 ? "" : indent) + "\(index + 1)) " + line }.joined(separator: "\n")
    }

    static func json(_ value: RESPValue) -> String {
        switch value {
        case .simpleString(let s): return JSONLine.quote(s)
        case .simpleError(let s): return JSONLine.object([("error", .string(s))])
        case .integer(let i): return String(i)
        case .bulkString(nil), .array(nil), .null: return "null"
        case .bulkString(let bytes?): return JSONLine.quote(String(decoding: bytes, as: UTF8.self))
        case .boolean(let b): return b ? "true" : "false"
        case .double(let d): return d.isFinite ? String(d) : JSONLine.quote(String(d))
        case .bigNumber(let n): return JSONLine.quote(n)
        case .bulkError(let bytes): return JSONLine.object([("error", .string(String(decoding: bytes, as: UTF8.self)))])
        case .verbatimString(_, let text): return JSONLine.quote(String(decoding: text, as: UTF8.self))
        case .array(let items?), .set(let items), .push(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .map(let pairs):
            return "{" + pairs.map { pair -> String in
                let key: String
                if case .bulkString(let bytes?) = pair.key { key = String(decoding: bytes, as: UTF8.self) }
                else if case .simpleString(let s) = pair.key { key = s } else { key = cli(pair.key) }
                return JSONLine.quote(key) + ":" + json(pair.value)
            }.joined(separator: ",") + "}"
        case .attribute(_, let inner): return json(inner)
        }
    }
}
