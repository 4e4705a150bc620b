import COpenSSL

/// HMAC (RFC 2104) built from two digest contexts keyed once.
///
/// `HMACKey` holds the inner and outer states after absorbing the padded key, so signing many
/// messages with one key (a SigV4 signing key, a SCRAM salted password) costs two digests each
/// and no key schedule.
public final class HMACKey: @unchecked Sendable {
    // Immutable after init; only copied from, never updated, so sharing between threads is safe.
    private let inner: OpaquePointer
    private let outer: OpaquePointer
    public let algorithm: HashAlgorithm

    public init<C: Collection>(_ algorithm: HashAlgorithm, key: C) where C.Element == UInt8 {
        self.algorithm = algorithm
        var block = [UInt8](repeating: 0, count: algorithm.blockSize)
        let keyBytes = Array(key)
        let k = keyBytes.count > algorithm.blockSize ? Digest.hash(algorithm, keyBytes) : keyBytes
        for (i, b) in k.enumerated() { block[i] = b }
        inner = EVP_MD_CTX_new().unsafelyUnwrapped
        outer = EVP_MD_CTX_new().unsafelyUnwrapped
        EVP_DigestInit_ex(inner, algorithm.md, nil)
        EVP_DigestInit_ex(outer, algorithm.md, nil)
        let ipad = block.map { $0 ^ 0x36 }
        let opad = block.map { $0 ^ 0x5C }
        ipad.withUnsafeBytes { _ = EVP_DigestUpdate(inner, $0.baseAddress, $0.count) }
        opad.withUnsafeBytes { _ = EVP_DigestUpdate(outer, $0.baseAddress, $0.count) }
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }

    public func authenticate(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        let ctx = EVP_MD_CTX_new().unsafelyUnwrapped
        defer { EVP_MD_CTX_free(ctx) }
        var innerDigest = [UInt8](repeating: 0, count: algorithm.digestSize)
        var length: UInt32 = 0
        EVP_MD_CTX_copy_ex(ctx, inner)
        if message.count > 0 { EVP_DigestUpdate(ctx, message.baseAddress, message.count) }
        innerDigest.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(ctx, $0.baseAddress, &length) }
        EVP_MD_CTX_copy_ex(ctx, outer)
        innerDigest.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        var out = [UInt8](repeating: 0, count: algorithm.digestSize)
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(ctx, $0.baseAddress, &length) }
        return out
    }

    public func authenticate<C: Collection>(_ message: C) -> [UInt8] where C.Element == UInt8 {
        if let out = message.withContiguousStorageIfAvailable({ authenticate(UnsafeRawBufferPointer($0)) }) {
            return out
        }
        return Array(message).withUnsafeBytes { authenticate($0) }
    }
}

public enum HMAC {
    public static func authenticate<K: Collection, M: Collection>(
        _ algorithm: HashAlgorithm, key: K, message: M
    ) -> [UInt8] where K.Element == UInt8, M.Element == UInt8 {
        HMACKey(algorithm, key: key).authenticate(message)
    }
}
