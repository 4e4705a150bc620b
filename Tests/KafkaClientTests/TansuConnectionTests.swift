import PeerTestSupport
import KafkaProtocol
import Transport
import XCTest
@testable import KafkaClient

/// The broker connection against Tansu: version negotiation and a plain request.
final class TansuConnectionTests: XCTestCase {
    func testNegotiatesVersionsAndAnswersMetadata() async throws {
        let env = try PeerEnvironment.load()
        let address = try KafkaBrokerAddress(parsing: try env.require("SWITCHYARD_KAFKA_BOOTSTRAP"))
        let connection = try await KafkaBrokerConnection.connect(to: address, options: KafkaConnectionOptions())
        // Tansu 0.6 lists Produce 0-11, Fetch 0-17, Metadata 0-12: the codec's or the client's cap wins.
        XCTAssertEqual(try connection.version(for: ProduceRequest.self), min(11, connection.brokerVersions(apiKey: 0)!.upperBound))
        XCTAssertEqual(try connection.version(for: FetchRequest.self), min(12, connection.brokerVersions(apiKey: 1)!.upperBound))
        XCTAssertEqual(try connection.version(for: MetadataRequest.self), min(9, connection.brokerVersions(apiKey: 3)!.upperBound))
        let metadata = try await connection.send(MetadataRequest(topics: nil))
        XCTAssertEqual(metadata.brokers.count, 1)
        XCTAssertEqual(metadata.brokers.first?.port, Int32(address.port))
        await connection.close()
    }
}
