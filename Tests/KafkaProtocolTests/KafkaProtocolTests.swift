// Tests of the KafkaProtocol module.
