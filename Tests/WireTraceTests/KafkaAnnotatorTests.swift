import KafkaProtocol
import WireCore
import XCTest
@testable import WireTrace

final class KafkaAnnotatorTests: XCTestCase {
    func testProduceRequestShowsHeaderBodyFieldsAndEachRecord() throws {
        let batch = KafkaRecordBatch(baseTimestamp: 1_700_000_000_000, records: [
            KafkaRecord(offsetDelta: 0, key: Array("task-1".utf8), value: Array("{\"n\":1}".utf8),
                        headers: [KafkaRecordHeader(key: "type", value: Array("resize".utf8))]),
            KafkaRecord(offsetDelta: 1, key: nil, value: Array("x".utf8)),
        ])
        let records = try batch.encoded()
        var request = ProduceRequest()
        request.acks = -1
        request.timeoutMs = 5000
        var partition = ProduceRequest.PartitionProduceData()
        partition.index = 0
        partition.records = ByteView(records)
        var topic = ProduceRequest.TopicProduceData()
        topic.name = "tasks"
        topic.partitionData = [partition]
        request.topicData = [topic]
        let frame = try request.frame(version: 9, correlationId: 42, clientId: "switchyard")

        var annotator = KafkaAnnotator()
        let annotated = annotator.annotate(frame, direction: .sent)
        XCTAssertNil(annotated.decodeFailure)
        XCTAssertEqual(annotated.summary, "Produce v9 request, correlation id 42")
        let lines = annotated.fields.map { "\($0.name) \($0.value)" }
        for expected in ["request_api_key 0 (Produce)", "request_api_version 9", "correlation_id 42",
                         "client_id \"switchyard\"", "header tagged fields 0 fields", "acks -1", "timeoutMs 5000",
                         "name \"tasks\"", "magic 2", "attributes 0x0 (compression none)", "records count 2",
                         "key \"task-1\"", "value \"{\\\"n\\\":1}\"", "header \"type\" = \"resize\"", "key null"] {
            XCTAssertTrue(lines.contains(expected), "missing \(expected) in \(lines)")
        }
        // The record batch is located in the frame and walked with its real offsets.
        let magic = try XCTUnwrap(annotated.fields.first { $0.name == "magic" })
        XCTAssertEqual(frame[magic.range.lowerBound], 2)
    }

    func testResponseIsDecodedWithTheVersionOfItsRequest() throws {
        let request = ApiVersionsRequest()
        let sent = try request.frame(version: 3, correlationId: 7, clientId: nil)
        var response = ApiVersionsResponse()
        response.errorCode = 0
        response.apiKeys = [ApiVersionsResponse.ApiVersion(apiKey: 0, minVersion: 0, maxVersion: 11)]
        let received = try ApiVersionsRequest.frameResponse(response, version: 3, correlationId: 7)

        var annotator = KafkaAnnotator()
        _ = annotator.annotate(sent, direction: .sent)
        let annotated = annotator.annotate(received, direction: .received)
        XCTAssertNil(annotated.decodeFailure)
        XCTAssertEqual(annotated.summary, "ApiVersions v3 response, correlation id 7")
        let lines = annotated.fields.map { "\($0.name) \($0.value)" }
        XCTAssertTrue(lines.contains("maxVersion 11"), "\(lines)")

        // A response whose request was not seen is still shown, and says so.
        let orphan = annotator.annotate(received, direction: .received)
        XCTAssertEqual(orphan.summary, "response, correlation id 7 (no request seen with that id)")
    }

    /// A cooperative-sticky member's JoinGroup: its metadata is shown as the consumer protocol's
    /// subscription, and the sticky user data inside it as the previous assignment and generation.
    func testJoinGroupMetadataIsShownAsTheConsumerSubscription() throws {
        var subscription = ConsumerProtocolSubscription()
        subscription.topics = ["tasks"]
        subscription.ownedPartitions = [.init(topic: "tasks", partitions: [1, 3])]
        subscription.generationId = 7
        subscription.userData = StickyAssignorUserData(previousAssignment: [.init(topic: "tasks", partitions: [1, 3])], generation: 7).encoded()
        var request = JoinGroupRequest()
        request.groupId = "dispatchers"
        request.memberId = ""
        request.groupInstanceId = "dispatcher-1"
        request.protocolType = "consumer"
        request.protocols = [.init(name: "cooperative-sticky", metadata: try KafkaConsumerProtocol.encode(subscription, version: 3))]
        let frame = try request.frame(version: 8, correlationId: 3, clientId: "switchyard")

        var annotator = KafkaAnnotator()
        let annotated = annotator.annotate(frame, direction: .sent)
        XCTAssertNil(annotated.decodeFailure)
        let lines = annotated.fields.map { "\($0.name) \($0.value)" }
        for expected in ["groupInstanceId \"dispatcher-1\"", "as consumer subscription version 3", "generationId 7",
                         "as sticky assignor data ", "generation 7", "[1] 3"] {
            XCTAssertTrue(lines.contains(expected), "missing \(expected) in \(lines)")
        }
        // Bytes that are not the consumer protocol stay opaque.
        request.protocols = [.init(name: "other", metadata: [1, 2, 3])]
        let opaque = annotator.annotate(try request.frame(version: 8, correlationId: 4, clientId: nil), direction: .sent)
        XCTAssertFalse(opaque.fields.contains { $0.name == "as consumer subscription" })
    }
}
