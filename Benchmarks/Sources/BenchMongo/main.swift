// BenchMongo: round trips per second of our MongoDB client, one operation at a time on one
// connection, against a SecantusDB server: insertOne of a small document, then findOne by _id.
// The anchor (Benchmarks/anchors/mongo_pymongo.py) does the same with pymongo on the same server;
// tools/bench mongo runs both alternately and reports.
//
//   BenchMongo measure URL N OUT.json     N inserts then N finds by _id; writes {"insertOne": ops/s, "findById": ops/s}
//   BenchMongo report OURS.json... -- ANCHOR.json...
import BSON
import Foundation
import MongoClient

func document(_ i: Int) throws -> BSONDocument {
    var b = BSONDocumentBuilder()
    b.append("_id", .int(i))
    b.append("name", .string("user-\(i)"))
    b.append("email", .string("user\(i)@example.com"))
    b.append("age", .int(20 + i % 50))
    b.append("active", .bool(i % 2 == 0))
    b.appendArray("tags") { $0.append("alpha"); $0.append("beta") }
    return try b.build()
}

func measure(url: String, count: Int, output: String) async throws {
    let client = try MongoClient(url)
    let database = client.database("bench_mongo_\(ProcessInfo.processInfo.processIdentifier)")
    let collection = database.collection("ops")
    let warmup = 200
    for i in 0..<warmup { try await collection.insertOne(try document(-1 - i)) }
    for i in 0..<warmup { _ = try await collection.findOne(try BSONDocument(["_id": .int(-1 - i)])) }

    let documents = try (0..<count).map(document)
    let filters = try (0..<count).map { try BSONDocument(["_id": .int($0)]) }
    let clock = ContinuousClock()
    var start = clock.now
    for d in documents { try await collection.insertOne(d) }
    let insertSeconds = (clock.now - start) / .seconds(1)
    start = clock.now
    var found = 0
    for f in filters { if try await collection.findOne(f) != nil { found += 1 } }
    let findSeconds = (clock.now - start) / .seconds(1)
    guard found == count else { throw MongoError(.invalidReply, "found \(found) of \(count) documents") }
    try await database.drop()
    await client.close()
    let result = ["insertOne": Double(count) / insertSeconds, "findById": Double(count) / findSeconds]
    try JSONSerialization.data(withJSONObject: result).write(to: URL(fileURLWithPath: output))
    print(String(format: "ours:   insertOne %8.0f ops/s   findById %8.0f ops/s", result["insertOne"]!, result["findById"]!))
}

func load(_ paths: [String]) throws -> [String: Double] {
    var best: [String: Double] = [:]
    for path in paths {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let values = try JSONSerialization.jsonObject(with: data) as? [String: Double] else { continue }
        for (k, v) in values { best[k] = max(best[k] ?? 0, v) }
    }
    return best
}

func report(_ arguments: [String]) throws {
    guard let split = arguments.firstIndex(of: "--") else { throw MongoError(.invalidArgument, "report OURS... -- ANCHOR...") }
    let ours = try load(Array(arguments[..<split]))
    let anchor = try load(Array(arguments[(split + 1)...]))
    print("operation    ours ops/s  pymongo ops/s  ratio   (best of the runs of each side)")
    var worst: (name: String, ratio: Double)?
    for name in ["insertOne", "findById"] {
        guard let o = ours[name], let a = anchor[name], a > 0 else { continue }
        let ratio = o / a
        print(String(format: "%-11@ %11.0f %14.0f %6.2f", name as NSString, o, a, ratio))
        if worst == nil || ratio < worst!.ratio { worst = (name, ratio) }
    }
    guard let worst, let o = ours[worst.name], let a = anchor[worst.name] else { throw MongoError(.invalidArgument, "no results") }
    print(String(format: "RESULT mongo ratio=%.2f ours=%.0f anchor=%.0f ops/s", worst.ratio, o, a))
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "measure" where arguments.count == 4:
        try await measure(url: arguments[1], count: Int(arguments[2]) ?? 2000, output: arguments[3])
    case "report":
        try report(Array(arguments.dropFirst()))
    default:
        FileHandle.standardError.write(Data("usage: BenchMongo measure URL N OUT.json | report OURS... -- ANCHOR...\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("BenchMongo: \(error)\n".utf8))
    exit(1)
}
