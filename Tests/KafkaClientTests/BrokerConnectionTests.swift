import KafkaProtocol
import Transport
import XCTest
@testable import KafkaClient

/// The connection against a fake broker: pipelining, out-of-order answers, per-request
/// timeouts and cancellation that leave the connection usable, frame limits.
final class BrokerConnectionTests: XCTestCase {

    func testPipelinedRequestsMatchOutOfOrderResponses() async throws {
        let held = Mailbox<FakeBroker.Request>()
        let broker = try FakeBroker { request in
            await held.put(request)
            // Answer only once three requests are in, newest first.
            guard await held.count == 3 else { return [] }
            return await held.takeAll().reversed().map { FakeBroker.coordinatorReply($0, nodeId: Int32(FakeBroker.keyOf($0))!) }
        }
        defer { broker.stop() }
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions())
        XCTAssertEqual(try connection.version(for: FindCoordinatorRequest.self), 3)
        try await withThrowingTaskGroup(of: (Int32, Int32).self) { group in
            for key in [11, 22, 33] as [Int32] {
                group.addTask { (key, try await connection.send(findCoordinator("\(key)")).nodeId) }
            }
            for try await (key, nodeId) in group { XCTAssertEqual(key, nodeId) }
        }
        await connection.close()
    }

    func testTimedOutRequestLeavesTheConnectionUsableAndItsLateAnswerIsDropped() async throws {
        let broker = try FakeBroker { request in
            if FakeBroker.keyOf(request) == "slow" {
                try? await Task.sleep(for: .milliseconds(600))
            }
            return [FakeBroker.coordinatorReply(request, nodeId: FakeBroker.keyOf(request) == "slow" ? 1 : 2)]
        }
        defer { broker.stop() }
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions())
        do {
            _ = try await connection.send(findCoordinator("slow"), timeout: .milliseconds(100))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error.code, .timedOut)
            XCTAssertTrue(error.isRetriable)
        }
        // The broker answers in order, so this waits behind the late answer, which is dropped.
        let answer = try await connection.send(findCoordinator("fast"))
        XCTAssertEqual(answer.nodeId, 2)
        let failed = await connection.isFailed
        XCTAssertFalse(failed)
        await connection.close()
    }

    func testCancelledRequestLeavesTheConnectionUsable() async throws {
        let broker = try FakeBroker { request in
            if FakeBroker.keyOf(request) == "slow" { try? await Task.sleep(for: .milliseconds(400)) }
            return [FakeBroker.coordinatorReply(request, nodeId: 7)]
        }
        defer { broker.stop() }
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions())
        let task = Task { try await connection.send(findCoordinator("slow")) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch let error as KafkaError {
            XCTAssertEqual(error.code, .cancelled)
        }
        let answer = try await connection.send(findCoordinator("next"))
        XCTAssertEqual(answer.nodeId, 7)
        await connection.close()
    }

    func testOversizedFrameFailsTheConnectionAndItsRequests() async throws {
        let broker = try FakeBroker { request in
            var response = FindCoordinatorResponse()
            response.host = String(repeating: "h", count: 5_000)
            return [(try? FindCoordinatorRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                               correlationId: request.header.correlationId)) ?? []]
        }
        defer { broker.stop() }
        var options = KafkaConnectionOptions()
        options.maxFrameSize = 1_000
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: options)
        do {
            _ = try await connection.send(findCoordinator("x"))
            XCTFail("expected a frame-size failure")
        } catch {
            XCTAssertEqual(error.code, .protocolViolation)
            XCTAssertTrue(error.message.contains("limit"), error.message)
        }
        let failed = await connection.isFailed
        XCTAssertTrue(failed)
    }

    func testUnknownCorrelationIdFailsTheConnection() async throws {
        let broker = try FakeBroker { request in
            var response = FindCoordinatorResponse()
            response.nodeId = 1
            return [(try? FindCoordinatorRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                               correlationId: request.header.correlationId + 1000)) ?? []]
        }
        defer { broker.stop() }
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions())
        do {
            _ = try await connection.send(findCoordinator("x"))
            XCTFail("expected a protocol violation")
        } catch {
            XCTAssertEqual(error.code, .protocolViolation)
        }
    }

    func testVersionNegotiationPicksTheHighestCommonVersion() async throws {
        let broker = try FakeBroker { _ in [] }
        defer { broker.stop() }
        let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions())
        XCTAssertEqual(try connection.version(for: MetadataRequest.self), 9)
        XCTAssertEqual(try connection.version(for: FindCoordinatorRequest.self), 3)
        XCTAssertThrowsError(try connection.version(for: DescribeConfigsRequest.self)) { error in
            XCTAssertEqual((error as? KafkaError)?.code, .unsupportedVersion)
        }
        await connection.close()
    }

    func testConnectFailureIsRetriable() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        do {
            _ = try await KafkaBrokerConnection.connect(to: KafkaBrokerAddress(host: "127.0.0.1", port: port),
                                                        options: KafkaConnectionOptions())
            XCTFail("expected a refused connection")
        } catch {
            XCTAssertEqual(error.code, .connectionFailed)
            XCTAssertTrue(error.isRetriable)
        }
    }

    func testBrokerAddressParsing() throws {
        XCTAssertEqual(try KafkaBrokerAddress(parsing: "127.0.0.1:9092"), KafkaBrokerAddress(host: "127.0.0.1", port: 9092))
        XCTAssertEqual(try KafkaBrokerAddress(parsing: "tcp://[::1]:9093"), KafkaBrokerAddress(host: "::1", port: 9093))
        XCTAssertThrowsError(try KafkaBrokerAddress(parsing: "no-port"))
        XCTAssertThrowsError(try KafkaBrokerAddress(parsing: ":9092"))
        XCTAssertThrowsError(try KafkaBrokerAddress(parsing: "host:99999"))
    }
}

private func findCoordinator(_ key: String) -> FindCoordinatorRequest {
    var request = FindCoordinatorRequest()
    request.key = key
    return request
}
