import HTTP
import SigV4

extension S3Client {
    /// A presigned URL for `method` on `bucket/key`, valid `expires` seconds (at most 7 days) from
    /// now by the configuration's clock: anyone holding it may make that one request without
    /// credentials. `headers` must then be sent with exactly these values (they are signed).
    public func presignedURL(method: HTTPMethod, bucket: String, key: String, expires: Int,
                             query: [QueryParameter] = [], headers: [SigV4.HTTPHeader] = []) throws(S3Error) -> String {
        try Self.validateBucket(bucket)
        do {
            let presigner = try S3Presigner(credentials: configuration.credentials, region: configuration.region,
                                            endpoint: configuration.endpoint, style: configuration.addressingStyle)
            return try presigner.presignedURL(method: method.rawValue, bucket: bucket, key: key, expires: expires,
                                              at: try AmzDate(secondsSinceEpoch: configuration.clock()), query: query, headers: headers)
        } catch {
            throw S3Error(.signingFailed, "presigning \(method) \(bucket)/\(key): \(error.description)")
        }
    }
}
