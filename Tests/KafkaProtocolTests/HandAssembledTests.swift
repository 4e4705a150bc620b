import KafkaProtocol
import WireCore
import XCTest

/// Golden bytes written out by hand from the protocol guide (kafka.apache.org/protocol),
/// not produced by any encoder.
final class HandAssembledTests: XCTestCase {
    private func bytes(_ hex: String) -> [UInt8] {
        ValueTree.bytes(hex: hex.replacingOccurrences(of: " ", with: ""))!
    }

    func testApiVersionsV0RequestFrame() throws {
        // size 12 | api key 18 | version 0 | correlation id 1 | client id "sy" (INT16 length) | empty body
        let expected = bytes("0000000c 0012 0000 00000001 0002 7379")
        XCTAssertEqual(try ApiVersionsRequest().frame(version: 0, correlationId: 1, clientId: "sy"), expected)
    }

    func testApiVersionsV3RequestFrameUsesHeaderV2() throws {
        // Header v2: client id stays an INT16 string, then an empty tagged section (00).
        // Body: COMPACT_STRING "switchyard" (length+1 = 0x0b), "1.0" (0x04), empty tagged section.
        // Size: header 13 bytes + body 16 bytes = 29.
        let expected = bytes("0000001d 0012 0003 00000007 0002 7379 00 0b 73776974636879617264 04 312e30 00")
        let request = ApiVersionsRequest(clientSoftwareName: "switchyard", clientSoftwareVersion: "1.0")
        XCTAssertEqual(try request.frame(version: 3, correlationId: 7, clientId: "sy"), expected)
    }

    func testMetadataV1RequestBodies() throws {
        // topics ["a"]: ARRAY count 1, STRING "a"
        XCTAssertEqual(try MetadataRequest(topics: [.init(name: "a")]).encoded(version: 1), bytes("00000001 0001 61"))
        // v1 made the array nullable: null (-1) asks for all topics.
        XCTAssertEqual(try MetadataRequest(topics: nil).encoded(version: 1), bytes("ffffffff"))
        // v0 cannot say "all topics"; an empty array means all there, and nil is refused.
        XCTAssertThrowsError(try MetadataRequest(topics: nil).encoded(version: 0))
    }

    func testProduceV3RequestBody() throws {
        // transactional id null | acks -1 | timeout 30000 | [topic "t" [partition 0, records aabbcc]]
        let expected = bytes("ffff ffff 00007530 00000001 0001 74 00000001 00000000 00000003 aabbcc")
        let request = ProduceRequest(
            transactionalId: nil, acks: -1, timeoutMs: 30000,
            topicData: [.init(name: "t", partitionData: [.init(index: 0, records: [0xAA, 0xBB, 0xCC])])])
        XCTAssertEqual(try request.encoded(version: 3), expected)
    }

    func testApiVersionsV3ResponseWithKnownAndUnknownTags() throws {
        // error 0 | COMPACT_ARRAY(1) [key 0, min 0, max 9, no tags] | throttle 0 |
        // tags: 2 fields: tag 1 (FinalizedFeaturesEpoch, 8 bytes) = 5, tag 9 (unknown, 2 bytes) = beef
        let body = bytes("0000 02 0000 0000 0009 00 00000000 02 01 08 0000000000000005 09 02 beef")
        let response = try ApiVersionsResponse.decode(body, version: 3)
        XCTAssertEqual(response.apiKeys, [.init(apiKey: 0, minVersion: 0, maxVersion: 9)])
        XCTAssertEqual(response.finalizedFeaturesEpoch, 5)
        XCTAssertEqual(response.unknownTaggedFields, [KafkaTaggedField(tag: 9, data: [0xBE, 0xEF])])
        XCTAssertEqual(try response.encoded(version: 3), body, "unknown tags must survive re-encoding")
    }

    func testResponseHeaderVersions() throws {
        let v0 = try ResponseHeader.decode(bytes("0000002a"), version: 0)
        XCTAssertEqual(v0.correlationId, 42)
        let v1 = try ResponseHeader.decode(bytes("0000002a 00"), version: 1)
        XCTAssertEqual(v1.correlationId, 42)
        XCTAssertEqual(ApiVersionsRequest.responseHeaderVersion(for: 3), 0, "ApiVersions always answers with header v0")
        XCTAssertEqual(MetadataRequest.responseHeaderVersion(for: 9), 1)
        XCTAssertEqual(MetadataRequest.responseHeaderVersion(for: 8), 0)
        XCTAssertEqual(MetadataRequest.requestHeaderVersion(for: 9), 2)
        XCTAssertEqual(MetadataRequest.requestHeaderVersion(for: 8), 1)
    }

    func testTaggedFieldsOutOfOrderAreRejected() {
        let body = bytes("0000 01 00000000 02 09 00 01 00")
        XCTAssertThrowsError(try ApiVersionsResponse.decode(body, version: 3))
    }

    func testEncodeRefusesWhatTheVersionCannotCarry() {
        // FetchResponse.SessionId is 7+ and not ignorable.
        XCTAssertThrowsError(try FetchResponse(sessionId: 5).encoded(version: 6)) { error in
            XCTAssertEqual((error as? KafkaProtocolError)?.code, .unsupportedVersion)
        }
        XCTAssertNoThrow(try FetchResponse(sessionId: 0).encoded(version: 6))
        // ThrottleTimeMs is ignorable: silently dropped at v0.
        XCTAssertNoThrow(try FetchResponse(throttleTimeMs: 9).encoded(version: 0))
        // A version the schema does not define.
        XCTAssertThrowsError(try FetchResponse().encoded(version: 99))
        // A STRING longer than Int16.max in a non-flexible version.
        let long = String(repeating: "x", count: 40000)
        XCTAssertThrowsError(try MetadataRequest(topics: [.init(name: long)]).encoded(version: 1))
        XCTAssertNoThrow(try MetadataRequest(topics: [.init(name: long)]).encoded(version: 9))
    }

    func testDecodeRejectsLyingArrayCount() {
        // ApiVersionsResponse v0 with an array count of 2^31-1 and no elements.
        var reader = ByteReader(bytes("0000 7fffffff"))
        _ = ApiVersionsResponse.decode(from: &reader, version: 0)
        XCTAssertTrue(reader.failed)
    }
}
