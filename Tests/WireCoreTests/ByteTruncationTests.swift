import WireCore
import XCTest

/// Decoding every prefix of a valid encoding: the values that fit decode, the first one cut
/// fails with needMoreData, everything after reads as zero, and nothing traps.
final class ByteTruncationTests: XCTestCase {
    func testEveryPrefixDecodesWhatFitsThenNeedsMoreData() {
        let seed: UInt64 = 0x7EC_A7E
        var rng = SeededGenerator(seed: seed)
        var prefixes = 0
        for round in 0..<150 {
            let values = (0..<Int.random(in: 1...8, using: &rng)).map { _ in WireValue.random(&rng) }
            var writer = ByteWriter()
            var ends: [Int] = []  // ends[i]: offset just past value i
            for v in values {
                v.write(to: &writer)
                ends.append(writer.count)
            }
            let full = writer.bytes
            for cut in 0...full.count {
                prefixes += 1
                var reader = ByteReader(Array(full[..<cut]))
                let context = "seed \(seed) round \(round) cut \(cut)/\(full.count)"
                var failedAt: Int?
                for (i, v) in values.enumerated() {
                    let start = i == 0 ? 0 : ends[i - 1]
                    let back = v.readSameKind(from: &reader)
                    if ends[i] <= cut {
                        XCTAssertEqual(back, v, "\(context): value \(i) fits")
                        XCTAssertNil(reader.error, "\(context): value \(i) fits")
                        continue
                    }
                    XCTAssertEqual(back, v.zeroOfSameKind, "\(context): value \(i) cut")
                    if failedAt == nil {
                        failedAt = i
                        XCTAssertEqual(reader.error?.code, .needMoreData, "\(context): value \(i) cut")
                        XCTAssertEqual(reader.error?.isRetriable, true)
                        if let offset = reader.error?.offset {
                            XCTAssertTrue(start <= offset && offset <= cut, "\(context): error offset \(offset)")
                        }
                    }
                    XCTAssertEqual(reader.remaining, 0, context)
                }
                if cut == full.count {
                    XCTAssertNil(failedAt, context)
                    XCTAssertTrue(reader.isAtEnd)
                } else {
                    XCTAssertNotNil(failedAt, "\(context): a strict prefix must fail")
                    XCTAssertThrowsError(try reader.check(), context)
                }
            }
        }
        print("ByteReader truncation: \(prefixes) prefixes decoded")
    }
}
