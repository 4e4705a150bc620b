import Crypto
import Synchronization

/// The SigV4 signing key: HMAC("AWS4" + secret, date) -> region -> service -> "aws4_request".
///
/// It is the only secret-derived value used per request, and it changes once a day, so it is
/// derived once and kept as an `HMACKey` whose inner and outer pad states are precomputed.
public enum SigningKey {
    public static func derive(secret: String, dateStamp: some Collection<UInt8>, scope: ServiceScope) -> [UInt8] {
        var seed: [UInt8] = Array("AWS4".utf8)
        seed.append(utf8: secret)
        let kDate = HMAC.authenticate(.sha256, key: seed, message: Array(dateStamp))
        let kRegion = HMAC.authenticate(.sha256, key: kDate, message: Array(scope.region.utf8))
        let kService = HMAC.authenticate(.sha256, key: kRegion, message: Array(scope.service.utf8))
        return HMAC.authenticate(.sha256, key: kService, message: Array("aws4_request".utf8))
    }
}

/// Signing keys by (secret, day, region, service), shared by signers and verifiers.
///
/// Bounded: when full it is emptied, which costs four HMACs per key on the next use, not memory.
public final class SigningKeyCache: Sendable {
    struct Entry: Hashable {
        let secret: String
        let day: Int64
        let scope: ServiceScope
    }

    public static let shared = SigningKeyCache()

    private let keys = Mutex<[Entry: HMACKey]>([:])
    public let capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
    }

    public func key(secret: String, date: AmzDate, scope: ServiceScope) -> HMACKey {
        let entry = Entry(secret: secret, day: date.day, scope: scope)
        if let found = keys.withLock({ $0[entry] }) { return found }
        let derived = HMACKey(.sha256, key: SigningKey.derive(secret: secret, dateStamp: date.dateStamp, scope: scope))
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[entry] = derived
        }
        return derived
    }

    public var count: Int { keys.withLock { $0.count } }
}
