import KafkaProtocol
import Transport
import XCTest
@testable import KafkaClient

/// Heartbeats never wait behind a fetch: a fake broker that, like Kafka, answers the requests of
/// one connection in order holds every Fetch for 2 s; heartbeats (every 200 ms) still arrive
/// meanwhile, because they travel on a connection of their own.
final class HeartbeatIsolationTests: XCTestCase {
    actor Log {
        var port = 0
        var heartbeats: [ContinuousClock.Instant] = []
        var fetches: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []
        func setPort(_ p: Int) { port = p }
        func heartbeat() { heartbeats.append(.now) }
        func fetched(_ start: ContinuousClock.Instant) { fetches.append((start, .now)) }
    }

    func testHeartbeatsGoOnDuringAHeldFetch() async throws {
        let log = Log()
        let broker = try FakeBroker { request in
            let version = request.header.requestApiVersion
            let id = request.header.correlationId
            func frame<R: KafkaRequest>(_ type: R.Type, _ response: R.Response) -> [[UInt8]] {
                [(try? R.frameResponse(response, version: version, correlationId: id)) ?? []]
            }
            switch request.header.requestApiKey {
            case MetadataRequest.apiKey:
                return [FakeBroker.metadataReply(request, topic: "t", port: await log.port)]
            case FindCoordinatorRequest.apiKey:
                return [FakeBroker.coordinatorReply(request, nodeId: 1)]
            case JoinGroupRequest.apiKey:
                var response = JoinGroupResponse()
                response.generationId = 1
                response.memberId = "m1"
                response.leader = "m1"
                response.protocolName = "range"
                let subscription = (try? KafkaConsumerProtocol.encode(ConsumerProtocolSubscription(topics: ["t"]), version: 0)) ?? []
                response.members = [.init(memberId: "m1", metadata: subscription)]
                return frame(JoinGroupRequest.self, response)
            case SyncGroupRequest.apiKey:
                let sync = try? SyncGroupRequest.decode(request.body, version: version)
                var response = SyncGroupResponse()
                response.assignment = sync?.assignments.first { $0.memberId == "m1" }?.assignment ?? []
                return frame(SyncGroupRequest.self, response)
            case HeartbeatRequest.apiKey:
                await log.heartbeat()
                return frame(HeartbeatRequest.self, HeartbeatResponse())
            case OffsetFetchRequest.apiKey:
                var response = OffsetFetchResponse()
                var partition = OffsetFetchResponse.OffsetFetchResponsePartition()
                partition.committedOffset = -1
                response.topics = [.init(name: "t", partitions: [partition])]
                return frame(OffsetFetchRequest.self, response)
            case ListOffsetsRequest.apiKey:
                var response = ListOffsetsResponse()
                var partition = ListOffsetsResponse.ListOffsetsPartitionResponse()
                partition.offset = 0
                response.topics = [.init(name: "t", partitions: [partition])]
                return frame(ListOffsetsRequest.self, response)
            case FetchRequest.apiKey:
                let start = ContinuousClock.now
                try? await Task.sleep(for: .seconds(2))
                await log.fetched(start)
                var response = FetchResponse()
                var partition = FetchResponse.PartitionData()
                partition.highWatermark = 0
                partition.records = []
                response.responses = [.init(topic: "t", partitions: [partition])]
                return frame(FetchRequest.self, response)
            case LeaveGroupRequest.apiKey:
                return frame(LeaveGroupRequest.self, LeaveGroupResponse())
            default:
                return []
            }
        }
        defer { broker.stop() }
        await log.setPort(broker.address.port)
        let cluster = KafkaCluster(bootstrap: [broker.address])
        var configuration = KafkaConsumerConfiguration(groupId: "g", topics: ["t"], autoCommit: false,
                                                       sessionTimeout: .seconds(6), heartbeatInterval: .milliseconds(200))
        configuration.fetchMaxWait = .seconds(2)
        let consumer = KafkaConsumer(cluster: cluster, configuration: configuration)
        let polling = Task { for _ in 0..<3 { _ = try? await consumer.poll(timeout: .seconds(2)) } }
        _ = await polling.value
        await consumer.close()
        await cluster.close()

        let fetches = await log.fetches
        let heartbeats = await log.heartbeats
        XCTAssertGreaterThanOrEqual(fetches.count, 1, "a fetch was held")
        guard let held = fetches.first else { return }
        let during = heartbeats.filter { $0 > held.start && $0 < held.end }
        // 2 s at one heartbeat per 200 ms: about 10; a shared connection would allow none.
        XCTAssertGreaterThanOrEqual(during.count, 5, "heartbeats during the 2 s fetch: \(during.count) of \(heartbeats.count)")
    }
}
