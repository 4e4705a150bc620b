import BSON
import Foundation
import Synchronization
import Transport
@testable import MongoClient

/// A MongoDB server in the test process, speaking OP_MSG through our codec, that answers each
/// command with what `handler` returns: for the topologies and failures SecantusDB cannot show
/// (a replica set, a failover, TLS, a corrupt reply, a connection lost mid-request). A handler
/// reply of `{"$closeConnection": 1}` closes the connection instead of answering; one of
/// `{"$exhaustStream": [reply, ...]}` sends the replies as an exhaust stream (moreToCome on all but
/// the last, each answering the previous one).
final class FakeMongoServer: Sendable {
    typealias Handler = @Sendable (_ body: BSONDocument, _ sequences: [DocumentSequence]) -> BSONDocument

    let listener: TCPListener
    private let acceptor: Mutex<Task<Void, Never>?> = Mutex(nil)
    final class Recorder: Sendable {
        let names = Mutex<[String]>([])
    }
    let commands = Recorder()

    var port: Int { listener.port }
    var address: String { "127.0.0.1:\(port)" }

    init(tls: TLSContext? = nil, checksumReplies: Bool = false, corruptReplies: Bool = false, handler: @escaping Handler) throws {
        listener = try TCPListener(host: "127.0.0.1", port: 0)
        let listener = self.listener
        let commands = self.commands
        let task = Task {
            while true {
                guard let tcp = try? await listener.accept() else { return }
                Task {
                    let stream: any ByteStream
                    if let tls {
                        guard let s = try? await TLSStream.accept(over: tcp, context: tls, deadline: .after(.seconds(5))) else { return }
                        stream = s
                    } else {
                        stream = tcp
                    }
                    await Self.serve(stream, checksum: checksumReplies, corrupt: corruptReplies, commands: commands, handler: handler)
                }
            }
        }
        acceptor.withLock { $0 = task }
    }

    private static func serve(_ stream: any ByteStream, checksum: Bool, corrupt: Bool, commands: Recorder,
                              handler: Handler) async {
        defer { stream.close() }
        var decoder = MessageFrameDecoder()
        var replyID: Int32 = 1000
        while true {
            do throws(any Error) {
                while let (header, message) = try decoder.next() {
                    commands.names.withLock { $0.append(message.body.keys.first ?? "") }
                    let reply = handler(message.body, message.sequences)
                    if reply["$closeConnection"] != nil { return }   // drop the connection, no reply
                    if message.flags.contains(.moreToCome) { continue }
                    if let parts = reply["$exhaustStream"]?.arrayValue?.values.compactMap(\.documentValue) {
                        // Several replies, chained as the spec says: each answers the previous one.
                        var previous = header.requestID
                        for (i, part) in parts.enumerated() {
                            replyID += 1
                            let flags: OpMsgFlags = i < parts.count - 1 ? .moreToCome : []
                            try await stream.write(OpMsg(flags: flags, body: part).encode(requestID: replyID, responseTo: previous))
                            previous = replyID
                        }
                        continue
                    }
                    replyID += 1
                    var bytes = OpMsg(body: reply).encode(requestID: replyID, responseTo: header.requestID, checksum: checksum)
                    if corrupt { bytes[bytes.count - 6] ^= 0xFF }
                    try await stream.write(bytes)
                }
                var chunk: [UInt8] = []
                let n = try await stream.read(into: &chunk, maxBytes: 65536, deadline: nil)
                if n == 0 { return }
                decoder.append(chunk)
            } catch {
                return
            }
        }
    }

    func count(_ command: String) -> Int { commands.names.withLock { $0.filter { $0 == command }.count } }

    func close() {
        acceptor.withLock { $0?.cancel() }
        listener.close()
    }

    static func helloReply(primary: Bool, setName: String? = nil, hosts: [String] = [], primaryHost: String? = nil) -> BSONDocument {
        var b = BSONDocumentBuilder()
        b.append("helloOk", true)
        b.append("isWritablePrimary", .bool(primary))
        b.append("secondary", .bool(!primary))
        if let setName { b.append("setName", .string(setName)) }
        if !hosts.isEmpty { b.appendArray("hosts") { a in for h in hosts { a.append(.string(h)) } } }
        if let primaryHost { b.append("primary", .string(primaryHost)) }
        b.append("maxBsonObjectSize", .int32(16 * 1024 * 1024))
        b.append("maxMessageSizeBytes", .int32(48_000_000))
        b.append("maxWriteBatchSize", .int32(100_000))
        b.append("minWireVersion", 0)
        b.append("maxWireVersion", 21)
        b.append("ok", .double(1))
        return (try? b.build()) ?? BSONDocument()
    }

    static func ok(_ fields: KeyValuePairs<String, BSONValue> = [:]) -> BSONDocument {
        var b = BSONDocumentBuilder()
        for (k, v) in fields { b.append(k, v) }
        b.append("ok", .double(1))
        return (try? b.build()) ?? BSONDocument()
    }
}
