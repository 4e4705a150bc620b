// KafkaProtocol: the Kafka wire protocol as pure values, no I/O.
//
// Where things are:
// - Generated/: one type per request/response schema of Fixtures/kafka-messages, plus
//   RequestHeader, ResponseHeader and the consumer protocol payloads. Written by
//   tools/kafka-codegen/generate.py; never edit by hand.
// - Codec/: what the generated code stands on (KafkaMessage, the field readers and writers,
//   tagged fields, UUIDs), framing (KafkaFrameDecoder, KafkaFrame), whole requests and
//   responses (Envelope.swift), version negotiation, broker error codes (KafkaErrorCode) and
//   the module's one error type (KafkaProtocolError).
// - Records/: the contents of `records` fields: v2 record batches, legacy v0/v1 message sets,
//   KafkaRecordSet for what a fetch returns.
// - Compression/: gzip (system zlib), snappy and LZ4 in Swift; zstd is refused by name.
// - Partitioner/: the Java client's murmur2 key partitioner.
//
// A client sends `request.frame(version:correlationId:clientId:)`, feeds socket bytes to a
// KafkaFrameDecoder, routes each frame by KafkaEnvelope.responseCorrelationId, and decodes it
// with `Request.decodeResponse(frame, version:)`.
