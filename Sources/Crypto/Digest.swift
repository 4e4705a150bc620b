import COpenSSL

/// One-shot and incremental message digests (SHA-1, SHA-256, SHA-512, MD5) over libcrypto.
public struct Digest: ~Copyable {
    public let algorithm: HashAlgorithm
    private let context: OpaquePointer

    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        // EVP_MD_CTX_new only fails when memory runs out, where nothing else would work either.
        context = EVP_MD_CTX_new().unsafelyUnwrapped
        EVP_DigestInit_ex(context, algorithm.md, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        if buffer.count > 0 { EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) }
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.digestSize)
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }

    public static func hash(_ algorithm: HashAlgorithm, _ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.digestSize)
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer {
            _ = EVP_Digest(buffer.baseAddress, buffer.count, $0.baseAddress, &length, algorithm.md, nil)
        }
        return out
    }

    public static func hash<C: Collection>(_ algorithm: HashAlgorithm, _ bytes: C) -> [UInt8] where C.Element == UInt8 {
        if let out = bytes.withContiguousStorageIfAvailable({ hash(algorithm, UnsafeRawBufferPointer($0)) }) {
            return out
        }
        return Array(bytes).withUnsafeBytes { hash(algorithm, $0) }
    }

    public static func sha256<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 { hash(.sha256, bytes) }
    public static func sha1<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 { hash(.sha1, bytes) }
    public static func sha512<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 { hash(.sha512, bytes) }
    public static func md5<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 { hash(.md5, bytes) }
}
