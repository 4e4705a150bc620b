import COpenSSL

/// A digest algorithm of libcrypto, fetched once: OpenSSL 3's `EVP_sha256()` and friends fetch
/// the implementation again on every use, which costs more than hashing a short message.
public enum HashAlgorithm: Sendable, CaseIterable {
    case md5, sha1, sha256, sha512

    public var digestSize: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    public var blockSize: Int {
        switch self {
        case .md5, .sha1, .sha256: 64
        case .sha512: 128
        }
    }

    var name: String {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }

    var md: OpaquePointer {
        switch self {
        case .md5: FetchedDigests.md5
        case .sha1: FetchedDigests.sha1
        case .sha256: FetchedDigests.sha256
        case .sha512: FetchedDigests.sha512
        }
    }
}

/// EVP_MD objects are immutable after fetch and safe to share between threads.
enum FetchedDigests {
    nonisolated(unsafe) static let md5 = fetch("MD5", fallback: EVP_md5())
    nonisolated(unsafe) static let sha1 = fetch("SHA1", fallback: EVP_sha1())
    nonisolated(unsafe) static let sha256 = fetch("SHA256", fallback: EVP_sha256())
    nonisolated(unsafe) static let sha512 = fetch("SHA512", fallback: EVP_sha512())

    private static func fetch(_ name: String, fallback: OpaquePointer?) -> OpaquePointer {
        // Fetching can only fail if the default provider is missing; the legacy getter then
        // still names a usable (if slower) implementation.
        if let fetched = EVP_MD_fetch(nil, name, nil) { return fetched }
        return fallback.unsafelyUnwrapped
    }
}
