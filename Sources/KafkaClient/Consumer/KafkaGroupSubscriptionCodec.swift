import KafkaProtocol

/// A member's JoinGroup metadata for the "consumer" protocol, both ways.
///
/// Eager assignors send version 0 (topics only), as before. The cooperative-sticky assignor
/// sends version 3 with its owned partitions and their generation, and repeats both in the
/// sticky user data, where the C client's leaders and older Java leaders look for them.
enum KafkaGroupSubscriptionCodec {
    static func encode(topics: [String], assignor: KafkaPartitionAssignor, owned: [KafkaTopicPartition],
                       generation: Int32) throws(KafkaError) -> [UInt8] {
        var subscription = ConsumerProtocolSubscription()
        subscription.topics = topics
        var version: Int16 = 0
        if assignor.rebalanceProtocol == .cooperative {
            let ownedPartitions = owned.groupedByTopic().map {
                ConsumerProtocolSubscription.TopicPartition(topic: $0.topic, partitions: $0.partitions)
            }
            subscription.ownedPartitions = ownedPartitions
            subscription.generationId = generation
            subscription.userData = StickyAssignorUserData(previousAssignment: ownedPartitions, generation: generation).encoded()
            version = 3
        }
        do { return try KafkaConsumerProtocol.encode(subscription, version: version) } catch {
            throw KafkaError(error, "encode subscription")
        }
    }

    /// What a member subscribes to and owns; nil when the metadata cannot be read. Ownership
    /// comes from the subscription's own fields when it has them, else from sticky user data.
    static func decode(_ metadata: [UInt8]) -> KafkaGroupSubscription? {
        guard let (version, subscription) = try? KafkaConsumerProtocol.decodeSubscription(metadata) else { return nil }
        var owned = KafkaTopicPartition.flattened(subscription.ownedPartitions, topic: \.topic, partitions: \.partitions)
        var generation = version >= 2 ? subscription.generationId : -1
        if let userData = subscription.userData, let sticky = StickyAssignorUserData.decode(userData) {
            if generation < 0 { generation = sticky.generation }
            if version == 0 {
                owned = KafkaTopicPartition.flattened(sticky.previousAssignment, topic: \.topic, partitions: \.partitions)
            }
        }
        return KafkaGroupSubscription(topics: subscription.topics, ownedPartitions: owned, generation: generation)
    }
}
