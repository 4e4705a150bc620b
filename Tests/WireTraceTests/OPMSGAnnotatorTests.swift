import BSON
import WireCore
import XCTest
@testable import WireTrace

final class OPMSGAnnotatorTests: XCTestCase {
    func message(flags: UInt32, sections: [UInt8], checksum: Bool) -> [UInt8] {
        var writer = ByteWriter()
        let total = 16 + 4 + sections.count + (checksum ? 4 : 0)
        writer.writeUInt32LE(UInt32(total))
        writer.writeUInt32LE(7)
        writer.writeUInt32LE(0)
        writer.writeUInt32LE(2013)
        writer.writeUInt32LE(flags)
        writer.writeBytes(sections)
        if checksum { writer.writeUInt32LE(CRC32C.checksum(writer.bytes)) }
        return writer.bytes
    }

    func testBodyAndDocumentSequenceAreWalkedElementByElement() throws {
        var body = BSONDocumentBuilder()
        body.append("insert", .string("tasks"))
        body.append("$db", .string("switchyard"))
        body.appendDocument("writeConcern") { $0.append("w", .int32(1)) }
        let bodyDocument = try body.build()
        var task = BSONDocumentBuilder()
        task.append("_id", .objectId(ObjectId(hex: "5f1d7c3e9a1b2c3d4e5f6071")!))
        task.append("attempts", .int64(3))
        task.append("ready", .bool(true))
        task.appendArray("tags") { $0.append(.string("a")); $0.append(.double(1.5)) }
        let taskDocument = try task.build()
        var sections: [UInt8] = [0] + bodyDocument.byteArray
        let identifier = Array("documents".utf8) + [0]
        sections += [1]
        let size = 4 + identifier.count + taskDocument.byteCount * 2
        sections += [UInt8(size & 0xFF), UInt8(size >> 8), 0, 0] + identifier + taskDocument.byteArray + taskDocument.byteArray
        let bytes = message(flags: 1, sections: sections, checksum: true)

        let frame = OPMSGAnnotator.annotate(bytes, direction: .sent)
        XCTAssertNil(frame.decodeFailure)
        XCTAssertEqual(frame.summary, "OP_MSG request 7: insert")
        XCTAssertEqual(RESPAnnotatorTests.claimedBytes(frame), bytes.count, "every byte belongs to a field")
        let lines = frame.fields.map { "\($0.name) \($0.value)" }
        for expected in ["opCode 2013 (OP_MSG)", "flagBits 0x1 (checksumPresent)", "section kind 0 (body)",
                         "\"insert\" string \"tasks\"", "\"w\" int32 1", "identifier \"documents\"",
                         "\"_id\" ObjectId 5f1d7c3e9a1b2c3d4e5f6071", "\"attempts\" int64 3", "\"ready\" boolean true",
                         "\"tags\" array", "\"1\" double 1.5", "document 1 document, \(taskDocument.byteCount) bytes"] {
            XCTAssertTrue(lines.contains(expected), "missing \(expected) in \(lines)")
        }
        XCTAssertEqual(frame.fields.last?.name, "checksum (CRC-32C)")
    }

    func testWrongLengthIsAFailureWithTheBytesStillShown() {
        var bytes = message(flags: 0, sections: [0, 5, 0, 0, 0, 0], checksum: false)
        bytes[0] = 99
        let frame = OPMSGAnnotator.annotate(bytes, direction: .received)
        XCTAssertEqual(frame.decodeFailure, "messageLength 99 but the frame has 26 bytes")
        XCTAssertTrue(AnnotatedDump.render(frame).contains("!!! decode failure"))
    }
}
