import KafkaProtocol
import Transport
import XCTest
@testable import KafkaClient

/// The broker connection against Tansu: version negotiation and plain requests.
final class TansuConnectionTests: XCTestCase {
    func testNegotiatesVersionsAndAnswersMetadata() async throws {
        let env = try PeerEnvironment.load()
        let address = try KafkaBrokerAddress(parsing: try env.require("SWITCHYARD_KAFKA_BOOTSTRAP"))
        let connection = try await KafkaBrokerConnection.connect(to: address, options: KafkaConnectionOptions())
        for key: Int16 in [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 32, 36, 60] {
            print("tansu api \(key): \(connection.brokerVersions(apiKey: key).map { "\($0)" } ?? "-")")
        }
        let metadata = try await connection.send(MetadataRequest(topics: nil))
        XCTAssertEqual(metadata.brokers.count, 1)
        XCTAssertEqual(metadata.brokers.first?.port, Int32(address.port))
        await connection.close()
    }
}
