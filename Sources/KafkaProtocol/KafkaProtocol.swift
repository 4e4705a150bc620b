// The KafkaProtocol module; see the module's files for its parts.
