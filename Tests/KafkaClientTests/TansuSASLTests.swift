import KafkaProtocol
import XCTest
@testable import KafkaClient

/// SASL against a fake broker that checks PLAIN and SCRAM, and against Tansu, which in the
/// harness has no SASL users and refuses every mechanism.
final class SASLTests: XCTestCase {
    func testPlainAndScramAuthenticateAgainstACheckingBroker() async throws {
        for (mechanism, name) in [(KafkaSASLMechanism.plain(username: "alice", password: "s3cret"), "PLAIN"),
                                  (.scramSHA256(username: "alice", password: "s3cret"), "SCRAM-SHA-256"),
                                  (.scramSHA512(username: "alice", password: "s3cret"), "SCRAM-SHA-512")] {
            let server = FakeSASLServer(mechanism: name, username: "alice", password: "s3cret")
            let broker = try FakeBroker { request in
                if request.header.requestApiKey == SaslHandshakeRequest.apiKey
                    || request.header.requestApiKey == SaslAuthenticateRequest.apiKey {
                    return await server.handle(request)
                }
                return [FakeBroker.coordinatorReply(request, nodeId: 5)]
            }
            defer { broker.stop() }
            let connection = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions(sasl: mechanism))
            let authenticated = await server.authenticated
            XCTAssertTrue(authenticated, name)
            var request = FindCoordinatorRequest()
            request.key = "after-auth"
            let answer = try await connection.send(request)
            XCTAssertEqual(answer.nodeId, 5)
            await connection.close()

            let wrong: KafkaSASLMechanism
            switch mechanism {
            case .plain: wrong = .plain(username: "alice", password: "wrong")
            case .scramSHA256: wrong = .scramSHA256(username: "alice", password: "wrong")
            case .scramSHA512: wrong = .scramSHA512(username: "alice", password: "wrong")
            }
            do {
                _ = try await KafkaBrokerConnection.connect(to: broker.address, options: KafkaConnectionOptions(sasl: wrong))
                XCTFail("\(name) with a wrong password was accepted")
            } catch {
                XCTAssertEqual(error.code, .authenticationFailed, name)
                XCTAssertEqual(error.brokerError, .saslAuthenticationFailed, name)
            }
        }
    }

    func testTansuRefusesEveryMechanismWithoutSASLUsers() async throws {
        let tansu = try TansuFixture.load()
        let address = try KafkaBrokerAddress(parsing: tansu.bootstrap)
        for mechanism: KafkaSASLMechanism in [.plain(username: "alice", password: "secret"),
                                              .scramSHA256(username: "alice", password: "secret"),
                                              .scramSHA512(username: "alice", password: "secret")] {
            do {
                _ = try await KafkaBrokerConnection.connect(to: address, options: KafkaConnectionOptions(sasl: mechanism))
                XCTFail("Tansu accepted SASL \(mechanism.name)")
            } catch {
                XCTAssertEqual(error.code, .authenticationFailed, mechanism.name)
                XCTAssertEqual(error.brokerError, .unsupportedSaslMechanism, mechanism.name)
            }
        }
        // The same broker without SASL answers.
        let plain = try await KafkaBrokerConnection.connect(to: address, options: KafkaConnectionOptions())
        _ = try await plain.send(MetadataRequest(topics: []))
        await plain.close()
    }
}
