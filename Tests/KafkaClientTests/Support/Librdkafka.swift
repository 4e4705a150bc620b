import PeerTestSupport
import Foundation
import XCTest

/// Runs confluent-kafka (librdkafka) from the peers' Python as the reference client.
enum Librdkafka {
    /// The helper script, passed with `-c` (keeping it here keeps it out of the package's sources).
    static let script = #"""
import binascii, json, sys, uuid
from confluent_kafka import Consumer, Producer

def hexify(b):
    return None if b is None else binascii.hexlify(b).decode()

def unhex(s):
    return None if s is None else binascii.unhexlify(s)

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "consume":
    count = int(sys.argv[4])
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "librdkafka-" + uuid.uuid4().hex,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
    consumer.subscribe([topic])
    seen = 0
    import time
    deadline = time.time() + 60
    while seen < count and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(json.dumps({"error": str(msg.error())}), flush=True)
            continue
        headers = [[k, hexify(v)] for k, v in (msg.headers() or [])]
        print(json.dumps({"partition": msg.partition(), "offset": msg.offset(), "key": hexify(msg.key()),
                          "value": hexify(msg.value()), "headers": headers}), flush=True)
        seen += 1
    consumer.close()
elif mode == "group":
    import time
    group, seconds = sys.argv[4], float(sys.argv[5])
    strategy = sys.argv[6] if len(sys.argv) > 6 else "range"
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "partition.assignment.strategy": strategy, "session.timeout.ms": 6000,
                         "heartbeat.interval.ms": 300, "enable.auto.commit": True, "auto.commit.interval.ms": 200})
    # With cooperative-sticky these are the increments, and the client applies them itself
    # (incremental_assign / incremental_unassign) after the callback returns.
    def on_assign(c, partitions):
        print(json.dumps({"assigned": [p.partition for p in partitions]}), flush=True)
    def on_revoke(c, partitions):
        print(json.dumps({"revoked": [p.partition for p in partitions]}), flush=True)
    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    end = time.time() + seconds
    while time.time() < end:
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            continue
        print(json.dumps({"partition": msg.partition(), "offset": msg.offset(), "value": hexify(msg.value())}), flush=True)
    consumer.close()
elif mode == "produce":
    codec = sys.argv[4]
    records = json.loads(sys.stdin.read())
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 5,
                         "enable.idempotence": False, "acks": "all",
                         "partitioner": "murmur2_random"})
    errors = []
    def report(err, msg):
        if err is not None:
            errors.append(str(err))
    for r in records:
        headers = [(h[0], unhex(h[1])) for h in r["headers"]]
        producer.produce(topic, value=unhex(r["value"]), key=unhex(r["key"]), headers=headers, on_delivery=report)
        producer.poll(0)
    producer.flush(30)
    print(json.dumps({"errors": errors}), flush=True)
"""#

    struct Message: Codable, Equatable {
        var partition: Int32?
        var offset: Int64?
        var key: String?
        var value: String?
        var headers: [[String?]]?
        var error: String?
        var errors: [String]?
        var assigned: [Int32]?
        var revoked: [Int32]?
    }

    /// Runs the helper on a thread of its own (it blocks until the process ends).
    static func runDetached(_ env: PeerEnvironment, _ arguments: [String]) -> Task<[Message], Error> {
        Task.detached { try run(env, arguments) }
    }

    static func run(_ env: PeerEnvironment, _ arguments: [String], stdin: Data? = nil) throws -> [Message] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try env.require("SWITCHYARD_PEERS_PYTHON"))
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "confluent-kafka helper \(arguments.first ?? "") failed")
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(Message.self, from: Data($0.utf8))
        }
    }

    static func hex(_ bytes: [UInt8]?) -> String? {
        bytes.map { $0.map { String(format: "%02x", $0) }.joined() }
    }
}
