import BSON
import XCTest
@testable import MongoClient

/// Change streams against SecantusDB: events in order, resume tokens, and resuming after the
/// server cursor is lost.
final class ChangeStreamIntegrationTests: XCTestCase {
    private func next(_ stream: ChangeStream, file: StaticString = #filePath, line: UInt = #line) async throws -> BSONDocument {
        guard let event = try await stream.next() else {
            XCTFail("the change stream ended", file: file, line: line)
            return BSONDocument()
        }
        return event
    }

    func testEventsInOrderWithResumeTokens() async throws {
        let t = try TestDatabase.make("watch")
        let c = t.database.collection("events")
        try await c.insertOne(doc(#"{"_id": 0}"#))   // the collection exists before we watch
        let stream = try await c.watch(options: ChangeStreamOptions(fullDocument: "updateLookup", maxAwaitTimeMS: 200))
        try await c.insertOne(doc(#"{"_id": 1, "v": "a"}"#))
        try await c.updateOne(filter: doc(#"{"_id": 1}"#), update: doc(#"{"$set": {"v": "b"}}"#))
        var kinds: [String] = []
        var last: BSONDocument?
        for round in 0..<3 {
            // updateLookup reads the document when the event is read: delete only after reading the update.
            if round == 2 { try await c.deleteOne(doc(#"{"_id": 1}"#)) }
            let event = try await next(stream)
            kinds.append(event["operationType"]?.stringValue ?? "?")
            XCTAssertEqual(event["documentKey"]?.documentValue?["_id"]?.intValue, 1)
            if event["operationType"]?.stringValue == "update" {
                XCTAssertEqual(event["fullDocument"]?.documentValue?["v"]?.stringValue, "b")
            }
            last = event
        }
        XCTAssertEqual(kinds, ["insert", "update", "delete"])
        XCTAssertEqual(stream.resumeToken, last?["_id"]?.documentValue)
        await stream.close()
        await t.finish()
    }

    func testResumeAfterATokenSkipsWhatWasSeen() async throws {
        let t = try TestDatabase.make("resume")
        let c = t.database.collection("events")
        try await c.insertOne(doc(#"{"_id": 0}"#))
        let first = try await c.watch(options: ChangeStreamOptions(maxAwaitTimeMS: 200))
        for i in 1...3 { try await c.insertOne(doc(#"{"_id": \#(i)}"#)) }
        let seen = try await next(first)
        XCTAssertEqual(seen["documentKey"]?.documentValue?["_id"]?.intValue, 1)
        let token = try XCTUnwrap(first.resumeToken)
        await first.close()
        let resumed = try await c.watch(options: ChangeStreamOptions(resumeAfter: token, maxAwaitTimeMS: 200))
        let a = try await next(resumed)
        let b = try await next(resumed)
        XCTAssertEqual([a, b].compactMap { $0["documentKey"]?.documentValue?["_id"]?.intValue }, [2, 3])
        await resumed.close()
        await t.finish()
    }

    /// The server cursor disappears (killed behind the stream's back): the next getMore fails with
    /// CursorNotFound, a resumable error, and the stream reopens after its last token.
    func testResumesAfterLosingItsCursor() async throws {
        let t = try TestDatabase.make("lost")
        let c = t.database.collection("events")
        try await c.insertOne(doc(#"{"_id": 0}"#))
        let log = CommandLog(t.client)
        let stream = try await c.watch(options: ChangeStreamOptions(maxAwaitTimeMS: 200))
        try await c.insertOne(doc(#"{"_id": 1}"#))
        let one = try await next(stream)
        XCTAssertEqual(one["documentKey"]?.documentValue?["_id"]?.intValue, 1)
        let lost = stream.cursorID
        XCTAssertNotEqual(lost, 0)
        _ = try await t.database.runCommand(try BSONDocument(["killCursors": "events", "cursors": .array(try BSONArray([.int64(lost)]))]))
        try await c.insertOne(doc(#"{"_id": 2}"#))
        try await c.insertOne(doc(#"{"_id": 3}"#))
        let two = try await next(stream)
        let three = try await next(stream)
        XCTAssertEqual([two, three].compactMap { $0["documentKey"]?.documentValue?["_id"]?.intValue }, [2, 3])
        XCTAssertNotEqual(stream.cursorID, lost)
        XCTAssertEqual(log.named("aggregate").count, 2, "one aggregate to open, one to resume")
        XCTAssertNotNil(log.named("aggregate").last?.command["pipeline"]?.arrayValue?[0]?.documentValue?["$changeStream"]?
            .documentValue?["resumeAfter"], "the resume passes the last token")
        await stream.close()
        await t.finish()
    }
}
