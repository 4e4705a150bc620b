import PeerTestSupport
import BSON
import Synchronization
import XCTest
@testable import MongoClient

/// A client on the plain SecantusDB peer and a database of its own, dropped at the end.
struct TestDatabase {
    let client: MongoClient
    let database: MongoDatabase
    let env: PeerEnvironment

    static func make(_ label: String, url: String? = nil) throws -> TestDatabase {
        let env = try PeerEnvironment.load()
        let client = try MongoClient(url ?? env.require("SWITCHYARD_MONGO_URL"))
        let name = "sy_\(label)_\(UInt32.random(in: 0...UInt32.max))"
        return TestDatabase(client: client, database: client.database(name), env: env)
    }

    func finish() async {
        try? await database.drop()
        await client.close()
    }
}

/// Records commands sent (command monitoring).
final class CommandLog: Sendable {
    private let events = Mutex<[CommandStartedEvent]>([])
    private let finished = Mutex<[String]>([])

    init(_ client: MongoClient) {
        client.setCommandMonitor { [self] event in
            switch event {
            case .started(let e): events.withLock { $0.append(e) }
            case .succeeded(let name, _), .failed(let name, _): finished.withLock { $0.append(name) }
            }
        }
    }

    var all: [CommandStartedEvent] { events.withLock { $0 } }
    func named(_ name: String) -> [CommandStartedEvent] { all.filter { $0.commandName == name } }
    /// Commands whose reply (or failure) has come back.
    func finishedCount(_ name: String) -> Int { finished.withLock { $0.filter { $0 == name }.count } }
    func clear() { events.withLock { $0.removeAll() }; finished.withLock { $0.removeAll() } }
}

func doc(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> BSONDocument {
    do { return try ExtendedJSON.document(from: json) } catch {
        XCTFail("bad test JSON \(json): \(error)", file: file, line: line)
        return BSONDocument()
    }
}

/// Runs `body`, which must throw a MongoError; returns it.
func expectMongoError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> MongoError? {
    do {
        try await body()
        XCTFail("expected a MongoError, got success", file: file, line: line)
    } catch let error as MongoError {
        return error
    } catch {
        XCTFail("expected a MongoError, got \(error)", file: file, line: line)
    }
    return nil
}
