import BSON
import Foundation

/// The four benchmark documents, as Codable values. Their BSON (made by BSONEncoder) is written to
/// files that the pymongo anchor reads, so both sides work on the very same bytes.

/// Ten flat fields of common types.
struct Flat10: Codable {
    var name: String
    var age: Int
    var score: Double
    var active: Bool
    var email: String
    var city: String
    var zip: Int
    var balance: Int64
    var created: Date
    var note: String

    static func make() -> Flat10 {
        Flat10(name: "Alice Example", age: 42, score: 97.5, active: true, email: "alice@example.com", city: "Springfield",
               zip: 12345, balance: 1_234_567_890_123, created: Date(timeIntervalSince1970: 1_700_000_000.123),
               note: "a short free-text note about this record")
    }
}

/// Ten levels of documents, each with a number, a name and the next level.
final class Nested10: Codable {
    var level: Int
    var name: String
    var tags: [String]
    var child: Nested10?

    init(level: Int, name: String, tags: [String], child: Nested10?) {
        self.level = level
        self.name = name
        self.tags = tags
        self.child = child
    }

    static func make() -> Nested10 {
        var node: Nested10?
        for level in stride(from: 9, through: 0, by: -1) {
            node = Nested10(level: level, name: "level-\(level)", tags: ["t\(level)", "u\(level)"], child: node)
        }
        return node!
    }
}

/// One 1 MiB binary field. `BSONBinary` decodes without copying (it shares the document's buffer).
struct Blob1M: Codable {
    var name: String
    var data: BSONBinary

    static func make() -> Blob1M {
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        return Blob1M(name: "blob", data: BSONBinary(subtype: .generic, bytes: bytes))
    }
}

/// The same document decoded into Foundation `Data`, which copies the bytes (shown for comparison).
struct Blob1MData: Codable {
    var name: String
    var data: Data
}
