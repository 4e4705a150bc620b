import PeerTestSupport
import KafkaProtocol
import Transport
import XCTest
@testable import KafkaClient

/// The broker connection over TLS (Transport's TLSStream) against a fake broker with a
/// certificate from a CA made for the test.
final class TLSConnectionTests: XCTestCase {
    func testRequestsOverTLSAndAnUntrustedBrokerIsRefused() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try TLSContext(.server(certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey), server: true)
        let broker = try FakeBroker(tls: server) { request in [FakeBroker.coordinatorReply(request, nodeId: 9)] }
        defer { broker.stop() }

        let trusted = try TLSContext(.client(trust: .caFile(pki.caCertificate)), server: false)
        let connection = try await KafkaBrokerConnection.connect(
            to: broker.address, options: KafkaConnectionOptions(tls: KafkaTLS(context: trusted)))
        var request = FindCoordinatorRequest()
        request.key = "over-tls"
        let answer = try await connection.send(request)
        XCTAssertEqual(answer.nodeId, 9)
        await connection.close()

        let untrusting = try TLSContext(.client(trust: .caFile(pki.otherCACertificate)), server: false)
        do {
            _ = try await KafkaBrokerConnection.connect(
                to: broker.address, options: KafkaConnectionOptions(tls: KafkaTLS(context: untrusting)))
            XCTFail("a broker whose certificate no trusted CA signed was accepted")
        } catch {
            XCTAssertEqual(error.code, .authenticationFailed)
            XCTAssertFalse(error.isRetriable)
        }
    }
}
