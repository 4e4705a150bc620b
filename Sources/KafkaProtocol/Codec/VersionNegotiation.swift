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
