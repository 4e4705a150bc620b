import KafkaClient
import KafkaProtocol
import Synchronization
import WireCore
import WireTrace

/// Probes every API a Kafka broker claims, at every version both sides know, with a minimal
/// harmless request, and records what came back: decoded fine, a broker error code, a timeout,
/// or a decode failure with the offending bytes. Each API gets a fresh connection, so one
/// probe's aftermath (a closed socket, a SASL state) cannot colour the next.
struct KafkaConformance {
    let bootstrap: KafkaBrokerAddress
    let options: KafkaConnectionOptions
    let timeout: Duration

    /// The request a probe sends for an API at a version, or why the API is not probed.
    enum Probe {
        case send(@Sendable (KafkaBrokerConnection, Int16) async throws(KafkaError) -> String)
        case skipped(String)
    }

    func run() async throws -> ConformanceMatrix {
        let failures = FailedFrames()
        let tracer = WireTracer(protocol: .kafka, recordPcap: false) { _, frame in
            if frame.decodeFailure != nil { failures.add(frame) }
        }
        let (bootstrap, options) = (self.bootstrap, self.options)
        let first = try await tracer.run { try await KafkaBrokerConnection.connect(to: bootstrap, options: options) }
        let table = KafkaVersionTable.rows(first)
        await first.close()
        var matrix = ConformanceMatrix(server: "Kafka broker at \(bootstrap)", columns: ["API", "key", "server", "ours", "exercised", "result"])
        for row in table {
            let claimed = row.broker.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-"
            let ours = row.ours.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-"
            guard let offered = row.broker else {
                matrix.rows.append([row.name, String(row.apiKey), claimed, ours, "no", "not offered by the server"])
                continue
            }
            guard let valid = row.ours, offered.overlaps(valid) else {
                matrix.rows.append([row.name, String(row.apiKey), claimed, ours, "no",
                                    row.ours == nil ? "no codec for this API in our client" : "no version in common"])
                continue
            }
            let common = max(offered.lowerBound, valid.lowerBound)...min(offered.upperBound, valid.upperBound)
            switch Self.probe(apiKey: row.apiKey, timeout: timeout) {
            case .skipped(let reason):
                matrix.rows.append([row.name, String(row.apiKey), claimed, ours, "no", reason])
            case .send(let send):
                var outcomes: [(Int16, String)] = []
                let connection: KafkaBrokerConnection
                do {
                    connection = try await tracer.run { try await KafkaBrokerConnection.connect(to: bootstrap, options: options) }
                } catch {
                    matrix.rows.append([row.name, String(row.apiKey), claimed, ours, "no", "could not connect: \(error)"])
                    continue
                }
                for version in common {
                    let outcome: String
                    do {
                        outcome = try await tracer.run { try await send(connection, version) }
                    } catch let error as KafkaError {
                        switch error.code {
                        case .protocolViolation:
                            let bytes = failures.frame(matching: "\(row.name) v\(version) response").map { " bytes " + Hex.encode($0.bytes.prefix(48)) + ($0.bytes.count > 48 ? "… (\($0.bytes.count) bytes)" : "") } ?? ""
                            outcome = "DECODE FAILURE: \(error.message)\(bytes)"
                            matrix.decodeFailures += 1
                        case .timedOut: outcome = "timed out"
                        case .connectionLost, .connectionFailed: outcome = "connection closed"
                        default: outcome = "\(error.code.rawValue): \(error.message)"
                        }
                    }
                    outcomes.append((version, outcome))
                    if outcome == "connection closed" || outcome == "timed out" { break }
                }
                await connection.close()
                let exercised = outcomes.count == common.count ? "v\(common.lowerBound)-\(common.upperBound)"
                    : outcomes.map { "v\($0.0)" }.joined(separator: ",")
                matrix.rows.append([row.name, String(row.apiKey), claimed, ours, exercised, ConformanceMatrix.compress(outcomes)])
            }
        }
        matrix.notes = ["Each API is probed on its own connection, with an empty or minimal request (no topic, a group named switchyard-probe), at every version both sides know; an error code in the reply means the broker answered and our codec read it.",
                        "\"connection closed\": the broker closed the socket instead of answering; later versions of that API were not tried."]
        return matrix
    }

    /// A minimal request per API: empty lists, a group named `switchyard-probe`, no data written.
    static func probe(apiKey: Int16, timeout: Duration) -> Probe {
        let group = "switchyard-probe"
        func send<R: KafkaRequest>(_ make: @escaping @Sendable (Int16) -> R) -> Probe {
            .send { connection, version throws(KafkaError) in
                let response = try await connection.send(make(version), version: version, timeout: timeout)
                return ConformanceMatrix.describe(response)
            }
        }
        switch apiKey {
        case ProduceRequest.apiKey:
            return send { _ in var r = ProduceRequest(); r.acks = 1; r.timeoutMs = 1000; r.transactionalId = nil; return r }
        case FetchRequest.apiKey: return send { _ in var r = FetchRequest(); r.maxWaitMs = 0; return r }
        case ListOffsetsRequest.apiKey: return send { _ in ListOffsetsRequest() }
        case MetadataRequest.apiKey: return send { _ in var r = MetadataRequest(); r.topics = []; return r }
        case OffsetCommitRequest.apiKey: return send { _ in var r = OffsetCommitRequest(); r.groupId = group; return r }
        case OffsetFetchRequest.apiKey:
            return send { version in
                var r = OffsetFetchRequest()
                if version >= 8 {
                    var g = OffsetFetchRequest.OffsetFetchRequestGroup(); g.groupId = group; g.topics = nil; r.groups = [g]
                } else { r.groupId = group }
                return r
            }
        case FindCoordinatorRequest.apiKey:
            return send { version in var r = FindCoordinatorRequest(); if version >= 4 { r.coordinatorKeys = [group] } else { r.key = group }; return r }
        case JoinGroupRequest.apiKey:
            return .skipped("not probed alone: joining waits for the group to form; exercised by the consumer-group tests")
        case HeartbeatRequest.apiKey: return send { _ in var r = HeartbeatRequest(); r.groupId = group; r.memberId = "probe"; return r }
        case LeaveGroupRequest.apiKey:
            return send { version in var r = LeaveGroupRequest(); r.groupId = group; if version < 3 { r.memberId = "probe" }; return r }
        case SyncGroupRequest.apiKey: return send { _ in var r = SyncGroupRequest(); r.groupId = group; r.memberId = "probe"; return r }
        case DescribeGroupsRequest.apiKey: return send { _ in var r = DescribeGroupsRequest(); r.groups = [group]; return r }
        case ListGroupsRequest.apiKey: return send { _ in ListGroupsRequest() }
        case SaslHandshakeRequest.apiKey: return send { _ in var r = SaslHandshakeRequest(); r.mechanism = "PLAIN"; return r }
        case SaslAuthenticateRequest.apiKey:
            return .skipped("not probed alone: only valid after SaslHandshake (exercised by SASL login)")
        case ApiVersionsRequest.apiKey:
            return send { _ in var r = ApiVersionsRequest(); r.clientSoftwareName = "switchyard"; r.clientSoftwareVersion = "0.1.0"; return r }
        case CreateTopicsRequest.apiKey: return send { _ in var r = CreateTopicsRequest(); r.timeoutMs = 1000; return r }
        case DeleteTopicsRequest.apiKey: return send { _ in var r = DeleteTopicsRequest(); r.timeoutMs = 1000; return r }
        case DeleteRecordsRequest.apiKey:
            return .skipped("not probed: deletes data (and Tansu is known to panic on it)")
        case InitProducerIdRequest.apiKey:
            return send { _ in var r = InitProducerIdRequest(); r.transactionalId = nil; r.transactionTimeoutMs = 60_000; return r }
        case OffsetForLeaderEpochRequest.apiKey: return send { _ in OffsetForLeaderEpochRequest() }
        case AddPartitionsToTxnRequest.apiKey:
            return .skipped("not probed: needs a transactional producer (transactions are outside the client)")
        case AddOffsetsToTxnRequest.apiKey, TxnOffsetCommitRequest.apiKey:
            return .skipped("not probed: needs a transactional producer (transactions are outside the client)")
        case EndTxnRequest.apiKey:
            return send { _ in var r = EndTxnRequest(); r.transactionalId = "switchyard-probe-txn"; r.producerId = -1; r.producerEpoch = -1; return r }
        case DescribeConfigsRequest.apiKey: return send { _ in DescribeConfigsRequest() }
        case CreatePartitionsRequest.apiKey: return send { _ in var r = CreatePartitionsRequest(); r.timeoutMs = 1000; return r }
        case DeleteGroupsRequest.apiKey: return send { _ in DeleteGroupsRequest() }
        case OffsetDeleteRequest.apiKey: return send { _ in var r = OffsetDeleteRequest(); r.groupId = group; return r }
        case DescribeClusterRequest.apiKey: return send { _ in DescribeClusterRequest() }
        default: return .skipped("no probe written for this API")
        }
    }
}

/// Frames the tracer could not decode, kept to show their bytes in the matrix.
final class FailedFrames: Sendable {
    private let frames = Mutex<[AnnotatedFrame]>([])
    func add(_ frame: AnnotatedFrame) { frames.withLock { $0.append(frame) } }
    func frame(matching summaryPrefix: String) -> AnnotatedFrame? {
        frames.withLock { $0.last { $0.summary.hasPrefix(summaryPrefix) } }
    }
}
