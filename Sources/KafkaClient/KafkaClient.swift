/// A Kafka client on KafkaProtocol: metadata, producer, consumer groups, admin.
public enum KafkaClientModule {}
