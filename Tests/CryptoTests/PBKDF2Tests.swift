import Crypto
import Foundation
import XCTest

/// PBKDF2 against RFC 6070 (HMAC-SHA1) and RFC 7914 section 11 (HMAC-SHA256), a reference
/// built from HMACKey (RFC 8018 section 5.2), and its parameter checks.
final class PBKDF2Tests: XCTestCase {
    struct Vector {
        let source: String
        let algorithm: HashAlgorithm
        let password: [UInt8]
        let salt: [UInt8]
        let iterations: Int
        let derived: String
    }

    /// Vectors deliberately not run, by source name, with the reason. Keep this the only place.
    /// (RFC 6070 case 4, 16,777,216 iterations, is run, not excluded: OpenSSL does the work in
    /// its own optimized code even in a debug build, about 7-10 s of CPU; its time is printed.)
    static let exclusions: [String: String] = [:]

    static let vectors: [Vector] = [
        // RFC 6070 section 2, all six cases (PBKDF2-HMAC-SHA1).
        Vector(source: "RFC 6070 case 1", algorithm: .sha1, password: ascii("password"), salt: ascii("salt"),
               iterations: 1, derived: "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        Vector(source: "RFC 6070 case 2", algorithm: .sha1, password: ascii("password"), salt: ascii("salt"),
               iterations: 2, derived: "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        Vector(source: "RFC 6070 case 3", algorithm: .sha1, password: ascii("password"), salt: ascii("salt"),
               iterations: 4096, derived: "4b007901b765489abead49d926f721d065a429c1"),
        Vector(source: "RFC 6070 case 4", algorithm: .sha1, password: ascii("password"), salt: ascii("salt"),
               iterations: 16_777_216, derived: "eefe3d61cd4da4e4e9945b3d6ba2158c2634e984"),
        Vector(source: "RFC 6070 case 5", algorithm: .sha1, password: ascii("passwordPASSWORDpassword"),
               salt: ascii("saltSALTsaltSALTsaltSALTsaltSALTsalt"), iterations: 4096,
               derived: "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"),
        Vector(source: "RFC 6070 case 6", algorithm: .sha1, password: ascii("pass\0word"), salt: ascii("sa\0lt"),
               iterations: 4096, derived: "56fa6aa75548099dcc37d7f03425e0c3"),
        // RFC 7914 section 11, the two PBKDF2-HMAC-SHA256 vectors (64-byte outputs, two blocks).
        Vector(source: "RFC 7914 s11 case 1", algorithm: .sha256, password: ascii("passwd"), salt: ascii("salt"),
               iterations: 1,
               derived: "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
        Vector(source: "RFC 7914 s11 case 2", algorithm: .sha256, password: ascii("Password"), salt: ascii("NaCl"),
               iterations: 80_000,
               derived: "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
    ]

    func testPublishedVectors() throws {
        var ran = 0, passed = 0, excluded = 0
        for v in Self.vectors {
            if let reason = Self.exclusions[v.source] {
                excluded += 1
                print("PBKDF2 \(v.source) excluded: \(reason)")
                continue
            }
            ran += 1
            let expected = unhex(v.derived)
            let started = Date()
            let startedCPU = clock()
            let derived = try PBKDF2.derive(v.algorithm, password: v.password, salt: v.salt,
                                            iterations: v.iterations, length: expected.count)
            let seconds = Date().timeIntervalSince(started)
            let cpuSeconds = Double(clock() - startedCPU) / Double(CLOCKS_PER_SEC)
            if v.iterations >= 1_000_000 {
                // Wall and CPU time: on a shared machine the wall time can be much larger.
                print("PBKDF2 \(v.source): \(v.iterations) iterations took \(String(format: "%.2f", seconds)) s wall, "
                      + "\(String(format: "%.2f", cpuSeconds)) s CPU")
            }
            XCTAssertEqual(hex(derived), v.derived, v.source)
            if hex(derived) == v.derived { passed += 1 }
        }
        print("PBKDF2 vectors: \(Self.vectors.count) listed, ran \(ran), passed \(passed), excluded \(excluded)")
        XCTAssertEqual(ran + excluded, Self.vectors.count)
    }

    /// RFC 8018 section 5.2 written out over HMACKey: T_i = U_1 ^ ... ^ U_c,
    /// U_1 = PRF(P, S || INT(i)), U_j = PRF(P, U_{j-1}).
    static func referencePBKDF2(_ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8],
                                iterations: Int, length: Int) -> [UInt8] {
        let prf = HMACKey(algorithm, key: password)
        var out: [UInt8] = []
        var block: UInt32 = 1
        while out.count < length {
            var u = prf.authenticate(salt + [UInt8(block >> 24), UInt8((block >> 16) & 0xFF), UInt8((block >> 8) & 0xFF), UInt8(block & 0xFF)])
            var t = u
            for _ in 1..<iterations {
                u = prf.authenticate(u)
                for k in t.indices { t[k] ^= u[k] }
            }
            out += t
            block += 1
        }
        return Array(out.prefix(length))
    }

    /// Empty passwords and salts, lengths that are not a multiple of the digest size, every algorithm.
    func testMatchesReferenceIncludingEmptyPasswordAndSalt() throws {
        var rng = SeededGenerator(seed: 0x9B4D_F2)
        for algorithm in HashAlgorithm.allCases {
            for (pwLength, saltLength) in [(0, 0), (0, 8), (8, 0), (1, 1), (65, 16), (200, 33)] {
                let password = rng.bytes(pwLength)
                let salt = rng.bytes(saltLength)
                for (iterations, length) in [(1, 1), (3, algorithm.digestSize), (7, algorithm.digestSize + 1), (2, 3 * algorithm.digestSize + 5)] {
                    let ours = try PBKDF2.derive(algorithm, password: password, salt: salt, iterations: iterations, length: length)
                    let reference = Self.referencePBKDF2(algorithm, password: password, salt: salt,
                                                         iterations: iterations, length: length)
                    XCTAssertEqual(ours, reference,
                                   "\(algorithm) password \(pwLength) salt \(saltLength) iterations \(iterations) length \(length)")
                }
            }
        }
    }

    func testRejectsBadParameters() {
        for iterations in [0, -1, Int(Int32.max) + 1] {
            XCTAssertThrowsError(try PBKDF2.derive(.sha256, password: ascii("p"), salt: ascii("s"), iterations: iterations, length: 32),
                                 "iterations \(iterations)") { error in
                XCTAssertEqual((error as? CryptoError)?.code, .invalidParameter)
                XCTAssertEqual((error as? CryptoError)?.isRetriable, false)
            }
        }
        for length in [0, -1, (1 << 20) + 1] {
            XCTAssertThrowsError(try PBKDF2.derive(.sha256, password: ascii("p"), salt: ascii("s"), iterations: 1, length: length),
                                 "length \(length)") { error in
                XCTAssertEqual((error as? CryptoError)?.code, .invalidParameter)
            }
        }
    }
}
