import BSON
import MongoClient
import Synchronization

/// Probes a MongoDB server: every command `listCommands` names, and what happened to each command
/// our client sent while running a probe script (typed CRUD, cursors, indexes, sessions, and
/// harmless admin commands) in a scratch database that is dropped at the end.
struct MongoConformance {
    let url: String

    static let database = "switchyard_probe"

    /// Raw commands run with `runCommand` after the typed operations.
    static let rawCommands: [(db: String, json: String)] = [
        ("admin", #"{"ping": 1}"#), ("admin", #"{"hello": 1}"#), ("admin", #"{"isMaster": 1}"#), ("admin", #"{"buildInfo": 1}"#),
        ("admin", #"{"listDatabases": 1, "nameOnly": true}"#), ("admin", #"{"serverStatus": 1}"#), ("admin", #"{"hostInfo": 1}"#),
        ("admin", #"{"getParameter": 1, "featureCompatibilityVersion": 1}"#), ("admin", #"{"connectionStatus": 1}"#),
        ("admin", #"{"whatsmyuri": 1}"#), ("admin", #"{"getCmdLineOpts": 1}"#), ("admin", #"{"endSessions": []}"#),
        ("admin", #"{"startSession": 1}"#), ("admin", #"{"listCommands": 1}"#),
        (database, #"{"listCollections": 1, "nameOnly": true}"#), (database, #"{"dbStats": 1}"#),
        (database, #"{"collStats": "items"}"#), (database, #"{"count": "items", "query": {}}"#),
        (database, #"{"explain": {"find": "items", "filter": {"n": 1}}}"#), (database, #"{"validate": "items"}"#),
        (database, #"{"create": "capped", "capped": true, "size": 4096}"#),
        ("admin", #"{"renameCollection": "switchyard_probe.capped", "to": "switchyard_probe.capped2"}"#),
        (database, #"{"dropIndexes": "items", "index": "n_1"}"#), (database, #"{"drop": "items"}"#),
        (database, #"{"dropDatabase": 1}"#),
    ]

    func run() async throws -> ConformanceMatrix {
        let client = try MongoClient(url)
        let seen = Mutex<[(String, String)]>([])
        client.setCommandMonitor { event in
            switch event {
            case .started: break
            case .succeeded(let name, _): seen.withLock { $0.append((name, "ok")) }
            case .failed(let name, let error): seen.withLock { $0.append((name, Self.describe(error))) }
            }
        }
        defer { Task { await client.close() } }
        let db = client.database(Self.database)
        let items = db.collection("items")
        // Typed operations: each failure is recorded by the monitor; the script goes on.
        func doc(_ json: String) -> BSONDocument { (try? ExtendedJSON.document(from: json)) ?? BSONDocument() }
        _ = try? await items.insertMany((0..<5).map { doc("{\"n\": \($0), \"tag\": \"t\($0 % 2)\"}") })
        if let cursor = try? await items.find(doc("{}"), options: FindOptions(sort: doc("{\"n\": 1}"), batchSize: 2)) {
            _ = try? await cursor.next(); _ = try? await cursor.next(); _ = try? await cursor.next()  // forces a getMore
            await cursor.close()  // killCursors for the rest
        }
        _ = try? await items.updateOne(filter: doc("{\"n\": 1}"), update: doc("{\"$set\": {\"x\": 1}}"))
        _ = try? await items.updateMany(filter: doc("{}"), update: doc("{\"$inc\": {\"n\": 0}}"))
        _ = try? await items.findOneAndUpdate(filter: doc("{\"n\": 2}"), update: doc("{\"$set\": {\"y\": true}}"))
        _ = try? await items.deleteOne(doc("{\"n\": 4}"))
        _ = try? await items.countDocuments()
        _ = try? await items.distinct("tag")
        _ = try? await items.createIndexes([IndexModel(keys: doc("{\"n\": 1}"), name: "n_1", unique: true)])
        _ = try? await items.listIndexes()
        if let cursor = try? await items.aggregate([doc("{\"$group\": {\"_id\": \"$tag\", \"c\": {\"$sum\": 1}}}")]) {
            _ = try? await cursor.toArray()
        }
        for (database, json) in Self.rawCommands {
            _ = try? await client.database(database).runCommand(doc(json))
        }
        var listed: [String] = []
        var notes: [String] = []
        do {
            let reply = try await client.database("admin").runCommand(doc(#"{"listCommands": 1}"#))
            if case .document(let commands)? = reply["commands"] { listed = commands.keys }
        } catch {
            notes.append("The server does not answer listCommands (\(Self.describe(error))): the commands it claims are unknown, so every row is a command our client sent.")
        }
        var outcomes: [String: [String]] = [:]
        var order: [String] = []
        var decodeFailures = 0
        for (name, outcome) in seen.withLock({ $0 }) {
            if outcome.hasPrefix("DECODE FAILURE") { decodeFailures += 1 }
            if outcomes[name] == nil { order.append(name) }
            if !(outcomes[name] ?? []).contains(outcome) { outcomes[name, default: []].append(outcome) }
        }
        var matrix = ConformanceMatrix(server: "MongoDB at \(url)", columns: ["command", "listed", "exercised", "result"])
        matrix.decodeFailures = decodeFailures
        matrix.notes = notes
        let listedLower = Set(listed.map { $0.lowercased() })
        for name in listed.sorted(by: { $0.lowercased() < $1.lowercased() }) {
            let result = outcomes.first { $0.key.lowercased() == name.lowercased() }?.value
            matrix.rows.append([name, "yes", result == nil ? "no" : "yes", result?.joined(separator: "; ") ?? "-"])
        }
        for name in order where !listedLower.contains(name.lowercased()) {
            matrix.rows.append([name, "no", "yes", outcomes[name]?.joined(separator: "; ") ?? "-"])
        }
        return matrix
    }

    static func describe(_ error: MongoError) -> String {
        switch error.code {
        case .invalidReply, .protocolViolation: return "DECODE FAILURE: \(error.message)"
        case .commandFailed, .writeFailed:
            return "error \(error.serverCode.map(String.init) ?? "?")\(error.codeName.map { " " + $0 } ?? "")"
        default: return "\(error.code.rawValue): \(error.message)"
        }
    }
}
