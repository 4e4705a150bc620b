import Foundation
import WireCore
import XCTest

/// CRC-32C against every vector of Fixtures/crc32c/crc32c-vectors.json (RFC 3720 B.4, the
/// CRC catalogue check value, Kafka's Crc32CTest, the S3 trailer example).
final class CRC32CConformanceTests: XCTestCase {
    /// Vectors deliberately not run, by name, with the reason. Keep this the only place.
    static let exclusions: [String: String] = [:]

    struct VectorFile: Decodable {
        struct Algorithm: Decodable {
            let check_123456789: String
        }
        struct Repeat: Decodable {
            let byte_hex: String
            let count: Int
        }
        struct Vector: Decodable {
            let name: String
            let input_hex: String?
            let input_repeat: Repeat?
            let value: String
            let value_decimal: UInt32
            /// RFC 3720 prints the CRC as the bytes on the wire: the value little-endian.
            let rfc_crc_bytes: String?
            /// S3 sends the CRC big-endian, base64-encoded.
            let base64_big_endian: String?
        }
        let algorithm: Algorithm
        let vectors: [Vector]
    }

    static func loadVectors() throws -> VectorFile {
        let url = try PackageRoot.fixtures().appendingPathComponent("crc32c/crc32c-vectors.json")
        return try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url))
    }

    static func input(of vector: VectorFile.Vector) -> [UInt8]? {
        if let hex = vector.input_hex { return Hex.decode(hex) }
        if let rep = vector.input_repeat, let byte = Hex.decode(rep.byte_hex), byte.count == 1 {
            return [UInt8](repeating: byte[0], count: rep.count)
        }
        return nil
    }

    func testEveryFixtureVector() throws {
        let file = try Self.loadVectors()
        XCTAssertFalse(file.vectors.isEmpty, "fixture has no vectors")
        var ran = 0, passed = 0, excluded = 0
        for vector in file.vectors {
            if let reason = Self.exclusions[vector.name] {
                excluded += 1
                print("CRC32C vector \(vector.name) excluded: \(reason)")
                continue
            }
            ran += 1
            let failuresBefore = testRun?.failureCount ?? 0
            guard let input = Self.input(of: vector) else {
                XCTFail("\(vector.name): neither a decodable input_hex nor input_repeat")
                continue
            }
            guard let expected = UInt32(vector.value.dropFirst(2), radix: 16), vector.value.hasPrefix("0x") else {
                XCTFail("\(vector.name): value \(vector.value) is not 0x-prefixed hex")
                continue
            }
            XCTAssertEqual(expected, vector.value_decimal, "\(vector.name): value and value_decimal disagree")

            XCTAssertEqual(CRC32C.checksum(input), expected, "\(vector.name) via [UInt8]")
            XCTAssertEqual(input.withUnsafeBytes { CRC32C.checksum($0) }, expected, "\(vector.name) via raw buffer")
            // A collection without contiguous storage takes the copying path.
            XCTAssertEqual(CRC32C.checksum(input.lazy.map { $0 }), expected, "\(vector.name) via lazy collection")

            if let wire = vector.rfc_crc_bytes {
                var writer = ByteWriter()
                writer.writeUInt32LE(CRC32C.checksum(input))
                XCTAssertEqual(writer.bytes, hexBytes(wire), "\(vector.name): RFC 3720 wire bytes")
            }
            if let base64 = vector.base64_big_endian {
                var writer = ByteWriter()
                writer.writeUInt32BE(CRC32C.checksum(input))
                XCTAssertEqual(Data(writer.bytes).base64EncodedString(), base64, "\(vector.name): base64 big-endian")
            }
            if (testRun?.failureCount ?? 0) == failuresBefore { passed += 1 }
        }
        print("CRC32C fixture vectors: \(file.vectors.count) in file, ran \(ran), passed \(passed), excluded \(excluded)")
        XCTAssertEqual(ran + excluded, file.vectors.count)
    }

    func testCheckValueFromAlgorithmBlock() throws {
        let file = try Self.loadVectors()
        XCTAssertEqual(file.algorithm.check_123456789, "0xE3069283")
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    /// Feeding the input in arbitrary pieces must give the one-shot value.
    func testIncrementalUpdateInArbitrarySplitsEqualsOneShot() throws {
        let file = try Self.loadVectors()
        var rng = SeededGenerator(seed: 0xC3C3_2C00)
        for vector in file.vectors {
            guard let input = Self.input(of: vector) else { continue }  // reported by testEveryFixtureVector
            let expected = CRC32C.checksum(input)
            // Every two-way split of the short inputs.
            if input.count <= 64 {
                for cut in 0...input.count {
                    var crc = CRC32C()
                    crc.update(input[..<cut])
                    crc.update(input[cut...])
                    XCTAssertEqual(crc.value, expected, "\(vector.name) split at \(cut)")
                }
            }
            // Random multi-way splits, through both update overloads.
            for round in 0..<20 {
                var crc = CRC32C()
                var at = 0
                while at < input.count {
                    let size = min(input.count - at, Int.random(in: 0...max(1, input.count / 3), using: &rng))
                    if round % 2 == 0 {
                        crc.update(input[at..<at + size])
                    } else {
                        input.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[at..<at + size])) }
                    }
                    at += size
                }
                XCTAssertEqual(crc.value, expected, "\(vector.name) random split round \(round)")
            }
        }
    }

    /// The slicing-by-8 path against a bitwise CRC on many sizes and misalignments.
    func testSlicingMatchesBitwiseReferenceAtEveryAlignment() {
        var rng = SeededGenerator(seed: 0x5EED_0032)
        let buffer = rng.bytes(4096 + 8)
        let sizes = Array(0...80) + [127, 128, 129, 255, 256, 1000, 1023, 1024, 1025, 4095, 4096]
        buffer.withUnsafeBytes { raw in
            for offset in 0..<8 {
                for size in sizes {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<offset + size])
                    XCTAssertEqual(CRC32C.checksum(slice), bitwiseCRC(slice, reflectedPolynomial: 0x82F6_3B78),
                                   "offset \(offset) size \(size)")
                }
            }
        }
    }
}

/// The textbook one-bit-at-a-time reflected CRC-32 (init and xorout 0xFFFFFFFF).
func bitwiseCRC(_ bytes: UnsafeRawBufferPointer, reflectedPolynomial poly: UInt32) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ poly : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
}
