import ArgumentParser
import BSON
import MongoClient

/// `switchyard wire mongo ...`: MongoDB commands by hand on our client; documents in and out as
/// Extended JSON (relaxed by default, `--canonical` for the type-exact form).
struct WireMongo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mongo",
        abstract: "MongoDB: hello, ping, insert, find, aggregate and any command, with our OP_MSG client.",
        subcommands: [Hello.self, Ping.self, Insert.self, Find.self, Aggregate.self, Command.self])

    struct Connection: ParsableArguments {
        @Option(help: "Connection string: mongodb://[user:password@]host:port[/db][?authSource=...&tls=true...].")
        var url = "mongodb://127.0.0.1:27017"
        @Option(help: "Database (default: the one in the URL, else test).") var db: String?
        @Flag(help: "Print canonical Extended JSON (every type explicit) instead of relaxed.") var canonical = false

        var mode: ExtendedJSON.Mode { canonical ? .canonical : .relaxed }

        func client() throws -> MongoClient {
            do { return try MongoClient(url) } catch { throw WireCommandError("bad --url: \(error)") }
        }

        func database(_ client: MongoClient) -> MongoDatabase {
            client.database(db ?? client.connectionString.database ?? "test")
        }
    }

    static func document(_ text: String, what: String) throws -> BSONDocument {
        do { return try ExtendedJSON.document(from: text) } catch { throw ValidationError("\(what) is not Extended JSON: \(error)") }
    }

    /// Runs one command document and prints the reply.
    static func run(_ connection: Connection, _ trace: WireTraceOptions, command: BSONDocument) async throws {
        let client = try connection.client()
        let database = connection.database(client)
        let mode = connection.mode
        try await trace.run(.mongo) {
            do {
                let reply = try await database.runCommand(command)
                print(ExtendedJSON.string(from: reply, mode: mode))
                await client.close()
            } catch {
                await client.close()
                throw error
            }
        }
    }

    /// A command whose document is `{name: 1}`.
    static func runSimple(_ name: String, _ connection: Connection, _ trace: WireTraceOptions) async throws {
        var b = BSONDocumentBuilder()
        b.append(name, .int32(1))
        try await run(connection, trace, command: try b.build())
    }

    struct Hello: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The server's hello reply (limits, wire versions, role).")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        func run() async throws { try await WireMongo.runSimple("hello", connection, traceOptions) }
    }

    struct Ping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Round trip of a ping command.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        func run() async throws { try await WireMongo.runSimple("ping", connection, traceOptions) }
    }

    struct Command: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run any command given as Extended JSON, e.g. '{\"listCollections\": 1}'.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @Argument(help: "The command document.") var command: String
        func run() async throws {
            try await WireMongo.run(connection, traceOptions, command: try WireMongo.document(command, what: "the command"))
        }
    }

    struct Insert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Insert documents given as arguments, or one per line of standard input.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Argument(help: "Collection.") var collection: String
        @Argument(help: "Documents as Extended JSON (default: read lines from standard input).") var documents: [String] = []

        func run() async throws {
            var texts = documents
            if texts.isEmpty { while let line = readLine() { if !line.isEmpty { texts.append(line) } } }
            let parsed = try texts.map { try WireMongo.document($0, what: "a document") }
            let client = try connection.client()
            let target = connection.database(client).collection(collection)
            let (mode, json) = (connection.mode, output.json)
            try await traceOptions.run(.mongo) {
                defer { Task { await client.close() } }
                let result = try await target.insertMany(parsed)
                for index in 0..<parsed.count {
                    let id = result.insertedIds[index].map { ExtendedJSON.string(from: $0, mode: mode) } ?? "null"
                    print(json ? "{\"index\":\(index),\"insertedId\":\(id)}" : "inserted \(id)")
                }
            }
        }
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find documents; one Extended JSON document per line.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @Option(help: "Sort document, e.g. '{\"n\": -1}'.") var sort: String?
        @Option(help: "Projection document.") var projection: String?
        @Option(help: "Documents to skip.") var skip: Int?
        @Option(help: "Most documents to return.") var limit: Int?
        @Option(help: "Documents per batch (getMore size).") var batchSize: Int?
        @Argument(help: "Collection.") var collection: String
        @Argument(help: "Filter as Extended JSON.") var filter = "{}"

        func run() async throws {
            let options = FindOptions(sort: try sort.map { try WireMongo.document($0, what: "--sort") },
                                      projection: try projection.map { try WireMongo.document($0, what: "--projection") },
                                      skip: skip, limit: limit, batchSize: batchSize)
            let query = try WireMongo.document(filter, what: "the filter")
            let client = try connection.client()
            let target = connection.database(client).collection(collection)
            let mode = connection.mode
            try await traceOptions.run(.mongo) {
                defer { Task { await client.close() } }
                let cursor = try await target.find(query, options: options)
                while let document = try await cursor.next() { print(ExtendedJSON.string(from: document, mode: mode)) }
            }
        }
    }

    struct Aggregate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a pipeline given as an Extended JSON array of stages.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @Argument(help: "Collection.") var collection: String
        @Argument(help: "Pipeline, e.g. '[{\"$group\": {\"_id\": null, \"n\": {\"$sum\": 1}}}]'.") var pipeline: String

        func run() async throws {
            let wrapped = try WireMongo.document("{\"pipeline\": \(pipeline)}", what: "the pipeline")
            guard case .array(let stagesArray)? = wrapped["pipeline"] else { throw ValidationError("the pipeline must be an array") }
            var stages: [BSONDocument] = []
            for stage in stagesArray {
                guard case .document(let document) = stage else { throw ValidationError("each stage must be a document") }
                stages.append(document)
            }
            let client = try connection.client()
            let target = connection.database(client).collection(collection)
            let (mode, pipelineStages) = (connection.mode, stages)
            try await traceOptions.run(.mongo) {
                defer { Task { await client.close() } }
                let cursor = try await target.aggregate(pipelineStages)
                while let document = try await cursor.next() { print(ExtendedJSON.string(from: document, mode: mode)) }
            }
        }
    }
}
