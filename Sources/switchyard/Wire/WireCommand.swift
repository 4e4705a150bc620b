import ArgumentParser
import WireCore

/// `switchyard wire`: talk to a broker by hand with our own clients, see every frame annotated
/// (`--trace`), keep a pcap (`--pcap`), and probe a server's conformance.
struct WireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Talk to Kafka, MongoDB, Redis, S3 or HTTP servers by hand and see every frame.",
        discussion: """
            Every subcommand takes --json for output meant for scripts. Where the subcommand opens a \
            connection, --trace prints each frame sent and received as an annotated hex dump and \
            --pcap FILE writes the conversation as a pcap file for Wireshark.
            """,
        subcommands: [WireKafka.self, WireMongo.self, WireRedis.self, WireS3.self, WireHTTP.self, WireConformance.self])
}

/// Output options shared by every wire subcommand.
struct WireOutputOptions: ParsableArguments {
    @Flag(help: "Print results as JSON (one object per line).")
    var json = false
}

/// Errors of the wire commands: a message for the terminal and the exit status.
struct WireCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
    init(_ message: String) { self.message = message }
}

/// Minimal JSON output without Foundation's encoder: wire tools print flat objects.
enum JSONLine {
    static func object(_ pairs: [(String, JSONScalar)]) -> String {
        "{" + pairs.map { "\(quote($0.0)):\($0.1.rendered)" }.joined(separator: ",") + "}"
    }

    static func quote(_ text: String) -> String { JSONString.quoted(text) }
}

enum JSONScalar {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case raw(String)
    case null

    var rendered: String {
        switch self {
        case .string(let s): JSONLine.quote(s)
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .raw(let r): r
        case .null: "null"
        }
    }
}
