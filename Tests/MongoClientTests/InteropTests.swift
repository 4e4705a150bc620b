import BSON
import Foundation
import XCTest
@testable import MongoClient

/// Documents written by our client and read by pymongo, and the reverse: the same values, the same
/// field order, compared as bytes after both sides' canonical Extended JSON.
final class InteropTests: XCTestCase {
    /// Documents with every type both clients map without loss, in a deliberate non-alphabetical order.
    static let documents: [String] = [
        #"{"_id": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "zeta": "last-first", "alpha": {"$numberInt": "1"}, "mid": {"$numberLong": "9007199254740993"}, "pi": {"$numberDouble": "3.14159"}}"#,
        #"{"_id": {"$numberInt": "2"}, "when": {"$date": {"$numberLong": "1700000000123"}}, "ok": true, "none": null, "bin": {"$binary": {"base64": "AAECAwQ=", "subType": "00"}}, "uuid": {"$binary": {"base64": "c//SZESzTGmQ6OfR38A11A==", "subType": "04"}}}"#,
        #"{"_id": "nested", "a": {"z": {"$numberInt": "1"}, "y": [{"$numberInt": "1"}, "two", {"k": false}], "x": {"deep": {"deeper": {"deepest": "yes"}}}}, "empty": {}, "list": []}"#,
        #"{"_id": "exotic", "dec": {"$numberDecimal": "1234.5678"}, "re": {"$regularExpression": {"pattern": "^a.*z$", "options": "im"}}, "ts": {"$timestamp": {"t": 1700000000, "i": 7}}, "min": {"$minKey": 1}, "max": {"$maxKey": 1}, "neg": {"$numberDouble": "-0.0"}, "inf": {"$numberDouble": "Infinity"}}"#,
        #"{"_id": "unicode", "s": "h\u00e9llo w\u00f6rld \u2603 \ud83d\ude00", "k\u00e9y": "v"}"#,
    ]

    private static let readScript = """
    import sys, pymongo
    from bson import json_util
    from bson.codec_options import CodecOptions
    from bson.son import SON
    c = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)
    coll = c[sys.argv[2]].get_collection(sys.argv[3], codec_options=CodecOptions(document_class=SON))
    for d in coll.find().sort("_id", 1):
        print(json_util.dumps(d, json_options=json_util.CANONICAL_JSON_OPTIONS))
    """

    private static let writeScript = """
    import sys, pymongo
    from bson import json_util
    from bson.codec_options import CodecOptions
    from bson.son import SON
    opts = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, document_class=SON, uuid_representation=4)
    c = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)
    coll = c[sys.argv[2]].get_collection(sys.argv[3], codec_options=CodecOptions(document_class=SON, uuid_representation=4))
    for line in sys.stdin.read().splitlines():
        if line.strip():
            coll.insert_one(json_util.loads(line, json_options=opts))
    print("ok")
    """

    func testOurWritesReadByPymongo() async throws {
        let t = try TestDatabase.make("interop_out")
        let c = t.database.collection("ours")
        let expected = try Self.documents.map { try ExtendedJSON.document(from: $0) }
        try await c.insertMany(expected)
        let output = try t.env.python(Self.readScript, arguments: [try t.env.require("SWITCHYARD_MONGO_URL"), t.database.name, "ours"])
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, expected.count)
        let theirs = try lines.map { try ExtendedJSON.document(from: $0) }
        // pymongo sorts by _id (mixed types: numbers, strings, ObjectIds); compare by _id.
        for document in expected {
            guard let match = theirs.first(where: { $0["_id"] == document["_id"] }) else {
                XCTFail("pymongo did not read \(document)"); continue
            }
            XCTAssertEqual(match.keys, document.keys, "field order")
            XCTAssertEqual(match, document, "pymongo read \(match), we wrote \(document)")
        }
        await t.finish()
    }

    func testPymongoWritesReadByUs() async throws {
        let t = try TestDatabase.make("interop_in")
        let input = Self.documents.joined(separator: "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try t.env.require("SWITCHYARD_PEERS_PYTHON"))
        process.arguments = ["-c", Self.writeScript, try t.env.require("SWITCHYARD_MONGO_URL"), t.database.name, "theirs"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "ok")

        let read = try await t.database.collection("theirs").find().toArray()
        XCTAssertEqual(read.count, Self.documents.count)
        for text in Self.documents {
            let expected = try ExtendedJSON.document(from: text)
            guard let match = read.first(where: { $0["_id"] == expected["_id"] }) else {
                XCTFail("we did not read \(expected)"); continue
            }
            XCTAssertEqual(match.keys, expected.keys, "field order")
            XCTAssertEqual(match, expected, "we read \(match), pymongo was given \(expected)")
        }
        print("interop: \(Self.documents.count) documents pymongo -> switchyard byte-equal")
        await t.finish()
    }
}
