import BSON
import Transport

/// A database: its collections and commands.
public struct MongoDatabase: Sendable {
    public let client: MongoClient
    public let name: String

    public func collection(_ name: String) -> MongoCollection { MongoCollection(client: client, database: self.name, name: name) }

    /// Runs any command. The document is sent as given, plus `$db` (and `lsid` with a session);
    /// a reply with `ok: 0` throws with the server's code, codeName and errorLabels.
    public func runCommand(_ command: BSONDocument, session: ClientSession? = nil,
                           deadline: Deadline? = nil) async throws(MongoError) -> BSONDocument {
        var b = BSONDocumentBuilder(capacity: command.byteCount + 64)
        b.append(contentsOf: command)
        // Not retried: an arbitrary command may write.
        return try await client.execute(b, database: name, session: session, kind: .write, deadline: deadline)
    }

    public func listCollectionNames(session: ClientSession? = nil) async throws(MongoError) -> [String] {
        var b = BSONDocumentBuilder()
        b.append("listCollections", 1)
        b.append("nameOnly", true)
        b.appendDocument("cursor") { _ in }
        let reply = try await client.execute(b, database: name, session: session, kind: .read)
        let cursor = try MongoCursor(reply: reply, client: client, database: name, session: session, batchSize: nil)
        var names: [String] = []
        while let document = try await cursor.next() {
            if let n = document["name"]?.stringValue { names.append(n) }
        }
        return names
    }

    public func drop(session: ClientSession? = nil) async throws(MongoError) {
        var b = BSONDocumentBuilder()
        b.append("dropDatabase", 1)
        _ = try await client.execute(b, database: name, session: session, kind: .write)
    }

    /// Creates a collection explicitly (collections are also made by their first insert).
    public func createCollection(_ collection: String, options: BSONDocument? = nil,
                                 session: ClientSession? = nil) async throws(MongoError) -> MongoCollection {
        var b = BSONDocumentBuilder()
        b.append("create", .string(collection))
        if let options { b.append(contentsOf: options) }
        _ = try await client.execute(b, database: name, session: session, kind: .write)
        return self.collection(collection)
    }
}
