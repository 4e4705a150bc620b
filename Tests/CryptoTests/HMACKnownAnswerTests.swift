import Crypto
import Foundation
import Synchronization
import XCTest

/// HMAC against RFC 4231 (SHA-256, SHA-512) and RFC 2202 (SHA-1, MD5), plus a reference HMAC
/// composed from Digest for every key length around the block size.
final class HMACKnownAnswerTests: XCTestCase {
    struct Vector {
        let source: String
        let algorithm: HashAlgorithm
        let key: [UInt8]
        let message: [UInt8]
        /// Expected MAC; when shorter than the digest, the test compares only this many leading
        /// bytes (the RFCs' truncated-output cases).
        let mac: String
    }

    static let rfc4231Keys: [[UInt8]] = [
        [UInt8](repeating: 0x0B, count: 20),
        ascii("Jefe"),
        [UInt8](repeating: 0xAA, count: 20),
        (1...25).map { UInt8($0) },
        [UInt8](repeating: 0x0C, count: 20),
        // Cases 6 and 7: a 131-byte key, longer than both block sizes, so it is hashed first.
        [UInt8](repeating: 0xAA, count: 131),
        [UInt8](repeating: 0xAA, count: 131),
    ]
    static let rfc4231Messages: [[UInt8]] = [
        ascii("Hi There"),
        ascii("what do ya want for nothing?"),
        [UInt8](repeating: 0xDD, count: 50),
        [UInt8](repeating: 0xCD, count: 50),
        ascii("Test With Truncation"),
        ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
        ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
    ]
    /// RFC 4231 section 4.2-4.8, HMAC-SHA-256 and HMAC-SHA-512 of test cases 1-7; case 5 is
    /// given truncated to 128 bits.
    static let rfc4231SHA256 = [
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "a3b6167473100ee06e0c796c2955552b",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ]
    static let rfc4231SHA512 = [
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
        "415fad6271580a531d4179bc891d87a6",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
    ]

    static let rfc2202Messages: [[UInt8]] = [
        ascii("Hi There"),
        ascii("what do ya want for nothing?"),
        [UInt8](repeating: 0xDD, count: 50),
        [UInt8](repeating: 0xCD, count: 50),
        ascii("Test With Truncation"),
        ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
        ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
    ]
    /// RFC 2202 sections 2 (HMAC-MD5) and 3 (HMAC-SHA-1), test cases 1-7. Keys differ between
    /// the two only in length (16 vs 20 bytes) for cases 1, 3 and 5; cases 6-7 use an 80-byte key
    /// (longer than the 64-byte block, so it is hashed first). Case 5 is listed both in full and
    /// truncated to 96 bits; the full value is used here and the truncated one as a second row.
    static func rfc2202Key(_ index: Int, _ algorithm: HashAlgorithm) -> [UInt8] {
        let short = algorithm == .md5 ? 16 : 20
        switch index {
        case 0: return [UInt8](repeating: 0x0B, count: short)
        case 1: return ascii("Jefe")
        case 2: return [UInt8](repeating: 0xAA, count: short)
        case 3: return (1...25).map { UInt8($0) }
        case 4: return [UInt8](repeating: 0x0C, count: short)
        default: return [UInt8](repeating: 0xAA, count: 80)
        }
    }
    static let rfc2202SHA1 = [
        "b617318655057264e28bc0b6fb378c8ef146be00",
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
        "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
        "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
        "aa4ae5e15272d00e95705637ce8a3b55ed402112",
        "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
    ]
    static let rfc2202MD5 = [
        "9294727a3638bb1c13f48ef8158bfc9d",
        "750c783e6ab0b503eaa86e310a5db738",
        "56be34521d144c88dbb8c733f0e8b3f6",
        "697eaf0aca3a3aea3a75164746ffaa79",
        "56461ef2342edc00f9bab995690efd4c",
        "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
        "6f630fad67cda0ee1fb1f562db3aa53e",
    ]

    static var vectors: [Vector] {
        var out: [Vector] = []
        for i in 0..<7 {
            out.append(Vector(source: "RFC 4231 case \(i + 1)", algorithm: .sha256, key: rfc4231Keys[i],
                              message: rfc4231Messages[i], mac: rfc4231SHA256[i]))
            out.append(Vector(source: "RFC 4231 case \(i + 1)", algorithm: .sha512, key: rfc4231Keys[i],
                              message: rfc4231Messages[i], mac: rfc4231SHA512[i]))
            out.append(Vector(source: "RFC 2202 case \(i + 1)", algorithm: .sha1, key: rfc2202Key(i, .sha1),
                              message: rfc2202Messages[i], mac: rfc2202SHA1[i]))
            out.append(Vector(source: "RFC 2202 case \(i + 1)", algorithm: .md5, key: rfc2202Key(i, .md5),
                              message: rfc2202Messages[i], mac: rfc2202MD5[i]))
        }
        // RFC 2202 case 5's truncated (96-bit) forms.
        out.append(Vector(source: "RFC 2202 case 5 (96-bit)", algorithm: .sha1, key: rfc2202Key(4, .sha1),
                          message: rfc2202Messages[4], mac: "4c1a03424b55e07fe7f27be1"))
        out.append(Vector(source: "RFC 2202 case 5 (96-bit)", algorithm: .md5, key: rfc2202Key(4, .md5),
                          message: rfc2202Messages[4], mac: "56461ef2342edc00f9bab995"))
        return out
    }

    func testPublishedVectors() {
        let vectors = Self.vectors
        var truncated = 0
        for v in vectors {
            let name = "\(v.source) \(v.algorithm)"
            let expected = unhex(v.mac)
            let mac = HMAC.authenticate(v.algorithm, key: v.key, message: v.message)
            XCTAssertEqual(mac.count, v.algorithm.digestSize, name)
            if expected.count < mac.count { truncated += 1 }
            XCTAssertEqual(hex(Array(mac.prefix(expected.count))), v.mac, name)
            let keyed = HMACKey(v.algorithm, key: v.key)
            XCTAssertEqual(keyed.authenticate(v.message), mac, "\(name) via HMACKey")
            XCTAssertEqual(v.message.withUnsafeBytes { keyed.authenticate($0) }, mac, "\(name) raw buffer")
            XCTAssertEqual(keyed.authenticate(v.message.lazy.map { $0 }), mac, "\(name) lazy collection")
        }
        XCTAssertEqual(vectors.count, 30)
        XCTAssertEqual(truncated, 4)  // RFC 4231 case 5 twice, RFC 2202 case 5 twice
        print("HMAC known answers: \(vectors.count) vectors (\(truncated) compared on a truncated prefix)")
    }

    /// RFC 2104's definition, composed from Digest: H((K' ^ opad) || H((K' ^ ipad) || m)).
    static func referenceHMAC(_ algorithm: HashAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > algorithm.blockSize ? Digest.hash(algorithm, key) : key
        k += [UInt8](repeating: 0, count: algorithm.blockSize - k.count)
        let inner = Digest.hash(algorithm, k.map { $0 ^ 0x36 } + message)
        return Digest.hash(algorithm, k.map { $0 ^ 0x5C } + inner)
    }

    /// Key lengths 0 through two blocks and one, so a key exactly one block long (used as is)
    /// and one byte longer (hashed) are both met.
    func testMatchesReferenceForEveryKeyLengthAroundTheBlockSize() {
        var rng = SeededGenerator(seed: 0x4D_AC)
        for algorithm in HashAlgorithm.allCases {
            for keyLength in 0...(2 * algorithm.blockSize + 1) {
                let key = rng.bytes(keyLength)
                let message = rng.bytes(Int.random(in: 0...200, using: &rng))
                XCTAssertEqual(HMAC.authenticate(algorithm, key: key, message: message),
                               Self.referenceHMAC(algorithm, key: key, message: message),
                               "\(algorithm) key length \(keyLength)")
            }
        }
    }

    /// One HMACKey reused for many messages gives what a fresh HMAC gives each time.
    func testReusedKeyEqualsFreshHMACEachTime() {
        var rng = SeededGenerator(seed: 0x2E05E)
        for algorithm in HashAlgorithm.allCases {
            let keyBytes = rng.bytes(37)
            let key = HMACKey(algorithm, key: keyBytes)
            XCTAssertEqual(key.algorithm, algorithm)
            for i in 0..<300 {
                let message = rng.bytes(i % 150)
                XCTAssertEqual(key.authenticate(message), HMAC.authenticate(algorithm, key: keyBytes, message: message),
                               "\(algorithm) message \(i)")
            }
        }
    }

    /// HMACKey is Sendable: many threads using one key at once get the same answers.
    func testSharedKeyAcrossThreads() {
        let key = HMACKey(.sha256, key: ascii("key"))
        // RFC 4231 has no "key"/"The quick..." case; this is the widely used Wikipedia example,
        // checked here only against the reference composition.
        let message = ascii("The quick brown fox jumps over the lazy dog")
        let expected = Self.referenceHMAC(.sha256, key: ascii("key"), message: message)
        XCTAssertEqual(hex(expected), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<500 where key.authenticate(message) != expected {
                mismatches.withLock { $0 += 1 }
            }
        }
        XCTAssertEqual(mismatches.withLock { $0 }, 0)
    }
}
