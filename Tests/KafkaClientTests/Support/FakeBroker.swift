import KafkaProtocol
import Transport
import WireCore
@testable import KafkaClient

/// A broker of our own on a loopback port, for connection behaviour Tansu cannot be made to
/// show (late and out-of-order responses, oversized frames, bogus correlation ids).
/// It answers ApiVersions itself and hands every other request to `handle`, which returns the
/// frames to write (possibly none, possibly for earlier requests).
final class FakeBroker: Sendable {
    struct Request: Sendable {
        var header: RequestHeader
        var body: [UInt8]
    }

    let listener: TCPListener
    private let task: Task<Void, Never>

    /// With `tls`, every accepted connection is a TLS server stream.
    init(tls: TLSContext? = nil, handle: @escaping @Sendable (Request) async -> [[UInt8]]) throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        self.listener = listener
        task = Task {
            while let connection = try? await listener.accept() {
                Task {
                    if let tls {
                        guard let secure = try? await TLSStream.accept(over: connection, context: tls, deadline: .after(seconds: 10)) else {
                            connection.close()
                            return
                        }
                        await FakeBroker.serve(secure, handle)
                    } else {
                        await FakeBroker.serve(connection, handle)
                    }
                }
            }
        }
    }

    var address: KafkaBrokerAddress { KafkaBrokerAddress(host: "127.0.0.1", port: listener.port) }

    func stop() {
        task.cancel()
        listener.close()
    }

    private static func serve(_ connection: any ByteStream, _ handle: @Sendable (Request) async -> [[UInt8]]) async {
        var decoder = KafkaFrameDecoder()
        var buffer: [UInt8] = []
        while true {
            buffer.removeAll(keepingCapacity: true)
            guard let n = try? await connection.read(into: &buffer, maxBytes: 65536, deadline: nil), n > 0 else { return }
            decoder.append(buffer)
            while let frame = try? decoder.nextFrame() {
                guard let (header, offset) = try? KafkaEnvelope.decodeRequestHeader(frame) else { return }
                var replies: [[UInt8]]
                if header.requestApiKey == ApiVersionsRequest.apiKey {
                    var response = ApiVersionsResponse()
                    response.apiKeys = [
                        .init(apiKey: ApiVersionsRequest.apiKey, minVersion: 0, maxVersion: 4),
                        .init(apiKey: FindCoordinatorRequest.apiKey, minVersion: 0, maxVersion: 3),
                        .init(apiKey: MetadataRequest.apiKey, minVersion: 0, maxVersion: 9),
                        .init(apiKey: SaslHandshakeRequest.apiKey, minVersion: 0, maxVersion: 1),
                        .init(apiKey: ProduceRequest.apiKey, minVersion: 0, maxVersion: 9),
                        .init(apiKey: InitProducerIdRequest.apiKey, minVersion: 0, maxVersion: 4),
                        .init(apiKey: FetchRequest.apiKey, minVersion: 0, maxVersion: 12),
                        .init(apiKey: ListOffsetsRequest.apiKey, minVersion: 0, maxVersion: 7),
                        .init(apiKey: JoinGroupRequest.apiKey, minVersion: 0, maxVersion: 8),
                        .init(apiKey: SyncGroupRequest.apiKey, minVersion: 0, maxVersion: 5),
                        .init(apiKey: HeartbeatRequest.apiKey, minVersion: 0, maxVersion: 4),
                        .init(apiKey: LeaveGroupRequest.apiKey, minVersion: 0, maxVersion: 5),
                        .init(apiKey: OffsetFetchRequest.apiKey, minVersion: 0, maxVersion: 7),
                        .init(apiKey: OffsetCommitRequest.apiKey, minVersion: 0, maxVersion: 8),
                        .init(apiKey: SaslAuthenticateRequest.apiKey, minVersion: 0, maxVersion: 2),
                    ]
                    replies = [(try? ApiVersionsRequest.frameResponse(response, version: header.requestApiVersion,
                                                                      correlationId: header.correlationId)) ?? []]
                } else {
                    replies = await handle(Request(header: header, body: Array(frame[offset...])))
                }
                for reply in replies { try? await connection.write(reply) }
            }
        }
    }

    /// A FindCoordinator answer whose node id tells which request it answers.
    static func coordinatorReply(_ request: Request, nodeId: Int32) -> [UInt8] {
        var response = FindCoordinatorResponse()
        response.nodeId = nodeId
        response.host = "node-\(nodeId)"
        response.port = 9092
        return (try? FindCoordinatorRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                          correlationId: request.header.correlationId)) ?? []
    }

    static func keyOf(_ request: Request) -> String {
        (try? FindCoordinatorRequest.decode(request.body, version: request.header.requestApiVersion))?.key ?? ""
    }
}

/// A tiny async queue the fake broker's handler and the test share.
actor Mailbox<T: Sendable> {
    private var items: [T] = []
    func put(_ item: T) { items.append(item) }
    func takeAll() -> [T] { defer { items = [] }; return items }
    var count: Int { items.count }
}
