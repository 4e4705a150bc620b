import WireCore
import XCTest
@testable import KafkaClient

final class SCRAMClientTests: XCTestCase {
    /// RFC 7677 section 3: the SCRAM-SHA-256 example exchange.
    func testRFC7677SHA256Exchange() throws {
        var client = SCRAMClient(algorithm: .sha256, username: "user", password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        XCTAssertEqual(client.clientFirstMessage, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let final = try client.clientFinalMessage(
            serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        XCTAssertEqual(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        XCTAssertNoThrow(try client.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        XCTAssertThrowsError(try client.verifyServerFinal("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        XCTAssertThrowsError(try client.verifyServerFinal("e=invalid-proof"))
    }

    /// SHA-512 has no RFC example; this exchange (same inputs as RFC 5802's) was computed with
    /// Python's hashlib.pbkdf2_hmac and hmac, independently of the Crypto module.
    func testSHA512ExchangeMatchesPythonReference() throws {
        var client = SCRAMClient(algorithm: .sha512, username: "user", password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        let final = try client.clientFinalMessage(
            serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=QSXCR+Q6sek8bf92,i=4096")
        XCTAssertEqual(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=EAykbhDbSIdK2NH1gxa6hYeuy//F2vYHhDoID4icsfM4En7tcnA3Z8d4tGEJYtryn0rPgJfK/+/jQRZPhFOnvg==")
        XCTAssertNoThrow(try client.verifyServerFinal(
            "v=yax/LDlXoMn1o/AvseJ8T8lP13ZwLqloWBF+Ha+KqzvGcg205ZoJQDqxr01QXLIFNyiqDLEITr05WbdTDPpW6w=="))
    }

    func testRefusesBadServerFirstMessages() {
        var client = SCRAMClient(algorithm: .sha256, username: "user", password: "pencil", clientNonce: "abc")
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: "r=xyz123,s=QSXCR+Q6sek8bf92,i=4096"), "nonce not extended")
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: "r=abc123,s=QSXCR+Q6sek8bf92,i=0"), "zero iterations")
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: "r=abc123,s=QSXCR+Q6sek8bf92,i=999999999"), "too many iterations")
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: "r=abc123,s=not*base64,i=4096"), "bad salt")
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: "r=abc123,i=4096"), "no salt")
        XCTAssertThrowsError(try client.verifyServerFinal("v=AAAA"), "server-final before client-final")
    }

    func testUsernamesAreEscaped() {
        let client = SCRAMClient(algorithm: .sha256, username: "a=b,c", password: "p", clientNonce: "n")
        XCTAssertEqual(client.clientFirstMessage, "n,,n=a=3Db=2Cc,r=n")
    }

    func testBase64RoundTrip() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 256) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
        }
        XCTAssertNil(Base64.decode("abc"))
        XCTAssertNil(Base64.decode("ab=c"))
    }
}
