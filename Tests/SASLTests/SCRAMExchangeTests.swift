import Crypto
import SASL
import XCTest

/// The shared SCRAM exchange against the RFCs' published conversations, and every refusal.
final class SCRAMExchangeTests: XCTestCase {
    private func replay(_ scram: inout SCRAMExchange, first: String, serverFirst: String, final: String,
                        serverFinal: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(scram.clientFirstMessage, first, file: file, line: line)
        XCTAssertEqual(try scram.clientFinalMessage(serverFirst: serverFirst), final, file: file, line: line)
        XCTAssertNoThrow(try scram.verify(serverFinal: serverFinal), file: file, line: line)
    }

    /// RFC 5802 §5 (SCRAM-SHA-1).
    func testRFC5802Exchange() throws {
        var scram = SCRAMExchange(hash: .sha1, username: "user", preparedPassword: Array("pencil".utf8),
                                  clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        try replay(&scram, first: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                   serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                   final: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                   serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
    }

    /// RFC 7677 §3 (SCRAM-SHA-256).
    func testRFC7677Exchange() throws {
        var scram = SCRAMExchange(hash: .sha256, username: "user", preparedPassword: Array("pencil".utf8),
                                  clientNonce: "rOprNGfwEbeRWgbNEkqO")
        try replay(&scram, first: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                   serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                   final: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                   serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    func testEachBadServerMessageIsRefusedWithItsCode() {
        func code(_ serverFirst: String) -> SCRAMError.Code? {
            var scram = SCRAMExchange(hash: .sha256, username: "u", preparedPassword: [1], clientNonce: "abc")
            do { _ = try scram.clientFinalMessage(serverFirst: serverFirst); return nil } catch { return error.code }
        }
        XCTAssertEqual(code("r=xyz1,s=QSXCR+Q6sek8bf92,i=4096"), .nonceMismatch)
        XCTAssertEqual(code("r=abc,s=QSXCR+Q6sek8bf92,i=4096"), .nonceMismatch, "the server must add to the nonce")
        XCTAssertEqual(code("r=abc1,s=QSXCR+Q6sek8bf92,i=4095"), .iterationsOutOfRange, "below 4096 is a downgrade")
        XCTAssertEqual(code("r=abc1,s=QSXCR+Q6sek8bf92,i=999999999"), .iterationsOutOfRange)
        XCTAssertEqual(code("r=abc1,s=not*base64,i=4096"), .malformedServerMessage)
        XCTAssertEqual(code("r=abc1,i=4096"), .malformedServerMessage)
        XCTAssertEqual(code("e=other-error"), .serverError)

        var scram = SCRAMExchange(hash: .sha256, username: "u", preparedPassword: [1], clientNonce: "abc")
        XCTAssertThrowsError(try scram.verify(serverFinal: "v=AAAA")) { XCTAssertEqual(($0 as? SCRAMError)?.code, .malformedServerMessage) }
        XCTAssertNoThrow(try scram.clientFinalMessage(serverFirst: "r=abc1,s=QSXCR+Q6sek8bf92,i=4096"))
        XCTAssertThrowsError(try scram.verify(serverFinal: "v=AAAA")) { XCTAssertEqual(($0 as? SCRAMError)?.code, .signatureMismatch) }
        XCTAssertThrowsError(try scram.verify(serverFinal: "e=invalid-proof")) { XCTAssertEqual(($0 as? SCRAMError)?.code, .serverError) }
    }

    func testUserNamesAreEscapedAndNoncesAreRandom() throws {
        let scram = SCRAMExchange(hash: .sha256, username: "a=b,c", preparedPassword: [], clientNonce: "n")
        XCTAssertEqual(scram.clientFirstMessageBare, "n=a=3Db=2Cc,r=n")
        let first = try SCRAMExchange(hash: .sha256, username: "u", preparedPassword: [])
        let second = try SCRAMExchange(hash: .sha256, username: "u", preparedPassword: [])
        XCTAssertNotEqual(first.clientNonce, second.clientNonce)
        XCTAssertEqual(first.clientNonce.count, 32)
        XCTAssertEqual(SCRAMExchange.attributes("r=a,s=b=c,i=1,r=dup"), ["r": "a", "s": "b=c", "i": "1"])
    }
}

final class SASLprepTests: XCTestCase {
    /// RFC 4013 §3 examples.
    func testRFC4013Examples() throws {
        XCTAssertEqual(try SASLprep.prepare("I\u{00AD}X"), "IX")
        XCTAssertEqual(try SASLprep.prepare("user"), "user")
        XCTAssertEqual(try SASLprep.prepare("USER"), "USER")
        XCTAssertEqual(try SASLprep.prepare("\u{00AA}"), "a")
        XCTAssertEqual(try SASLprep.prepare("\u{2168}"), "IX")
        for bad in ["\u{0007}", "\u{0627}\u{0031}"] {
            XCTAssertThrowsError(try SASLprep.prepare(bad)) { XCTAssertEqual(($0 as? SCRAMError)?.code, .invalidPassword) }
        }
    }
}
