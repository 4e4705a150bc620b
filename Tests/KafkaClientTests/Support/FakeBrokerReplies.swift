import KafkaProtocol
@testable import KafkaClient

/// Answers the fake brokers of the producer tests share.
extension FakeBroker {
    /// Metadata naming one broker (node 1, on `port`) as the leader of every partition of `topic`.
    static func metadataReply(_ request: Request, topic: String, partitions: Int32 = 1, port: Int) -> [UInt8] {
        var response = MetadataResponse()
        response.brokers = [.init(nodeId: 1, host: "127.0.0.1", port: Int32(port))]
        response.controllerId = 1
        response.topics = [MetadataResponse.MetadataResponseTopic(name: topic, partitions: (0..<partitions).map { index in
            var partition = MetadataResponse.MetadataResponsePartition()
            partition.partitionIndex = index
            partition.leaderId = 1
            return partition
        })]
        return (try? MetadataRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                   correlationId: request.header.correlationId)) ?? []
    }

    static func initProducerIdReply(_ request: Request, producerId: Int64, epoch: Int16 = 0) -> [UInt8] {
        var response = InitProducerIdResponse()
        response.producerId = producerId
        response.producerEpoch = epoch
        return (try? InitProducerIdRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                         correlationId: request.header.correlationId)) ?? []
    }

    /// A Produce answer for `topic`: per partition index, an error code and a base offset.
    static func produceReply(_ request: Request, topic: String, _ answers: [(partition: Int32, errorCode: Int16, baseOffset: Int64)]) -> [UInt8] {
        var response = ProduceResponse()
        response.responses = [ProduceResponse.TopicProduceResponse(name: topic, partitionResponses: answers.map { answer in
            var partition = ProduceResponse.PartitionProduceResponse()
            partition.index = answer.partition
            partition.errorCode = answer.errorCode
            partition.baseOffset = answer.baseOffset
            return partition
        })]
        return (try? ProduceRequest.frameResponse(response, version: request.header.requestApiVersion,
                                                  correlationId: request.header.correlationId)) ?? []
    }

    /// The record batches of a Produce request's `topic`, by partition index, in request order.
    static func producedBatches(_ request: Request) -> [(partition: Int32, batch: KafkaRecordBatch)] {
        guard let produce = try? ProduceRequest.decode(request.body, version: request.header.requestApiVersion) else { return [] }
        var out: [(Int32, KafkaRecordBatch)] = []
        for topic in produce.topicData {
            for data in topic.partitionData {
                var reader = ByteReaderBox(data.records?.bytes ?? [])
                if let batch = try? KafkaRecordBatch.decode(from: &reader.reader) { out.append((data.index, batch)) }
            }
        }
        return out
    }
}
