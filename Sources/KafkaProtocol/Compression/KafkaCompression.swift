/// The compression codecs of Kafka record batches (attributes bits 0-2).
public enum KafkaCompression: Int8, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4

    public var description: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .snappy: return "snappy"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }

    /// Compresses a batch's records section.
    public func compress(_ data: [UInt8]) throws(KafkaProtocolError) -> [UInt8] {
        switch self {
        case .none: return data
        case .gzip: return try Gzip.compress(data)
        case .snappy: return XerialSnappy.compress(data)
        case .lz4: return LZ4Frame.compress(data)
        case .zstd: throw Self.zstdRefused()
        }
    }

    /// Decompresses a batch's records section; output beyond `limit` bytes fails with
    /// `.limitExceeded` before it is produced.
    public func decompress(_ data: [UInt8], limit: Int) throws(KafkaProtocolError) -> [UInt8] {
        switch self {
        case .none:
            guard data.count <= limit else { throw KafkaProtocolError.decompressedTooLarge(limit) }
            return data
        case .gzip: return try Gzip.decompress(data, limit: limit)
        case .snappy: return try XerialSnappy.decompress(data, limit: limit)
        case .lz4: return try LZ4Frame.decompress(data, limit: limit)
        case .zstd: throw Self.zstdRefused()
        }
    }

    static func zstdRefused() -> KafkaProtocolError {
        KafkaProtocolError(.unsupportedCompression, "zstd compression (codec 4) is not supported by this client")
    }
}

extension KafkaProtocolError {
    static func decompressedTooLarge(_ limit: Int) -> KafkaProtocolError {
        KafkaProtocolError(.limitExceeded, "decompressed data is over the limit of \(limit) bytes")
    }

    static func corrupt(_ codec: String, _ message: String) -> KafkaProtocolError {
        KafkaProtocolError(.malformed, "\(codec): \(message)")
    }
}
