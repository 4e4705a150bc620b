import Crypto
import XCTest

/// SHA-1, SHA-256, SHA-512 and MD5 against published known answers.
final class DigestKnownAnswerTests: XCTestCase {
    static let abc = ascii("abc")
    /// The 448-bit message of the FIPS 180 examples.
    static let nist448 = ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
    /// The 896-bit message of the FIPS 180 SHA-512 examples.
    static let nist896 = ascii("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
    static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    struct Vector {
        let algorithm: HashAlgorithm
        let label: String
        let message: [UInt8]
        let digest: String
    }

    /// Sources:
    /// - SHA-1/SHA-256/SHA-512: FIPS 180-2 Appendices A-C and NIST's "Cryptographic Standards and
    ///   Guidelines: Examples with Intermediate Values" (SHA1.pdf, SHA256.pdf, SHA512.pdf);
    ///   the empty-message values are the NIST CAVP SHAVS short-message Len=0 entries.
    /// - MD5: RFC 1321 section A.5 test suite (all seven). MD5 of the 448-bit message and of a
    ///   million 'a' are not in RFC 1321; they are the widely quoted values, re-checked against
    ///   Python's built-in (non-OpenSSL) _md5 when this table was written.
    static let vectors: [Vector] = [
        Vector(algorithm: .sha1, label: "empty", message: [], digest: "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        Vector(algorithm: .sha1, label: "abc", message: abc, digest: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Vector(algorithm: .sha1, label: "448-bit", message: nist448, digest: "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        Vector(algorithm: .sha1, label: "million a", message: millionA, digest: "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),

        Vector(algorithm: .sha256, label: "empty", message: [],
               digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(algorithm: .sha256, label: "abc", message: abc,
               digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(algorithm: .sha256, label: "448-bit", message: nist448,
               digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(algorithm: .sha256, label: "million a", message: millionA,
               digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),

        Vector(algorithm: .sha512, label: "empty", message: [],
               digest: "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        Vector(algorithm: .sha512, label: "abc", message: abc,
               digest: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        Vector(algorithm: .sha512, label: "448-bit", message: nist448,
               digest: "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"),
        Vector(algorithm: .sha512, label: "896-bit", message: nist896,
               digest: "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
        Vector(algorithm: .sha512, label: "million a", message: millionA,
               digest: "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"),

        Vector(algorithm: .md5, label: "empty", message: [], digest: "d41d8cd98f00b204e9800998ecf8427e"),
        Vector(algorithm: .md5, label: "a", message: ascii("a"), digest: "0cc175b9c0f1b6a831c399e269772661"),
        Vector(algorithm: .md5, label: "abc", message: abc, digest: "900150983cd24fb0d6963f7d28e17f72"),
        Vector(algorithm: .md5, label: "message digest", message: ascii("message digest"), digest: "f96b697d7cb7938d525a2f31aaf161d0"),
        Vector(algorithm: .md5, label: "a-z", message: ascii("abcdefghijklmnopqrstuvwxyz"), digest: "c3fcd3d76192e4007dfb496cca67e13b"),
        Vector(algorithm: .md5, label: "A-Za-z0-9", message: ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
               digest: "d174ab98d277d9f5a5611c2c9f419d9f"),
        Vector(algorithm: .md5, label: "8 x 1234567890", message: ascii(String(repeating: "1234567890", count: 8)),
               digest: "57edf4a22be3c955ac49da2e2107b67a"),
        Vector(algorithm: .md5, label: "448-bit", message: nist448, digest: "8215ef0796a20bcaaae116d3876c664a"),
        Vector(algorithm: .md5, label: "million a", message: millionA, digest: "7707d6ae4e027c70eea2a935c2296f21"),
    ]

    func testOneShotKnownAnswers() {
        for v in Self.vectors {
            let name = "\(v.algorithm) \(v.label)"
            XCTAssertEqual(hex(Digest.hash(v.algorithm, v.message)), v.digest, name)
            XCTAssertEqual(hex(v.message.withUnsafeBytes { Digest.hash(v.algorithm, $0) }), v.digest, "\(name) raw buffer")
            XCTAssertEqual(v.algorithm.digestSize * 2, v.digest.count, name)
        }
        for algorithm in HashAlgorithm.allCases {
            XCTAssertTrue(Self.vectors.contains { $0.algorithm == algorithm }, "no vectors for \(algorithm)")
        }
        print("Digest known answers: \(Self.vectors.count) vectors")
    }

    func testNamedShortcutsMatch() {
        XCTAssertEqual(hex(Digest.sha1(Self.abc)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex(Digest.sha256(Self.abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha512(Self.abc), Digest.hash(.sha512, Self.abc))
        XCTAssertEqual(hex(Digest.md5(Self.abc)), "900150983cd24fb0d6963f7d28e17f72")
        // A collection without contiguous storage takes the copying path.
        XCTAssertEqual(hex(Digest.sha256(Self.abc.lazy.map { $0 })), hex(Digest.sha256(Self.abc)))
    }

    /// Incremental updates in random pieces (including empty ones) equal the one-shot digest.
    func testIncrementalEqualsOneShot() {
        var rng = SeededGenerator(seed: 0xD16E57)
        for v in Self.vectors {
            for round in 0..<3 {
                var digest = Digest(v.algorithm)
                var at = 0
                while at < v.message.count {
                    let maxPiece = v.message.count > 1000 ? 70_000 : 9
                    let n = min(v.message.count - at, Int.random(in: 0...maxPiece, using: &rng))
                    switch round {
                    case 0: digest.update(v.message[at..<at + n])
                    case 1: v.message.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[at..<at + n])) }
                    default: digest.update(v.message[at..<at + n].lazy.map { $0 })
                    }
                    at += n
                }
                digest.update([UInt8]())
                let result = digest.finalize()
                XCTAssertEqual(hex(result), v.digest, "\(v.algorithm) \(v.label) round \(round)")
            }
        }
        // Random messages across block boundaries.
        for algorithm in HashAlgorithm.allCases {
            for length in [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000] {
                let message = rng.bytes(length)
                var digest = Digest(algorithm)
                for byte in message { digest.update(CollectionOfOne(byte)) }
                let result = digest.finalize()
                XCTAssertEqual(result, Digest.hash(algorithm, message), "\(algorithm) length \(length)")
            }
        }
    }

    func testAlgorithmSizes() {
        XCTAssertEqual(HashAlgorithm.md5.digestSize, 16)
        XCTAssertEqual(HashAlgorithm.sha1.digestSize, 20)
        XCTAssertEqual(HashAlgorithm.sha256.digestSize, 32)
        XCTAssertEqual(HashAlgorithm.sha512.digestSize, 64)
        XCTAssertEqual(HashAlgorithm.md5.blockSize, 64)
        XCTAssertEqual(HashAlgorithm.sha1.blockSize, 64)
        XCTAssertEqual(HashAlgorithm.sha256.blockSize, 64)
        XCTAssertEqual(HashAlgorithm.sha512.blockSize, 128)
    }
}
