import Foundation
import KafkaProtocol
import WireCore
import XCTest

/// Checks every generated message at every valid version against an independent encoder
/// (Reference/kafka_reference.py), with random values:
/// - decoding the reference bytes gives the reference value, field by field;
/// - encoding that value gives the reference bytes exactly (golden bytes);
/// - decode(encode(x)) == x (round trip).
final class ReferenceEncoderTests: XCTestCase {
    static let casesPerVersion = 6

    func testEveryMessageEveryVersionAgainstReferenceEncoder() throws {
        let types = KafkaGeneratedMessages.all
        let byName = Dictionary(uniqueKeysWithValues: types.map { ($0.messageName, $0) })
        let output = try TestSupport.runPython(
            [TestSupport.referenceScript.path, TestSupport.schemaDirectory.path, "20261129",
             String(Self.casesPerVersion)] + types.map { $0.messageName })
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        var ran = 0
        var failed = 0
        var versionsSeen: [String: Set<Int16>] = [:]
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = try XCTUnwrap(object["message"] as? String)
            let version = Int16(try XCTUnwrap(object["version"] as? Int))
            let expected = try XCTUnwrap(ValueTree.bytes(hex: try XCTUnwrap(object["hex"] as? String)))
            let type = try XCTUnwrap(byName[name], "no generated type for \(name)")
            ran += 1
            versionsSeen[name, default: []].insert(version)
            if let problem = check(type, version: version, expected: expected, value: object["value"] as Any) {
                failed += 1
                if failed <= 20 { XCTFail("\(name) v\(version): \(problem)") }
            }
        }
        for type in types {
            XCTAssertEqual(versionsSeen[type.messageName]?.count, type.validVersions.count,
                           "\(type.messageName) not checked at every version")
        }
        print("kafka reference cases: ran \(ran), passed \(ran - failed), failed \(failed), excluded 0 "
              + "(\(types.count) message types, \(Self.casesPerVersion) per version)")
        XCTAssertGreaterThan(ran, 1000)
    }

    private func check<M: KafkaMessage>(_ type: M.Type, version: Int16, expected: [UInt8], value: Any) -> String? {
        var reader = ByteReader(expected)
        let decoded = M.decode(from: &reader, version: version)
        if let error = reader.error { return "decode failed: \(error)" }
        if !reader.isAtEnd { return "decode left \(reader.remaining) bytes" }
        let ours = ValueTree.canonical(ValueTree.tree(decoded))
        let theirs = ValueTree.canonical(value)
        if ours != theirs { return "decoded value differs\n ours:   \(ours)\n theirs: \(theirs)" }
        let encoded: [UInt8]
        do {
            encoded = try decoded.encoded(version: version)
        } catch {
            return "encode threw \(error)"
        }
        if encoded != expected {
            return "encoded bytes differ\n ours:   \(ValueTree.hex(encoded))\n theirs: \(ValueTree.hex(expected))"
        }
        var again = ByteReader(encoded)
        let roundTripped = M.decode(from: &again, version: version)
        if again.failed || !again.isAtEnd || roundTripped != decoded { return "round trip changed the value" }
        return nil
    }
}
