import SASL
import XCTest
@testable import MongoClient

/// SCRAM against the RFCs' published exchanges, and MongoDB's SCRAM-SHA-1 password digest against
/// the example of the MongoDB authentication specification.
final class ScramTests: XCTestCase {
    private func replay(_ scram: inout ScramClient, first: String, serverFirst: String,
                        final: String, serverFinal: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(scram.clientFirstMessage, first, file: file, line: line)
        XCTAssertEqual(try scram.clientFinalMessage(serverFirst: serverFirst), final, file: file, line: line)
        XCTAssertNoThrow(try scram.verify(serverFinal: serverFinal), file: file, line: line)
    }

    /// RFC 5802 §5 (SCRAM-SHA-1, password used as is).
    func testRFC5802Exchange() throws {
        var scram = try ScramClient(mechanism: .sha1, username: "user", preparedPassword: Array("pencil".utf8),
                                    clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        try replay(&scram, first: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                   serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                   final: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                   serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
    }

    /// RFC 7677 §3 (SCRAM-SHA-256; "pencil" is unchanged by SASLprep).
    func testRFC7677Exchange() throws {
        var scram = try ScramClient(mechanism: .sha256, username: "user", password: "pencil",
                                    clientNonce: "rOprNGfwEbeRWgbNEkqO")
        try replay(&scram, first: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                   serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                   final: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                   serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    /// MongoDB auth spec, SCRAM-SHA-1 example: the password is hex(md5("user:mongo:pencil")).
    func testMongoDBScramSHA1Digest() throws {
        var scram = try ScramClient(mechanism: .sha1, username: "user", password: "pencil",
                                    clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        try replay(&scram, first: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                   serverFirst: "r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
                   final: "c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY=",
                   serverFinal: "v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=")
    }

    func testServerThatDoesNotKnowThePasswordIsRejected() throws {
        var scram = try ScramClient(mechanism: .sha256, username: "user", password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        _ = try scram.clientFinalMessage(serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        XCTAssertThrowsError(try scram.verify(serverFinal: "v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")) {
            XCTAssertEqual(($0 as? MongoError)?.code, .authenticationFailed)
        }
        XCTAssertThrowsError(try scram.verify(serverFinal: "e=invalid-proof"))
    }

    func testBadServerFirstMessages() throws {
        var scram = try ScramClient(mechanism: .sha256, username: "u", password: "p", clientNonce: "abc")
        for bad in ["r=xyz123,s=QSXCR+Q6sek8bf92,i=4096",     // nonce not extended from ours
                    "r=abc,s=QSXCR+Q6sek8bf92,i=4096",        // not extended at all
                    "r=abcdef,s=QSXCR+Q6sek8bf92,i=1000",     // too few iterations
                    "r=abcdef,s=QSXCR+Q6sek8bf92,i=1000001",  // more than the limit
                    "r=abcdef,s=QSXCR+Q6sek8bf92,i=x",        // not a number
                    "r=abcdef,s=!!!,i=4096",                  // salt not base64
                    "r=abcdef,i=4096"] {                      // no salt
            XCTAssertThrowsError(try scram.clientFinalMessage(serverFirst: bad), bad) {
                XCTAssertEqual(($0 as? MongoError)?.code, .authenticationFailed)
            }
        }
    }

    func testUserNameEscaping() throws {
        let scram = try ScramClient(mechanism: .sha256, username: "a=b,c", password: "p", clientNonce: "n")
        XCTAssertEqual(scram.clientFirstMessage, "n,,n=a=3Db=2Cc,r=n")
    }

    /// RFC 4013 §3 examples.
    func testSASLprepRFC4013Examples() throws {
        XCTAssertEqual(try SASLprep.prepare("I\u{00AD}X"), "IX")
        XCTAssertEqual(try SASLprep.prepare("user"), "user")
        XCTAssertEqual(try SASLprep.prepare("USER"), "USER")
        XCTAssertEqual(try SASLprep.prepare("\u{00AA}"), "a")
        XCTAssertEqual(try SASLprep.prepare("\u{2168}"), "IX")
        XCTAssertThrowsError(try SASLprep.prepare("\u{0007}"))
        XCTAssertThrowsError(try SASLprep.prepare("\u{0627}\u{0031}"))
    }

    func testSASLprepMappingsAndProhibitions() throws {
        XCTAssertEqual(try SASLprep.prepare("a\u{00A0}b"), "a b")               // C.1.2 -> space
        XCTAssertEqual(try SASLprep.prepare("a\u{200B}b"), "ab")                 // B.1 wins over C.1.2
        XCTAssertEqual(try SASLprep.prepare("\u{FB01}"), "fi")                   // NFKC ligature
        XCTAssertEqual(try SASLprep.prepare("e\u{0301}"), "\u{00E9}")            // composition
        XCTAssertEqual(try SASLprep.prepare("\u{0627}\u{0628}"), "\u{0627}\u{0628}")  // all RandAL is fine
        for bad in ["\u{E000}", String(Unicode.Scalar(0xFDD0)!), "\u{2FF0}", "\u{200E}", "\u{E0001}", "a\u{0085}", "\u{1F600}", "\u{0627}a\u{0628}"] {
            XCTAssertThrowsError(try SASLprep.prepare(bad), bad.unicodeScalars.map { String($0.value, radix: 16) }.joined()) {
                XCTAssertEqual(($0 as? SCRAMError)?.code, .invalidPassword)
            }
        }
    }
}
