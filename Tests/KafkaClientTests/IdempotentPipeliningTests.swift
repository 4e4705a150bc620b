import KafkaProtocol
import WireCore
import XCTest
@testable import KafkaClient

/// The idempotent producer with several batches of a partition in flight. A fake broker checks
/// sequence numbers as Kafka does: it appends a batch whose sequence is the next expected,
/// answers DUPLICATE_SEQUENCE_NUMBER below that and OUT_OF_ORDER_SEQUENCE_NUMBER above it. It
/// fails one Produce with NOT_LEADER_OR_FOLLOWER, so that the batches already sent behind it are
/// refused as out of order. The producer must resend them all, in order, with their own
/// sequences and without a new epoch; the log ends with every record once, in the order sent.
/// (On Tansu: `TansuProducerTests.testSeveralIdempotentBatchesInFlightPerPartition`.)
final class IdempotentPipeliningTests: XCTestCase {
    actor SequenceCheckingLog {
        var port = 0
        var initCalls = 0
        var produceRequests = 0
        var expected: Int32 = 0
        var stored: [[UInt8]] = []
        var epochs: Set<Int16> = []
        var outOfOrder = 0
        var duplicates = 0
        let failRequest: Int

        init(failRequest: Int) { self.failRequest = failRequest }
        func setPort(_ p: Int) { port = p }
        func initCalled() { initCalls += 1 }

        /// The answer to one batch: an error code and a base offset.
        func produce(_ batch: KafkaRecordBatch) -> (Int16, Int64) {
            produceRequests += 1
            if produceRequests == failRequest { return (KafkaErrorCode.notLeaderOrFollower.rawValue, -1) }
            epochs.insert(batch.producerEpoch)
            if batch.baseSequence == expected {
                let base = Int64(stored.count)
                stored += batch.records.map { $0.value ?? [] }
                expected += Int32(batch.records.count)
                return (0, base)
            }
            if batch.baseSequence < expected {
                duplicates += 1
                return (KafkaErrorCode.duplicateSequenceNumber.rawValue, -1)
            }
            outOfOrder += 1
            return (KafkaErrorCode.outOfOrderSequenceNumber.rawValue, -1)
        }
    }

    private func run(inFlight: Int, failRequest: Int, records: Int) async throws -> SequenceCheckingLog {
        let log = SequenceCheckingLog(failRequest: failRequest)
        let broker = try FakeBroker { request in
            switch request.header.requestApiKey {
            case MetadataRequest.apiKey:
                return [FakeBroker.metadataReply(request, topic: "t", port: await log.port)]
            case InitProducerIdRequest.apiKey:
                await log.initCalled()
                return [FakeBroker.initProducerIdReply(request, producerId: 7)]
            case ProduceRequest.apiKey:
                // A slow broker, so that the producer has several requests out.
                try? await Task.sleep(for: .milliseconds(5))
                guard let batch = FakeBroker.producedBatches(request).first?.batch else { return [] }
                let (code, base) = await log.produce(batch)
                return [FakeBroker.produceReply(request, topic: "t", [(0, code, base)])]
            default:
                return []
            }
        }
        defer { broker.stop() }
        await log.setPort(broker.address.port)
        let cluster = KafkaCluster(bootstrap: [broker.address], retry: KafkaRetryPolicy(timeout: .seconds(10)))
        var configuration = KafkaProducerConfiguration(acks: .all, linger: .milliseconds(1), batchBytes: 120, idempotent: true)
        configuration.maxInFlightPerPartition = inFlight
        configuration.retryBackoff = .milliseconds(20)
        configuration.deliveryTimeout = .seconds(20)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        for i in 0..<records { try await producer.enqueue(topic: "t", value: Array("record-\(i)".utf8)) }
        try await producer.flush()
        try await producer.close()
        await cluster.close()
        return log
    }

    func testAFailedBatchGoesOutAgainBeforeThoseBehindItWithoutANewEpoch() async throws {
        let log = try await run(inFlight: 5, failRequest: 3, records: 60)
        let stored = await log.stored
        XCTAssertEqual(stored, (0..<60).map { Array("record-\($0)".utf8) }, "every record once, in order")
        let outOfOrder = await log.outOfOrder
        XCTAssertGreaterThan(outOfOrder, 0, "batches were in flight behind the failed one")
        let epochs = await log.epochs
        XCTAssertEqual(epochs, [0], "no epoch bump for batches refused behind a retried one")
        let initCalls = await log.initCalls
        XCTAssertEqual(initCalls, 1)
        print("idempotent pipelining: \(await log.produceRequests) Produce requests, \(outOfOrder) refused as out of order and resent, \(await log.duplicates) duplicates")
    }

    /// One batch in flight: nothing is ever refused as out of order.
    func testOneInFlightNeverGetsOutOfOrder() async throws {
        let log = try await run(inFlight: 1, failRequest: 3, records: 30)
        let stored = await log.stored
        XCTAssertEqual(stored, (0..<30).map { Array("record-\($0)".utf8) })
        let outOfOrder = await log.outOfOrder
        XCTAssertEqual(outOfOrder, 0)
    }
}
