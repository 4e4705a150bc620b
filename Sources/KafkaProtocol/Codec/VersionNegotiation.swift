extension ApiVersionsResponse {
    /// The highest version of `request` that both this codec and the broker (as this response
    /// lists it) support, or nil when the ranges do not meet or the broker lacks the API.
    public func negotiatedVersion<R: KafkaRequest>(for request: R.Type) -> Int16? {
        guard let broker = apiKeys.first(where: { $0.apiKey == R.apiKey }) else { return nil }
        let low = max(broker.minVersion, R.validVersions.lowerBound)
        let high = min(broker.maxVersion, R.validVersions.upperBound)
        return low <= high ? high : nil
    }
}

extension ApiVersionsResponse {
    /// Decodes an ApiVersions response body sent for a request at `version`. A broker that does
    /// not know that version answers UNSUPPORTED_VERSION with a version 0 body (KIP-511), so
    /// when the body does not read at `version` it is read again at 0, as Kafka's own
    /// `ApiVersionsResponse.parse` does.
    public static func decodeWithFallback(_ body: [UInt8], version: Int16) throws(KafkaProtocolError) -> ApiVersionsResponse {
        do {
            return try decode(body, version: version)
        } catch {
            guard version != 0 else { throw error }
            return try decode(body, version: 0)
        }
    }
}
