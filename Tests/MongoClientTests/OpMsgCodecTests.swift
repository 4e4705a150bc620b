import BSON
import Foundation
import WireCore
import XCTest
@testable import MongoClient

final class OpMsgCodecTests: XCTestCase {
    private func doc(_ json: String) throws -> BSONDocument { try ExtendedJSON.document(from: json) }

    private func sampleMessages() throws -> [OpMsg] {
        [
            OpMsg(body: try doc(#"{"hello": 1, "$db": "admin"}"#)),
            OpMsg(body: try doc(#"{"insert": "c", "$db": "d", "ordered": true}"#),
                  sequences: [DocumentSequence(identifier: "documents",
                                               documents: [try doc(#"{"_id": 1}"#), try doc(#"{"_id": 2, "x": "y"}"#)])]),
            OpMsg(flags: .moreToCome, body: try doc(#"{"delete": "c", "$db": "d"}"#),
                  sequences: [DocumentSequence(identifier: "deletes", documents: []),
                              DocumentSequence(identifier: "other", documents: [try doc("{}")])]),
            OpMsg(flags: .exhaustAllowed, body: try doc(#"{"getMore": {"$numberLong": "42"}, "collection": "c", "$db": "d"}"#)),
        ]
    }

    func testRoundTripWithAndWithoutChecksum() throws {
        for (i, message) in try sampleMessages().enumerated() {
            for checksum in [false, true] {
                let bytes = message.encode(requestID: Int32(i + 1), responseTo: 7, checksum: checksum)
                XCTAssertEqual(bytes.count, message.encodedSize(checksum: checksum))
                let (header, decoded) = try OpMsg.decode(frame: bytes)
                XCTAssertEqual(header.requestID, Int32(i + 1))
                XCTAssertEqual(header.responseTo, 7)
                XCTAssertEqual(header.opCode, 2013)
                XCTAssertEqual(decoded.body, message.body)
                XCTAssertEqual(decoded.sequences, message.sequences)
                XCTAssertEqual(decoded.flags.contains(.checksumPresent), checksum)
                XCTAssertEqual(decoded.flags.subtracting(.checksumPresent), message.flags)
            }
        }
    }

    /// Hand-built bytes of a small message, to pin the layout independently of our encoder.
    func testLayoutOfAKindZeroMessage() throws {
        let body = try doc(#"{"ping": 1}"#)
        let bytes = OpMsg(body: body).encode(requestID: 0x01020304, responseTo: 0)
        var expected: [UInt8] = []
        let total = 16 + 4 + 1 + body.byteCount
        expected += [UInt8(total), 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0, 0xDD, 0x07, 0, 0]
        expected += [0, 0, 0, 0, 0]
        expected += Array(body.bytes)
        XCTAssertEqual(bytes, expected)
    }

    /// The checksum is CRC-32C over the whole message before it: a known vector.
    func testChecksumIsCRC32COfThePrecedingBytes() throws {
        let bytes = OpMsg(body: try doc(#"{"ping": 1}"#)).encode(requestID: 1, checksum: true)
        let stated = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        XCTAssertEqual(stated, CRC32C.checksum(bytes.dropLast(4)))
        XCTAssertEqual(bytes[16] & 1, 1)
    }

    func testCorruptedChecksumIsRejected() throws {
        var bytes = OpMsg(body: try doc(#"{"ping": 1}"#)).encode(requestID: 1, checksum: true)
        bytes[25] ^= 0x40   // inside the body
        XCTAssertThrowsError(try OpMsg.decode(frame: bytes)) { error in
            XCTAssertEqual((error as? MongoError)?.code, .protocolViolation)
            XCTAssertTrue("\(error)".contains("checksum"), "\(error)")
        }
    }

    func testMalformedMessagesAreRejected() throws {
        let good = OpMsg(body: try doc(#"{"ping": 1}"#)).encode(requestID: 1)
        func rejects(_ bytes: [UInt8], _ contains: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try OpMsg.decode(frame: bytes), file: file, line: line) { error in
                XCTAssertEqual((error as? MongoError)?.code, .protocolViolation, file: file, line: line)
                XCTAssertTrue("\(error)".contains(contains), "\(error)", file: file, line: line)
            }
        }
        var unknownKind = good; unknownKind[20] = 2
        rejects(unknownKind, "section kind 2")
        var requiredBit = good; requiredBit[16] = 0x04
        rejects(requiredBit, "required flag")
        var optionalBit = good; optionalBit[19] = 0x80   // bit 31: optional, ignored
        XCTAssertNoThrow(try OpMsg.decode(frame: optionalBit))
        var wrongOp = good; wrongOp[12] = 0xD4   // 2004 OP_QUERY
        rejects(wrongOp, "not OP_MSG")
        var shortLength = good; shortLength[0] -= 1
        rejects(shortLength, "header says")
        var badDocLength = good; badDocLength[21] = 200
        rejects(badDocLength, "does not fit")
        // Two kind-0 sections.
        var twoBodies = Array(good[16...])
        twoBodies += [0] + Array(good[21...])
        var w = ByteWriter(); MessageHeader(messageLength: Int32(16 + twoBodies.count), requestID: 1, responseTo: 0, opCode: 2013).write(into: &w)
        rejects(w.bytes + twoBodies, "more than one kind-0")
        // Only a sequence, no body.
        let onlySequence = OpMsg(body: try doc("{}"), sequences: [DocumentSequence(identifier: "documents", documents: [try doc("{}")])])
            .encode(requestID: 1)
        let withoutBody = Array(onlySequence[0..<20]) + Array(onlySequence[26...])
        var fixed = withoutBody; let n = withoutBody.count
        fixed[0] = UInt8(n & 0xFF); fixed[1] = UInt8(n >> 8)
        rejects(fixed, "no kind-0")
        // Identifier without NUL inside its section.
        var seq = OpMsg(body: try doc("{}"), sequences: [DocumentSequence(identifier: "ab", documents: [])]).encode(requestID: 1)
        seq[seq.count - 1] = UInt8(ascii: "c")
        rejects(seq, "NUL-terminated")
        // Duplicate identifiers.
        let dup = OpMsg(body: try doc("{}"), sequences: [DocumentSequence(identifier: "a", documents: []),
                                                         DocumentSequence(identifier: "a", documents: [])]).encode(requestID: 1)
        rejects(dup, "appears twice")
    }

    // MARK: framing, fed whole, byte by byte and concatenated

    private func drain(_ decoder: inout MessageFrameDecoder) throws -> [(MessageHeader, OpMsg)] {
        var out: [(MessageHeader, OpMsg)] = []
        while let m = try decoder.next() { out.append(m) }
        return out
    }

    func testFrameDecoderWholeByteByByteAndConcatenated() throws {
        let messages = try sampleMessages()
        let frames = messages.enumerated().map { $1.encode(requestID: Int32($0 + 100), checksum: $0 % 2 == 1) }
        for (i, frame) in frames.enumerated() {
            var whole = MessageFrameDecoder()
            whole.append(frame)
            let got = try drain(&whole)
            XCTAssertEqual(got.count, 1)
            XCTAssertEqual(got.first?.1.body, messages[i].body)
            XCTAssertEqual(whole.bufferedByteCount, 0)

            var drip = MessageFrameDecoder()
            var dripped: [(MessageHeader, OpMsg)] = []
            for byte in frame {
                drip.append([byte])
                dripped += try drain(&drip)
            }
            XCTAssertEqual(dripped.count, 1)
            XCTAssertEqual(dripped.first?.1.sequences, messages[i].sequences)
        }
        let all = frames.flatMap { $0 }
        var together = MessageFrameDecoder()
        together.append(all)
        let got = try drain(&together)
        XCTAssertEqual(got.map { $0.0.requestID }, [100, 101, 102, 103])
        XCTAssertEqual(got.map { $0.1.body }, messages.map(\.body))
        // Every split point of the concatenation into two reads.
        for split in stride(from: 0, through: all.count, by: 7) {
            var d = MessageFrameDecoder()
            d.append(all[0..<split])
            var seen = try drain(&d)
            d.append(all[split...])
            seen += try drain(&d)
            XCTAssertEqual(seen.map { $0.0.requestID }, [100, 101, 102, 103], "split at \(split)")
        }
    }

    func testFrameDecoderLimitsFailAsSoonAsTheHeaderIsIn() throws {
        var d = MessageFrameDecoder(maxMessageSize: 1000)
        var w = ByteWriter()
        MessageHeader(messageLength: 5000, requestID: 1, responseTo: 0, opCode: 2013).write(into: &w)
        d.append(w.bytes)
        XCTAssertThrowsError(try d.next()) { XCTAssertEqual(($0 as? MongoError)?.code, .messageTooLarge) }

        var tiny = MessageFrameDecoder()
        var t = ByteWriter()
        MessageHeader(messageLength: 20, requestID: 1, responseTo: 0, opCode: 2013).write(into: &t)
        tiny.append(t.bytes)
        XCTAssertThrowsError(try tiny.next()) { XCTAssertEqual(($0 as? MongoError)?.code, .protocolViolation) }

        var negative = MessageFrameDecoder()
        negative.append([0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 12))
        XCTAssertThrowsError(try negative.next())

        var partial = MessageFrameDecoder()
        partial.append([1, 2, 3])
        XCTAssertNil(try partial.next())
    }

    // MARK: the spec's examples

    /// Every "Command Arguments As Payload" example of Fixtures/mongodb-opmsg/OP_MSG.md: the kind-0
    /// body and the kind-1 payload given there, encoded by us and decoded back, must hold the same
    /// documents as the array form the spec shows first.
    func testSpecExamplesOfCommandArgumentsAsPayload() throws {
        let text = try String(contentsOf: Fixtures.opMsgSpec, encoding: .utf8)
        guard let examplesStart = text.range(of: "#### Command Arguments As Payload Examples"),
              let examplesEnd = text.range(of: "### Test Plan") else {
            return XCTFail("OP_MSG.md lacks its examples section")
        }
        let examples = String(text[examplesStart.upperBound..<examplesEnd.lowerBound])
        let blocks = Self.codeBlocks(examples)
        // Each example: the full command (javascript), the kind-0 body (javascript), the kind-1 payload (yaml).
        XCTAssertEqual(blocks.count % 3, 0, "expected triples of code blocks, got \(blocks.count)")
        var ran = 0
        for i in stride(from: 0, to: blocks.count - 2, by: 3) {
            let full = try ExtendedJSON.document(from: Self.jsToJSON(blocks[i].text))
            let body = try ExtendedJSON.document(from: Self.jsToJSON(blocks[i + 1].text))
            let (identifier, documents) = try Self.parsePayload(blocks[i + 2].text)
            let message = OpMsg(body: body, sequences: [DocumentSequence(identifier: identifier, documents: documents)])
            var decoder = MessageFrameDecoder()
            decoder.append(message.encode(requestID: Int32(i)))
            guard let (_, decoded) = try decoder.next() else { return XCTFail("example \(i / 3) did not decode") }
            XCTAssertEqual(decoded.body, body)
            XCTAssertEqual(decoded.sequences.first?.documents, documents)
            // The command name stays the body's first key, and the payload holds the array's documents.
            XCTAssertEqual(body.keys.first, full.keys.first)
            let arrayKey = full.keys.first { full[$0]?.arrayValue != nil }
            let array = arrayKey.flatMap { full[$0]?.arrayValue }?.values.compactMap(\.documentValue) ?? []
            XCTAssertEqual(array.map { try? $0.canonicalized() }, documents.map { try? $0.canonicalized() },
                           "example \(i / 3) (\(full.keys.first ?? "?"))")
            ran += 1
        }
        print("OP_MSG.md payload examples: ran \(ran), passed \(ran), excluded 0")
        XCTAssertEqual(ran, 3)
    }

    private static func codeBlocks(_ text: String) -> [(lang: String, text: String)] {
        var blocks: [(String, String)] = []
        var current: (String, [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let c = current { blocks.append((c.0, c.1.joined(separator: "\n"))); current = nil }
                else { current = (String(line.dropFirst(3)), []) }
            } else if current != nil {
                current!.1.append(line)
            }
        }
        return blocks
    }

    /// The spec writes JavaScript object literals: quote bare keys (`w: "majority"` -> `"w": "majority"`).
    private static func jsToJSON(_ js: String) -> String {
        var out = ""
        var chars = Array(js)
        var i = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if c == "\"" { inString.toggle(); out.append(c); i += 1; continue }
            if !inString, c.isLetter || c == "_" || c == "$" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "$" { j += 1 }
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                let word = String(chars[i..<j])
                if k < chars.count, chars[k] == ":" { out += "\"\(word)\"" } else { out += word }
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }

    /// `identifier: NAME` and `documents: {...}{...}` lines of a yaml block.
    private static func parsePayload(_ yaml: String) throws -> (String, [BSONDocument]) {
        var identifier = ""
        var documents: [BSONDocument] = []
        for line in yaml.split(separator: "\n") {
            if line.hasPrefix("identifier:") {
                identifier = line.dropFirst("identifier:".count).trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            } else if line.hasPrefix("documents:") {
                var depth = 0
                var current = ""
                for c in line.dropFirst("documents:".count) {
                    if c == "{" { depth += 1 }
                    if depth > 0 { current.append(c) }
                    if c == "}" {
                        depth -= 1
                        if depth == 0 { documents.append(try ExtendedJSON.document(from: jsToJSON(current))); current = "" }
                    }
                }
            }
        }
        return (identifier, documents)
    }
}
