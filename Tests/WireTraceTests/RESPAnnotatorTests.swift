import XCTest
@testable import WireTrace

final class RESPAnnotatorTests: XCTestCase {
    let command = Array("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n".utf8)

    func testCommandIsRenderedTokenByToken() {
        let frame = RESPAnnotator.annotate(command, direction: .sent)
        XCTAssertNil(frame.decodeFailure)
        XCTAssertEqual(frame.summary, "array (2): \"GET\" \"key\"")
        XCTAssertEqual(frame.fields.map(\.name), ["array header", "bulk string length", "bulk string", "bulk string length", "bulk string"])
        XCTAssertEqual(AnnotatedDump.render(frame), """
            >>> sent RESP, 22 bytes: array (2): "GET" "key"
            0000  2a 32 0d 0a                          array header                 2 elements
            0004  24 33 0d 0a                            bulk string length         3
            0008  47 45 54 0d 0a                         bulk string                "GET"
            000d  24 33 0d 0a                            bulk string length         3
            0011  6b 65 79 0d 0a                         bulk string                "key"

            """)
    }

    func testEveryRESP3TypeIsNamedAndEveryByteClaimed() {
        let reply = Array("|1\r\n+ttl\r\n:3600\r\n%2\r\n+a\r\n,1.5\r\n+b\r\n~2\r\n#t\r\n_\r\n".utf8)
            + Array(">2\r\n(123456789012345678901234567890\r\n=7\r\ntxt:abc\r\n".utf8)
        var framer = RESPFramer()
        let frames = try? framer.append(reply)
        XCTAssertEqual(frames?.count, 2)
        var names: [String] = []
        for bytes in frames ?? [] {
            let frame = RESPAnnotator.annotate(bytes, direction: .received)
            XCTAssertNil(frame.decodeFailure)
            XCTAssertEqual(Self.claimedBytes(frame), bytes.count, "every byte belongs to a field")
            names += frame.fields.map(\.name)
        }
        for name in ["attribute header", "simple string", "integer", "map header", "double", "set header", "boolean",
                     "null", "push header", "big number", "verbatim string length", "verbatim string"] {
            XCTAssertTrue(names.contains(name), name)
        }
    }

    func testFramerGivesTheSameFramesWholeByteByByteAndConcatenated() throws {
        let stream = command + Array("+OK\r\n".utf8) + command
        var whole = RESPFramer()
        let expected = try whole.append(stream)
        XCTAssertEqual(expected, [command, Array("+OK\r\n".utf8), command])
        var dripped = RESPFramer()
        var got: [[UInt8]] = []
        for byte in stream { got += try dripped.append([byte]) }
        XCTAssertEqual(got, expected)
    }

    func testMalformedFrameIsReportedNotHidden() {
        let frame = RESPAnnotator.annotate(Array("*2\r\n$3\r\nGET\r\n?x\r\n".utf8), direction: .sent)
        XCTAssertEqual(frame.decodeFailure, "unknown type byte 0x3f at 13")
        XCTAssertTrue(AnnotatedDump.render(frame).contains("(unannotated)"))
    }

    static func claimedBytes(_ frame: AnnotatedFrame) -> Int {
        var claimed = IndexSet()
        for field in frame.fields { claimed.insert(integersIn: field.range) }
        return claimed.count
    }
}
