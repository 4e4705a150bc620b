// BenchKafka: our producer and consumer against a broker, and record-batch encode/decode in
// process. Driven by tools/bench.d/kafka, which runs confluent-kafka beside it.
//
//   BenchKafka create BOOTSTRAP TOPIC PARTITIONS
//   BenchKafka produce BOOTSTRAP TOPIC COUNT SIZE     -> "msgs/s=X"
//   BenchKafka consume BOOTSTRAP TOPIC COUNT          -> "msgs/s=X"
//   BenchKafka codec                                  -> "encode MB/s=X decode MB/s=Y" per codec
import KafkaClient
import KafkaProtocol
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardErrorWrite("BenchKafka: \(message)\n")
    exit(1)
}

enum FileHandle {
    static func standardErrorWrite(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// User plus system CPU seconds of this process, all threads: the client's own cost, which the
/// benchmark prints beside the rate because the broker, not the client, can bound the rate.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The batching both sides use: 5 ms linger, 1 MiB batches, acks from the leader, no compression.
func producerConfiguration() -> KafkaProducerConfiguration {
    var configuration = KafkaProducerConfiguration(acks: .leader, compression: .none, linger: .milliseconds(5),
                                                   batchBytes: 1 << 20)
    configuration.bufferedRecords = 200_000
    // librdkafka keeps up to 1,000,000 requests in flight per broker without idempotence; 5 is
    // the Java client's default.
    configuration.maxInFlightPerPartition = Int(getenv("KAFKA_BENCH_INFLIGHT").flatMap { Int(String(cString: $0)) } ?? 5)
    return configuration
}

func produce(_ bootstrap: String, _ topic: String, count: Int, size: Int) async throws {
    let producer = try KafkaProducer(bootstrapServers: bootstrap, configuration: producerConfiguration())
    let value = [UInt8](repeating: 0x61, count: size)
    // Warm up: metadata and connections.
    _ = try await producer.send(topic: topic, value: value)
    let start = ContinuousClock.now
    let cpuAtStart = processCPUSeconds()
    for _ in 0..<count { try await producer.enqueue(topic: topic, value: value) }
    try await producer.flush()
    let elapsed = seconds(since: start)
    let cpu = processCPUSeconds() - cpuAtStart
    try await producer.close()
    print("msgs/s=\(Int(Double(count) / elapsed)) wall_s=\(rounded(elapsed)) cpu_s=\(rounded(cpu))")
}

func consume(_ bootstrap: String, _ topic: String, count: Int) async throws {
    let cluster = try KafkaCluster(bootstrapServers: bootstrap)
    let partitions = try await cluster.topic(topic).partitions.map { KafkaTopicPartition(topic, $0.partition) }
    let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: nil, topics: [topic]))
    try await consumer.assign(partitions)
    let start = ContinuousClock.now
    let cpuAtStart = processCPUSeconds()
    var received = 0
    var bytes = 0
    while received < count {
        let batch = try await consumer.poll(timeout: .seconds(5))
        if batch.isEmpty && seconds(since: start) > 120 { fail("only \(received) of \(count) records in 120 s") }
        received += batch.count
        for message in batch { bytes += message.value?.count ?? 0 }
    }
    let elapsed = seconds(since: start)
    let cpu = processCPUSeconds() - cpuAtStart
    await consumer.close()
    await cluster.close()
    print("msgs/s=\(Int(Double(received) / elapsed)) bytes=\(bytes) wall_s=\(rounded(elapsed)) cpu_s=\(rounded(cpu))")
}

func codecBenchmark() throws {
    for codec: KafkaCompression in [.none, .gzip, .snappy, .lz4] {
        for size in [100, 1024] {
            let records = (0..<1000).map { i in
                KafkaProducerRecord(key: Array("key-\(i)".utf8),
                                    value: (0..<size).map { UInt8(truncatingIfNeeded: ($0 * 31 + i) % 64 + 32) },
                                    headers: [KafkaRecordHeader(key: "h", value: [1, 2, 3])], timestamp: 1_700_000_000_000 + Int64(i))
            }
            let batch = KafkaRecordBatch(producing: records, compression: codec)
            let payloadBytes = records.reduce(0) { $0 + ($1.key?.count ?? 0) + ($1.value?.count ?? 0) }
            var encoded: [UInt8] = []
            var rounds = 0
            var start = ContinuousClock.now
            while seconds(since: start) < 1 || rounds < 3 {
                encoded = try batch.encoded()
                rounds += 1
            }
            let encodeRate = Double(payloadBytes * rounds) / seconds(since: start) / 1e6
            rounds = 0
            start = ContinuousClock.now
            var decodedCount = 0
            while seconds(since: start) < 1 || rounds < 3 {
                decodedCount = try KafkaRecordSet.decode(encoded).records.count
                rounds += 1
            }
            let decodeRate = Double(payloadBytes * rounds) / seconds(since: start) / 1e6
            guard decodedCount == 1000 else { fail("decoded \(decodedCount) records") }
            print(String(describing: codec).padding(8) + " \(size) B records: encode MB/s=\(Int(encodeRate)) decode MB/s=\(Int(decodeRate)) (batch \(encoded.count) bytes)")
        }
    }
}

/// Three decimals, for the figures the bench script parses.
func rounded(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: BenchKafka create|produce|consume|codec ...") }
do {
    switch arguments[1] {
    case "create" where arguments.count == 5:
        let cluster = try KafkaCluster(bootstrapServers: arguments[2])
        try await KafkaAdmin(cluster: cluster).createTopic(arguments[3], partitions: Int32(arguments[4]) ?? 1)
        _ = try await cluster.topic(arguments[3])
        await cluster.close()
    case "produce" where arguments.count == 6:
        try await produce(arguments[2], arguments[3], count: Int(arguments[4]) ?? 0, size: Int(arguments[5]) ?? 0)
    case "consume" where arguments.count == 5:
        try await consume(arguments[2], arguments[3], count: Int(arguments[4]) ?? 0)
    case "codec":
        try codecBenchmark()
    default:
        fail("bad arguments: \(arguments.dropFirst().joined(separator: " "))")
    }
} catch {
    fail("\(error)")
}
