import KafkaProtocol
import Synchronization
import Transport
import WireCore

/// A Kafka producer: records are collected into one batch per partition, sent when the batch
/// is full or has lingered long enough, one batch in flight per partition (so retries keep
/// order), and acknowledged with their offsets.
///
/// `send` waits for the acknowledgement; `enqueue` returns once the record is buffered and
/// reports failures from the next `flush`. Both wait for room when `bufferedRecords` records
/// are outstanding (backpressure).
public actor KafkaProducer {
    public nonisolated let cluster: KafkaCluster
    public nonisolated let configuration: KafkaProducerConfiguration
    private nonisolated let ownsCluster: Bool
    private nonisolated let buffer: AsyncSemaphore

    private typealias Waiter = UnsafeContinuation<KafkaDelivery, Error>

    private struct Batch {
        var id: Int
        var partition: KafkaTopicPartition
        var records: [KafkaProducerRecord] = []
        /// Per record: who awaits it (nil for `enqueue`d records).
        var waiters: [Waiter?] = []
        var bytes = 0
        var createdAt: Deadline
        var baseSequence: Int32?
        var producerEpoch: Int16 = -1
        var producerId: Int64 = -1
        var notBefore: Deadline?
        var attempts = 0
    }

    /// A class, not a struct: a record is added to it in place, where a struct in the
    /// dictionary would be copied out (retaining every array it holds) on each lookup.
    private final class PartitionQueue {
        var open: Batch?
        var ready: [Batch] = []
        /// Ids of this partition's batches in flight (at most `maxInFlightPerPartition`, 5 with
        /// idempotence), oldest first: the idempotence checks look at these, not at every batch out.
        var inFlightIds: [Int] = []
        var inFlight: Int { inFlightIds.count }
        var nextSequence: Int32 = 0
    }

    private var queues: [KafkaTopicPartition: PartitionQueue] = [:]
    /// Per broker, the signal of the request drained last (see `drain`).
    private var lastQueued: [Int32: QueuedSignal] = [:]
    private var inFlight: [Int: Batch] = [:]
    private var nextBatchId = 0
    private var partitionCounts: [String: Int] = [:]
    /// Metadata lookups under way, per topic: the first records sent to a new topic at once
    /// share one request instead of asking one each.
    private var topicLookups: [String: Task<Result<KafkaTopicMetadata, KafkaError>, Never>] = [:]
    private var leaders: [KafkaTopicPartition: Int32] = [:]
    private var chooser = KafkaPartitionChooser()
    private var producerId: Int64 = -1
    private var producerEpoch: Int16 = -1
    private var epochBumpInProgress = false
    private var refreshing: Set<String> = []
    private var timerDeadline: Deadline?
    private var flushing = 0
    private var flushWaiters: [UnsafeContinuation<Void, Never>] = []
    private var unreportedError: KafkaError?
    private var closed = false

    /// A producer on a shared cluster client.
    public init(cluster: KafkaCluster, configuration: KafkaProducerConfiguration = KafkaProducerConfiguration()) throws(KafkaError) {
        try Self.validate(configuration)
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = false
        self.buffer = AsyncSemaphore(permits: configuration.bufferedRecords)
    }

    /// A producer with its own cluster client ("host:port,...").
    public init(bootstrapServers: String, options: KafkaConnectionOptions = KafkaConnectionOptions(),
                configuration: KafkaProducerConfiguration = KafkaProducerConfiguration()) throws(KafkaError) {
        try Self.validate(configuration)
        self.cluster = try KafkaCluster(bootstrapServers: bootstrapServers, options: options)
        self.configuration = configuration
        self.ownsCluster = true
        self.buffer = AsyncSemaphore(permits: configuration.bufferedRecords)
    }

    private static func validate(_ configuration: KafkaProducerConfiguration) throws(KafkaError) {
        if configuration.idempotent && configuration.acks != .all {
            throw KafkaError(.invalidArgument, "the idempotent producer needs acks = all")
        }
        if configuration.compression == .zstd {
            throw KafkaError(.unsupportedCompression, "zstd compression (codec 4) is not supported by this client")
        }
        guard configuration.bufferedRecords > 0, configuration.batchBytes > 0 else {
            throw KafkaError(.invalidArgument, "bufferedRecords and batchBytes must be positive")
        }
    }

    // MARK: sending

    /// Sends one record and waits until the broker acknowledges it.
    public nonisolated(nonsending) func send(topic: String, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaRecordHeader] = [],
                                 partition: Int32? = nil, timestamp: Int64? = nil) async throws(KafkaError) -> KafkaDelivery {
        try await reserveRoom()
        let record = KafkaProducerRecord(key: key, value: value, headers: headers, timestamp: timestamp ?? Self.nowMillis())
        return try await appendAndWait(record, topic: topic, partition: partition)
    }

    /// Buffers one record and returns without waiting for the acknowledgement; a failure to
    /// deliver it is thrown by the next `flush`.
    public nonisolated(nonsending) func enqueue(topic: String, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaRecordHeader] = [],
                                    partition: Int32? = nil, timestamp: Int64? = nil) async throws(KafkaError) {
        try await reserveRoom()
        let record = KafkaProducerRecord(key: key, value: value, headers: headers, timestamp: timestamp ?? Self.nowMillis())
        try await append(record, topic: topic, partition: partition)
    }

    private nonisolated(nonsending) func reserveRoom() async throws(KafkaError) {
        if buffer.tryAcquire() { return }
        do {
            try await buffer.acquire(deadline: .after(configuration.deliveryTimeout))
        } catch {
            throw KafkaError(error.code == .timedOut ? .timedOut : .cancelled,
                             "no room in the producer buffer (\(configuration.bufferedRecords) records) within the delivery timeout",
                             retriable: error.code == .timedOut)
        }
    }

    private func append(_ record: KafkaProducerRecord, topic: String, partition explicit: Int32?) async throws(KafkaError) {
        let target = try await route(record, topic: topic, partition: explicit)
        add(record, to: target, waiter: nil)
    }

    private func appendAndWait(_ record: KafkaProducerRecord, topic: String, partition explicit: Int32?) async throws(KafkaError) -> KafkaDelivery {
        let target = try await route(record, topic: topic, partition: explicit)
        do {
            return try await withUnsafeThrowingContinuation { (continuation: Waiter) in
                add(record, to: target, waiter: continuation)
            }
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(.protocolViolation, "\(error)")
        }
    }

    /// The partition a record goes to. A failure here gives back the buffer room the record took.
    private func route(_ record: KafkaProducerRecord, topic: String, partition explicit: Int32?) async throws(KafkaError) -> KafkaTopicPartition {
        do throws(KafkaError) {
            if closed { throw KafkaError(.closed, "the producer is closed") }
            if configuration.idempotent && producerId < 0 { try await initProducerId() }
            let count = try await partitionCount(topic)
            if let explicit {
                guard explicit >= 0 && Int(explicit) < count else {
                    throw KafkaError(.unknownTopicOrPartition, "\(topic) has no partition \(explicit) (it has \(count))")
                }
                return KafkaTopicPartition(topic, explicit)
            }
            let target = KafkaTopicPartition(topic, chooser.partition(topic: topic, key: record.key, partitionCount: count))
            guard record.key == nil else { return target }
            return stickyTarget(target, adding: Self.estimatedSize(record), partitionCount: count)
        } catch {
            buffer.release()
            throw error
        }
    }

    private func partitionCount(_ topic: String) async throws(KafkaError) -> Int {
        if let known = partitionCounts[topic] { return known }
        let lookup: Task<Result<KafkaTopicMetadata, KafkaError>, Never>
        if let running = topicLookups[topic] {
            lookup = running
        } else {
            let cluster = self.cluster
            lookup = Task {
                do throws(KafkaError) { return .success(try await cluster.topic(topic)) } catch { return .failure(error) }
            }
            topicLookups[topic] = lookup
        }
        let result = await lookup.value
        topicLookups[topic] = nil
        let metadata = try result.get()
        learn(metadata)
        return metadata.partitionCount
    }

    private func learn(_ metadata: KafkaTopicMetadata) {
        partitionCounts[metadata.name] = metadata.partitionCount
        for entry in metadata.partitions where entry.leader >= 0 {
            leaders[KafkaTopicPartition(metadata.name, entry.partition)] = entry.leader
        }
    }

    private static func estimatedSize(_ record: KafkaProducerRecord) -> Int {
        var size = 24 + (record.key?.count ?? 0) + (record.value?.count ?? 0)
        for header in record.headers { size += 8 + header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }

    /// The queue of `target`, made on first use.
    private func queue(for target: KafkaTopicPartition) -> PartitionQueue {
        if let queue = queues[target] { return queue }
        let queue = PartitionQueue()
        queues[target] = queue
        return queue
    }

    /// Adds a record to its partition's open batch, closing the batch when full.
    private func add(_ record: KafkaProducerRecord, to target: KafkaTopicPartition, waiter: Waiter?) {
        let size = Self.estimatedSize(record)
        let batchBytes = configuration.batchBytes
        var closedOne = false
        var opened = false
        let queue = queue(for: target)
        if let openBytes = queue.open?.bytes, openBytes + size > batchBytes {
            queue.ready.append(queue.open!)
            queue.open = nil
            closedOne = true
        }
        if queue.open == nil {
            nextBatchId += 1
            queue.open = Batch(id: nextBatchId, partition: target, createdAt: .now())
            opened = true
        }
        queue.open!.records.append(record)
        queue.open!.waiters.append(waiter)
        queue.open!.bytes += size
        let full = queue.open!.bytes >= batchBytes
        if full {
            queue.ready.append(queue.open!)
            queue.open = nil
            closedOne = true
        }
        let inFlight = queue.inFlight
        if closedOne {
            chooser.batchClosed(topic: target.topic, partition: target.partition, partitionCount: partitionCounts[target.topic] ?? 1)
        }
        if opened && !full { scheduleWake(at: .now() + configuration.linger) }
        if full || inFlight == 0 && configuration.linger == .zero { drain() }
    }

    /// A keyless record that would overflow its sticky partition's open batch closes that batch
    /// and moves to the next sticky partition (as the Java client re-routes it), instead of
    /// starting a one-record batch behind the closed one.
    private func stickyTarget(_ target: KafkaTopicPartition, adding size: Int, partitionCount: Int) -> KafkaTopicPartition {
        guard let queue = queues[target], let openBytes = queue.open?.bytes, openBytes + size > configuration.batchBytes else {
            return target
        }
        queue.ready.append(queue.open!)
        queue.open = nil
        chooser.batchClosed(topic: target.topic, partition: target.partition, partitionCount: partitionCount)
        drain()
        return KafkaTopicPartition(target.topic, chooser.partition(topic: target.topic, key: nil, partitionCount: partitionCount))
    }

    /// Wakes `drain` at `deadline` (linger expiry, retry backoff) unless a wake-up is already due earlier.
    private func scheduleWake(at deadline: Deadline) {
        if let current = timerDeadline, current <= deadline { return }
        timerDeadline = deadline
        Task {
            try? await EventLoop.shared.sleep(until: deadline)
            self.timerFired(deadline)
        }
    }

    private func timerFired(_ deadline: Deadline) {
        if timerDeadline == deadline { timerDeadline = nil }
        drain()
    }

    /// Sends what is ready: per partition, while it has fewer than the allowed batches in flight,
    /// its oldest closed batch, or its open batch once lingered (or when flushing). A request
    /// carries at most one batch per partition, as Kafka requires (a broker keeps one batch per
    /// partition of a request, so a second would be lost): the first batch of every partition
    /// led by a broker goes in its first request, the second in its second, and so on. A batch
    /// waiting to be retried holds back the ones behind it.
    private func drain() {
        let now = Deadline.now()
        var perBroker: [Int32: [[Batch]]] = [:]
        var nextWake: Deadline?
        var missingLeaders: Set<String> = []
        let limit = configuration.idempotent ? Swift.min(5, Swift.max(1, configuration.maxInFlightPerPartition))
            : Swift.max(1, configuration.maxInFlightPerPartition)
        for target in Array(queues.keys) {
            guard let queue = queues[target], queue.inFlight < limit else { continue }
            var slot = 0
            while queue.inFlight < limit {
                var batch: Batch
                if let first = queue.ready.first {
                    if let notBefore = first.notBefore, notBefore > now {
                        nextWake = min(nextWake ?? notBefore, notBefore)
                        break
                    }
                    batch = first
                } else if let open = queue.open {
                    let due = open.createdAt + configuration.linger
                    guard due <= now || flushing > 0 || closed else {
                        nextWake = min(nextWake ?? due, due)
                        break
                    }
                    batch = open
                } else {
                    break
                }
                guard let leader = leaders[target] else {
                    missingLeaders.insert(target.topic)
                    break
                }
                if configuration.idempotent {
                    guard producerId >= 0, !epochBumpInProgress else { break }
                    let renumber = batch.baseSequence == nil || batch.producerEpoch != producerEpoch || batch.producerId != producerId
                    // Batches still out under an older epoch come back first: numbering this one
                    // before them would put it ahead of them.
                    if renumber && hasStaleBatchInFlight(queue) { break }
                    if renumber {
                        batch.baseSequence = queue.nextSequence
                        batch.producerEpoch = producerEpoch
                        batch.producerId = producerId
                        queue.nextSequence = queue.nextSequence &+ Int32(batch.records.count)
                    }
                }
                if !queue.ready.isEmpty && queue.ready[0].id == batch.id {
                    queue.ready.removeFirst()
                } else {
                    queue.open = nil
                    chooser.batchClosed(topic: target.topic, partition: target.partition,
                                        partitionCount: partitionCounts[target.topic] ?? 1)
                }
                batch.attempts += 1
                queue.inFlightIds.append(batch.id)
                inFlight[batch.id] = batch
                if perBroker[leader, default: []].count <= slot { perBroker[leader, default: []].append([]) }
                perBroker[leader, default: []][slot].append(batch)
                slot += 1
            }
        }
        for (broker, requests) in perBroker {
            for batches in requests {
                let work = batches.map {
                    OutgoingBatch(id: $0.id, partition: $0.partition, records: $0.records,
                                  producerId: configuration.idempotent ? $0.producerId : -1,
                                  producerEpoch: configuration.idempotent ? $0.producerEpoch : -1,
                                  baseSequence: configuration.idempotent ? ($0.baseSequence ?? -1) : -1)
                }
                // Requests to one broker enter its connection in the order drained, so batches of a
                // partition in flight together arrive in order; encoding still overlaps.
                let previous = lastQueued[broker]
                let mine = QueuedSignal()
                lastQueued[broker] = mine
                Task { await self.transmit(work, to: broker, after: previous, signal: mine) }
            }
        }
        for topic in missingLeaders where !refreshing.contains(topic) {
            refreshing.insert(topic)
            Task { await self.refreshLeaders(topic) }
        }
        if let nextWake { scheduleWake(at: nextWake) }
    }

    private func refreshLeaders(_ topic: String) async {
        do {
            learn(try await cluster.topic(topic, refresh: true))
            refreshing.remove(topic)
        } catch {
            refreshing.remove(topic)
            // The topic cannot be produced to: fail what waits for it.
            for (target, queue) in queues where target.topic == topic && queue.inFlight == 0 {
                for batch in queue.ready + (queue.open.map { [$0] } ?? []) { finish(batch, .failure(error)) }
                queues[target] = nil
            }
            finishFlushIfIdle()
            return
        }
        drain()
    }

    // MARK: the request

    private struct OutgoingBatch: Sendable {
        var id: Int
        var partition: KafkaTopicPartition
        var records: [KafkaProducerRecord]
        var producerId: Int64
        var producerEpoch: Int16
        var baseSequence: Int32
    }

    /// Encodes the batches (off the actor: compression takes time) and sends one Produce.
    private nonisolated func transmit(_ batches: [OutgoingBatch], to broker: Int32, after previous: QueuedSignal?,
                                      signal: QueuedSignal) async {
        defer { signal.fire() }
        var request = ProduceRequest()
        request.acks = configuration.acks.rawValue
        request.timeoutMs = Int32(clamping: configuration.requestTimeout.nanosecondsValue / 1_000_000)
        var byTopic: [String: [ProduceRequest.PartitionProduceData]] = [:]
        do {
            for batch in batches {
                let encoded = try KafkaRecordBatch(producing: batch.records, compression: configuration.compression,
                                                   producerId: batch.producerId, producerEpoch: batch.producerEpoch,
                                                   baseSequence: batch.baseSequence).encoded()
                byTopic[batch.partition.topic, default: []].append(
                    ProduceRequest.PartitionProduceData(index: batch.partition.partition, records: ByteView(encoded)))
            }
        } catch {
            await completeAll(batches.map(\.id), .failure(KafkaError(error, "encode record batch")))
            return
        }
        request.topicData = byTopic.map { ProduceRequest.TopicProduceData(name: $0.key, partitionData: $0.value) }
        await previous?.wait()
        do {
            let connection = try await cluster.connection(to: broker, purpose: .produce)
            if configuration.acks == .none {
                try await connection.sendWithoutResponse(request)
                signal.fire()
                await completeAll(batches.map(\.id), .success(nil))
                return
            }
            let response = try await connection.send(request, timeout: configuration.requestTimeout + .seconds(5),
                                                      queued: { signal.fire() })
            var results: [Int: Result<ProduceResponse.PartitionProduceResponse?, KafkaError>] = [:]
            for batch in batches {
                let answer = response.responses.first { $0.name == batch.partition.topic }?
                    .partitionResponses.first { $0.index == batch.partition.partition }
                if let answer {
                    results[batch.id] = .success(answer)
                } else {
                    results[batch.id] = .failure(KafkaError(.protocolViolation, "Produce response lacks \(batch.partition)"))
                }
            }
            await complete(results)
        } catch {
            await completeAll(batches.map(\.id), .failure(error))
        }
    }

    private func completeAll(_ ids: [Int], _ result: Result<ProduceResponse.PartitionProduceResponse?, KafkaError>) {
        var results: [Int: Result<ProduceResponse.PartitionProduceResponse?, KafkaError>] = [:]
        for id in ids { results[id] = result }
        complete(results)
    }

    private func complete(_ results: [Int: Result<ProduceResponse.PartitionProduceResponse?, KafkaError>]) {
        let now = Deadline.now()
        var bumpEpoch = false
        var freshId = false
        for (id, result) in results {
            guard var batch = inFlight.removeValue(forKey: id) else { continue }
            queues[batch.partition]?.inFlightIds.removeAll { $0 == id }
            let failure: KafkaError
            switch result {
            case .success(let answer):
                guard let answer else {
                    finish(batch, .success(-1))
                    continue
                }
                let code = KafkaErrorCode(code: answer.errorCode)
                if answer.errorCode == 0 {
                    finish(batch, .success(answer.baseOffset))
                    continue
                }
                if code == .duplicateSequenceNumber {
                    // The broker has this batch already (an earlier attempt got through).
                    finish(batch, .success(-1))
                    continue
                }
                failure = KafkaError.broker(answer.errorCode, "produce to \(batch.partition)", message: answer.errorMessage)!
            case .failure(let error):
                failure = error
            }
            let fencingError = configuration.idempotent && [.outOfOrderSequenceNumber, .unknownProducerId, .invalidProducerEpoch, .producerFenced]
                .contains(failure.brokerError)
            var fencing = fencingError
            if fencing && (batch.producerEpoch != producerEpoch || batch.producerId != producerId) {
                // Sent before the epoch changed: it only needs numbering anew.
                fencing = false
            } else if fencing && failure.brokerError == .outOfOrderSequenceNumber && waitsBehindAnEarlierBatch(batch) {
                // An earlier batch of its partition failed and goes out again first; the broker
                // refuses this one until then. Not a gap in the sequence: retry it as it is.
                fencing = false
            }
            let expired = now >= batch.createdAt + configuration.deliveryTimeout
            guard (failure.isRetriable || fencingError) && !expired && !closedHard else {
                finish(batch, .failure(failure))
                continue
            }
            if fencing {
                bumpEpoch = true
                if failure.brokerError != .outOfOrderSequenceNumber { freshId = true }
            }
            if [.notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable, .fencedLeaderEpoch]
                .contains(failure.brokerError) || failure.code == .connectionLost || failure.code == .connectionFailed {
                leaders[batch.partition] = nil
            }
            batch.notBefore = now + configuration.retryBackoff
            // Back in the order it was made: failures of batches in flight together arrive one
            // response at a time, and the earlier batch must go out again first.
            let retries = queue(for: batch.partition)
            retries.ready.insert(batch, at: retries.ready.firstIndex { $0.id > batch.id } ?? retries.ready.count)
        }
        if bumpEpoch && !epochBumpInProgress {
            epochBumpInProgress = true
            Task { await self.bumpEpoch(freshId: freshId) }
        }
        finishFlushIfIdle()
        drain()
    }

    /// Whether a batch of the same partition with an earlier sequence, under the same producer
    /// id and epoch, is waiting to go out again or is out again.
    private func waitsBehindAnEarlierBatch(_ batch: Batch) -> Bool {
        guard let sequence = batch.baseSequence else { return false }
        func earlier(_ other: Batch) -> Bool {
            other.id != batch.id && other.partition == batch.partition && other.producerId == batch.producerId
                && other.producerEpoch == batch.producerEpoch && (other.baseSequence.map { $0 < sequence } ?? false)
        }
        guard let queue = queues[batch.partition] else { return false }
        return queue.ready.contains(where: earlier) || queue.inFlightIds.contains { inFlight[$0].map(earlier) ?? false }
    }

    /// Whether a batch of `queue` sent under an older producer id or epoch is still out.
    private func hasStaleBatchInFlight(_ queue: PartitionQueue) -> Bool {
        queue.inFlightIds.contains { id in
            inFlight[id].map { $0.producerEpoch != producerEpoch || $0.producerId != producerId } ?? false
        }
    }

    /// Resolves every record of a finished batch and frees its buffer room.
    private func finish(_ batch: Batch, _ result: Result<Int64, KafkaError>) {
        for (index, waiter) in batch.waiters.enumerated() {
            switch result {
            case .success(let base):
                waiter?.resume(returning: KafkaDelivery(topic: batch.partition.topic, partition: batch.partition.partition,
                                                        offset: base >= 0 ? base + Int64(index) : -1))
            case .failure(let error):
                if let waiter { waiter.resume(throwing: error) } else if unreportedError == nil { unreportedError = error }
            }
        }
        for _ in batch.records { buffer.release() }
    }

    // MARK: idempotence

    private var producerIdTask: Task<Result<InitProducerIdResponse, KafkaError>, Never>?

    /// Gets a producer id, or a new epoch of the current one; concurrent callers share one request.
    private func initProducerId() async throws(KafkaError) {
        if let running = producerIdTask {
            _ = try await running.value.get()
            return
        }
        let task = Task { () -> Result<InitProducerIdResponse, KafkaError> in
            do throws(KafkaError) { return .success(try await self.requestProducerId()) } catch { return .failure(error) }
        }
        producerIdTask = task
        let result = await task.value
        producerIdTask = nil
        let response = try result.get()
        producerId = response.producerId
        producerEpoch = response.producerEpoch
    }

    private func requestProducerId() async throws(KafkaError) -> InitProducerIdResponse {
        try await cluster.retry.run("InitProducerId") { () throws(KafkaError) -> InitProducerIdResponse in
            let connection = try await cluster.anyConnection(purpose: .produce)
            var request = InitProducerIdRequest()
            request.transactionalId = nil
            request.transactionTimeoutMs = 60_000
            request.producerId = -1
            request.producerEpoch = -1
            let answer = try await connection.send(request)
            if let error = KafkaError.broker(answer.errorCode, "InitProducerId") { throw error }
            return answer
        }
    }

    /// After a fencing error, sequences restart at 0 in every partition under a new epoch
    /// (KIP-360, as the Java client does for a producer without transactions): after
    /// OUT_OF_ORDER_SEQUENCE_NUMBER the producer bumps its epoch itself; when the broker has
    /// lost or fenced the producer id (UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH, say after a
    /// broker restart) it asks for a fresh id.
    private func bumpEpoch(freshId: Bool) async {
        if freshId || producerEpoch == Int16.max {
            do {
                try await initProducerId()
            } catch {
                unreportedError = unreportedError ?? error
            }
        } else {
            producerEpoch += 1
        }
        for queue in queues.values { queue.nextSequence = 0 }
        epochBumpInProgress = false
        drain()
    }

    /// The producer id and epoch in use (idempotent producer), for tests and diagnostics.
    public var producerIdentity: (id: Int64, epoch: Int16) { (producerId, producerEpoch) }

    // MARK: flush and close

    private var isIdle: Bool { inFlight.isEmpty && queues.values.allSatisfy { $0.open == nil && $0.ready.isEmpty } }

    /// Sends everything buffered at once and waits until all of it is acknowledged or failed.
    /// Throws the first failure of an `enqueue`d record since the last flush.
    public func flush() async throws(KafkaError) {
        flushing += 1
        drain()
        if !isIdle {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                flushWaiters.append(continuation)
            }
        }
        flushing -= 1
        if let error = unreportedError {
            unreportedError = nil
            throw error
        }
    }

    private func finishFlushIfIdle() {
        guard !flushWaiters.isEmpty, isIdle else { return }
        let waiters = flushWaiters
        flushWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private var closedHard = false

    /// Flushes, then refuses new records; closes the cluster client if the producer made it.
    public func close() async throws(KafkaError) {
        closed = true
        defer { closedHard = true }
        let result: KafkaError?
        do { try await flush(); result = nil } catch { result = error }
        if ownsCluster { await cluster.close() }
        if let result { throw result }
    }

    static func nowMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// Fires once a request is in its connection's send queue; the next request to the same broker
/// waits for it.
final class QueuedSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [UnsafeContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { s -> [UnsafeContinuation<Void, Never>] in
            guard !s.fired else { return [] }
            s.fired = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.fired { return true }
                s.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}


#if canImport(Glibc)
import Glibc
#endif
