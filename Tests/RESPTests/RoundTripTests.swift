import TestRandom
import XCTest
@testable import RESP

/// encode -> decode gives back the value, for random nested values and for commands.
final class RoundTripTests: XCTestCase {

    static func randomBytes(_ rng: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func randomLine(_ rng: inout SeededGenerator) -> String {
        let alphabet = Array("abcXYZ 019:-+_é€😀")
        return String((0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    static func randomValue(_ rng: inout SeededGenerator, depth: Int) -> RESPValue {
        let kinds = depth >= 4 ? 11 : 16
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0: return .simpleString(randomLine(&rng))
        case 1: return .simpleError(randomLine(&rng))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .bulkString(Bool.random(using: &rng) ? nil : randomBytes(&rng))
        case 4: return .null
        case 5: return .boolean(Bool.random(using: &rng))
        case 6:
            let special: [Double] = [.infinity, -.infinity, .nan, 0, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
            return .double(Bool.random(using: &rng) ? special.randomElement(using: &rng)!
                                                   : Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng)))
        case 7: return .bigNumber((Bool.random(using: &rng) ? "-" : "") + String(UInt64.random(in: 0 ... .max, using: &rng)) + "123456789012345678901234567890")
        case 8: return .bulkError(randomBytes(&rng))
        case 9: return .verbatimString(format: ["txt", "mkd"].randomElement(using: &rng)!, text: randomBytes(&rng))
        case 10: return .array(nil)
        case 11: return .array(children(&rng, depth))
        case 12: return .set(children(&rng, depth))
        case 13: return .push(children(&rng, depth))
        case 14: return .map(pairs(&rng, depth))
        default: return .attribute(pairs(&rng, depth), randomValue(&rng, depth: depth + 1))
        }
    }

    static func children(_ rng: inout SeededGenerator, _ depth: Int) -> [RESPValue] {
        (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) }
    }

    static func pairs(_ rng: inout SeededGenerator, _ depth: Int) -> [RESPPair] {
        (0..<Int.random(in: 0...3, using: &rng)).map { _ in RESPPair(randomValue(&rng, depth: depth + 1), randomValue(&rng, depth: depth + 1)) }
    }

    func testRandomNestedValues() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        var stream: [UInt8] = []
        var all: [RESPValue] = []
        for _ in 0..<2000 {
            let value = Self.randomValue(&rng, depth: 0)
            let bytes = try RESPEncoder.encode(value)
            XCTAssertEqual(try SpecExampleTests.decodeAll(bytes), [value])
            // Re-encoding the decoded value gives the same bytes.
            XCTAssertEqual(try RESPEncoder.encode(try SpecExampleTests.decodeAll(bytes)[0]), bytes)
            stream += bytes
            all.append(value)
        }
        // The whole stream in uneven chunks.
        var decoder = RESPDecoder()
        var decoded: [RESPValue] = []
        var index = 0, size = 1
        while index < stream.count {
            let end = min(stream.count, index + size)
            decoder.append(stream[index..<end])
            while let value = try decoder.next() { decoded.append(value) }
            index = end
            size = size % 97 + 1
        }
        XCTAssertEqual(decoded, all)
    }

    func testEncodeCommand() throws {
        let expected = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8)
        XCTAssertEqual(RESPEncoder.encodeCommand(["SET", "k", "v"]), expected)
        XCTAssertEqual(RESPEncoder.encodeCommand([Array("SET".utf8), [UInt8(ascii: "k")], [UInt8(ascii: "v")]]), expected)
        // Binary-safe arguments, including CR LF and zero bytes.
        let binary: [[UInt8]] = [Array("SET".utf8), [0, 0x0D, 0x0A, 0xFF], []]
        XCTAssertEqual(try SpecExampleTests.decodeAll(RESPEncoder.encodeCommand(binary)), [.array(binary.map { .bulkString($0) })])
    }

    func testEncodeSpecExamples() throws {
        // The spec's canonical encodings come back byte for byte (where the text form is unique).
        for wire in ["*3\r\n:1\r\n:2\r\n:3\r\n", "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n", "=15\r\ntxt:Some string\r\n",
                     "$-1\r\n", "*-1\r\n", "_\r\n", ",inf\r\n", ",-inf\r\n", ",nan\r\n", ",1.23\r\n", "#t\r\n"] {
            let value = try SpecExampleTests.decodeAll(Array(wire.utf8))[0]
            XCTAssertEqual(try RESPEncoder.encode(value), Array(wire.utf8), wire.debugDescription)
        }
    }

    func testVerbatimFormatMayContainColon() throws {
        // Found by tools/fuzz/resp: the format is any 3 bytes, the 4th is the separator.
        let wire = Array("=4\r\n:xt:\r\n".utf8)
        let value = try SpecExampleTests.decodeAll(wire)
        XCTAssertEqual(value, [.verbatimString(format: ":xt", text: [])])
        XCTAssertEqual(try RESPEncoder.encode(value[0]), wire)
    }
}
