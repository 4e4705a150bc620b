import PeerTestSupport
import Foundation
import KafkaProtocol
import XCTest
@testable import KafkaClient

/// A cluster client on the Tansu broker of the peers harness, and fresh topics per test
/// (Tansu keeps topics in memory, so names are made unique).
struct TansuFixture {
    let env: PeerEnvironment
    let bootstrap: String

    static func load() throws -> TansuFixture {
        let env = try PeerEnvironment.load()
        return TansuFixture(env: env, bootstrap: try env.require("SWITCHYARD_KAFKA_BOOTSTRAP"))
    }

    func cluster(retryTimeout: Duration = .seconds(30)) throws -> KafkaCluster {
        try KafkaCluster(bootstrapServers: bootstrap, retry: KafkaRetryPolicy(timeout: retryTimeout))
    }

    /// Creates a topic with a unique name.
    func createTopic(_ prefix: String, partitions: Int32, on cluster: KafkaCluster) async throws -> String {
        let name = "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
        try await KafkaAdmin(cluster: cluster).createTopic(name, partitions: partitions)
        return name
    }
}
