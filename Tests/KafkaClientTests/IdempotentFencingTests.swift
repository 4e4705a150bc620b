import KafkaProtocol
import WireCore
import XCTest
@testable import KafkaClient

/// The idempotent producer's recovery from fencing errors, against a fake broker that fails the
/// first Produce with a chosen error: OUT_OF_ORDER_SEQUENCE_NUMBER makes the producer bump its
/// epoch itself; UNKNOWN_PRODUCER_ID makes it ask for a fresh producer id. Either way the batch
/// is sent again with sequence 0.
final class IdempotentFencingTests: XCTestCase {
    actor Log {
        var port = 0
        var initCalls = 0
        var batches: [(producerId: Int64, epoch: Int16, sequence: Int32, count: Int)] = []
        func setPort(_ p: Int) { port = p }
        func initCalled() -> Int { initCalls += 1; return initCalls }
        func batch(_ b: KafkaRecordBatch) -> Int {
            batches.append((b.producerId, b.producerEpoch, b.baseSequence, b.records.count))
            return batches.count
        }
    }

    private func run(firstError: KafkaErrorCode) async throws -> Log {
        let log = Log()
        let broker = try FakeBroker { request in
            switch request.header.requestApiKey {
            case MetadataRequest.apiKey:
                return [FakeBroker.metadataReply(request, topic: "t", port: await log.port)]
            case InitProducerIdRequest.apiKey:
                let calls = await log.initCalled()
                return [FakeBroker.initProducerIdReply(request, producerId: 41 + Int64(calls))]
            case ProduceRequest.apiKey:
                guard let batch = FakeBroker.producedBatches(request).first?.batch else { return [] }
                let attempt = await log.batch(batch)
                return [FakeBroker.produceReply(request, topic: "t", [(0, attempt == 1 ? firstError.rawValue : 0, attempt == 1 ? -1 : 0)])]
            default:
                return []
            }
        }
        defer { broker.stop() }
        await log.setPort(broker.address.port)
        let cluster = KafkaCluster(bootstrap: [broker.address], retry: KafkaRetryPolicy(timeout: .seconds(10)))
        var configuration = KafkaProducerConfiguration(acks: .all, idempotent: true)
        configuration.retryBackoff = .milliseconds(10)
        configuration.deliveryTimeout = .seconds(10)
        let producer = try KafkaProducer(cluster: cluster, configuration: configuration)
        let delivery = try await producer.send(topic: "t", value: Array("x".utf8))
        XCTAssertEqual(delivery.offset, 0)
        try await producer.close()
        await cluster.close()
        return log
    }

    func testOutOfOrderSequenceBumpsTheEpochLocally() async throws {
        let log = try await run(firstError: .outOfOrderSequenceNumber)
        let batches = await log.batches
        XCTAssertEqual(batches.map(\.producerId), [42, 42])
        XCTAssertEqual(batches.map(\.epoch), [0, 1])
        XCTAssertEqual(batches.map(\.sequence), [0, 0])
        let initCalls = await log.initCalls
        XCTAssertEqual(initCalls, 1)
    }

    func testUnknownProducerIdGetsAFreshId() async throws {
        let log = try await run(firstError: .unknownProducerId)
        let batches = await log.batches
        XCTAssertEqual(batches.map(\.producerId), [42, 43])
        XCTAssertEqual(batches.map(\.sequence), [0, 0])
        let initCalls = await log.initCalls
        XCTAssertEqual(initCalls, 2)
    }
}

import WireCore

/// A ByteReader held in a var (the decode API takes it inout).
struct ByteReaderBox {
    var reader: ByteReader
    init(_ bytes: [UInt8]) { reader = ByteReader(bytes) }
}
