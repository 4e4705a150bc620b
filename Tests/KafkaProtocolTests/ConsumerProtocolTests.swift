import KafkaProtocol
import XCTest

final class ConsumerProtocolTests: XCTestCase {
    func testSubscriptionBytesAndVersions() throws {
        let subscription = ConsumerProtocolSubscription(topics: ["a"], userData: nil)
        // version 0 | [topics] count 1, "a" | user data null
        XCTAssertEqual(try KafkaConsumerProtocol.encode(subscription, version: 0),
                       [0, 0, 0, 0, 0, 1, 0, 1, 0x61, 0xFF, 0xFF, 0xFF, 0xFF])
        for version in ConsumerProtocolSubscription.validVersions {
            var value = ConsumerProtocolSubscription(topics: ["t1", "t2"], userData: [1, 2])
            if version >= 1 { value.ownedPartitions = [.init(topic: "t1", partitions: [0, 3])] }
            if version >= 2 { value.generationId = 7 }
            if version >= 3 { value.rackId = "r1" }
            let bytes = try KafkaConsumerProtocol.encode(value, version: version)
            let decoded = try KafkaConsumerProtocol.decodeSubscription(bytes)
            XCTAssertEqual(decoded.version, version)
            XCTAssertEqual(decoded.subscription, value)
        }
    }

    func testNewerVersionIsReadAsNewestKnown() throws {
        var bytes = try KafkaConsumerProtocol.encode(ConsumerProtocolAssignment(assignedPartitions: [.init(topic: "t", partitions: [1])]), version: 3)
        bytes[1] = 9  // claim version 9 and append a field we do not know
        bytes += [0xAB, 0xCD]
        let decoded = try KafkaConsumerProtocol.decodeAssignment(bytes)
        XCTAssertEqual(decoded.version, 9)
        XCTAssertEqual(decoded.assignment.assignedPartitions.first?.partitions, [1])
    }

    func testApiVersionsFallsBackToVersionZero() throws {
        // UNSUPPORTED_VERSION (35) with the broker's ApiVersions range, in a v0 body.
        let v0 = try ApiVersionsResponse(errorCode: 35, apiKeys: [.init(apiKey: 18, minVersion: 0, maxVersion: 2)]).encoded(version: 0)
        let response = try ApiVersionsResponse.decodeWithFallback(v0, version: 4)
        XCTAssertEqual(KafkaErrorCode(code: response.errorCode), .unsupportedVersion)
        XCTAssertEqual(response.negotiatedVersion(for: ApiVersionsRequest.self), 2)
        XCTAssertThrowsError(try ApiVersionsResponse.decode(v0, version: 4))
    }

    func testVersionNegotiation() {
        let response = ApiVersionsResponse(apiKeys: [.init(apiKey: 3, minVersion: 0, maxVersion: 99),
                                                     .init(apiKey: 1, minVersion: 4, maxVersion: 11)])
        XCTAssertEqual(response.negotiatedVersion(for: MetadataRequest.self), 12)
        XCTAssertEqual(response.negotiatedVersion(for: FetchRequest.self), 11)
        XCTAssertNil(response.negotiatedVersion(for: ProduceRequest.self))
    }
}
