/// HTTP/1.1 messages as values: request and response heads, headers, chunked coding, incremental parsers and serializers (RFC 9110/9112).
public enum HTTPModule {}
