import Foundation
import XCTest

/// The committed Sources/KafkaProtocol/Generated/ must be exactly what the generator writes now.
final class GeneratedCodeTests: XCTestCase {
    func testCommittedCodeMatchesGenerator() throws {
        let root = TestSupport.packageRoot
        let fm = FileManager.default
        let temp = fm.temporaryDirectory.appendingPathComponent("kafka-codegen-\(UUID().uuidString)")
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: temp) }
        _ = try TestSupport.runPython([root.appendingPathComponent("tools/kafka-codegen/generate.py").path, "--out", temp.path])

        let committedDir = root.appendingPathComponent("Sources/KafkaProtocol/Generated")
        let fresh = try fm.contentsOfDirectory(atPath: temp.path).filter { $0.hasSuffix(".swift") }.sorted()
        let committed = try fm.contentsOfDirectory(atPath: committedDir.path).filter { $0.hasSuffix(".swift") }.sorted()
        XCTAssertEqual(fresh, committed, "generated file set differs from the committed one")
        XCTAssertGreaterThan(fresh.count, 40)
        var compared = 0
        for name in fresh where committed.contains(name) {
            let a = try Data(contentsOf: temp.appendingPathComponent(name))
            let b = try Data(contentsOf: committedDir.appendingPathComponent(name))
            XCTAssertEqual(a, b, "\(name) differs from the generator's output; run tools/kafka-codegen/generate.py")
            compared += 1
        }
        print("kafka codegen: compared \(compared) generated files")
    }
}
