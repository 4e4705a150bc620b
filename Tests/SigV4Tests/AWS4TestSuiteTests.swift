import Foundation
import SigV4
import XCTest

/// botocore's copy of the AWS SigV4 test suite (2015-08-30). Every case is signed with the
/// Authorization header under the standard (non-S3) rules and must reproduce the canonical
/// request, the string to sign and the Authorization value; the verifier must accept our
/// signed request and the suite's `.sreq`. Parameters from Fixtures/README.md.
///
/// Session token: as botocore's own harness does, a case whose `.creq` signs an
/// `x-amz-security-token` gets that token as part of its credentials (get-vanilla-with-session-token
/// has it nowhere else).
final class AWS4TestSuiteTests: XCTestCase {
    static let accessKey = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    func testEveryCase() throws {
        let base = try Fixtures.url("Fixtures/sigv4/aws4_testsuite")
        let dirs = try Fixtures.directories(under: base) { $0.hasSuffix(".req") }
        let date = try AmzDate(parsing: Array("20150830T123600Z".utf8))
        var verifier = SigV4Verifier(scope: try ServiceScope(region: "us-east-1", service: "service"), rules: .standard) { id in
            id == Self.accessKey ? Self.secret : nil
        }
        // post-sts-header-after adds the token after signing, which plain SigV4 allows (S3 does not).
        verifier.requireAmzHeadersSigned = false
        var tally = SuiteTally(name: "aws4_testsuite")
        for dir in dirs {
            let name = String(dir.path.dropFirst(base.path.count + 1))
            let file = { (ext: String) in dir.appendingPathComponent("\(dir.lastPathComponent).\(ext)") }
            tally.found += 1
            if SuiteExclusions.reason("aws4_testsuite", name) != nil { tally.excluded += 1; continue }
            tally.ran += 1
            do {
                let creq = try Fixtures.text(file("creq")), sts = try Fixtures.text(file("sts")), authz = try Fixtures.text(file("authz"))
                let token = creq.split(separator: "\n").first { $0.hasPrefix("x-amz-security-token:") }
                    .map { String($0.dropFirst("x-amz-security-token:".count)) }
                let credentials = Credentials(accessKeyId: Self.accessKey, secretAccessKey: Self.secret, sessionToken: token)
                let signer = try SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", rules: .standard)

                let raw = try RawHTTPRequest(Fixtures.bytes(file("req")))
                let request = try SignableRequest(method: raw.method, target: raw.target, headers: raw.headers)
                let signed = try signer.signHeaders(request, payload: .bytes(raw.body), at: date)
                var ok = true
                ok = check(signed.canonicalRequest, creq, "\(name) canonical request") && ok
                ok = check(signed.stringToSign, sts, "\(name) string to sign") && ok
                ok = check(signed.authorization, authz, "\(name) Authorization") && ok

                // Our signed request must verify.
                let added = Set(signed.headersToAdd.map { $0.name.lowercased() })
                let ourHeaders = raw.headers.filter { !added.contains($0.name.lowercased()) } + signed.headersToAdd
                do {
                    _ = try verifier.verifyAuthorization(method: raw.method, target: raw.target, headers: ourHeaders,
                                                         payload: .bytes(raw.body), now: date)
                } catch {
                    XCTFail("\(name): verifier refused our signed request: \(error)")
                    ok = false
                }
                // And so must the suite's .sreq, unless it is listed as inconsistent.
                let sreq = try RawHTTPRequest(Fixtures.bytes(file("sreq")))
                let result = Result { () throws(SigV4Error) in
                    try verifier.verifyAuthorization(method: sreq.method, target: sreq.target, headers: sreq.headers,
                                                     payload: .bytes(sreq.body), now: date)
                }
                if SuiteExclusions.inconsistentSignedRequests["aws4_testsuite/\(name)"] != nil {
                    if case .failure(let e) = result, e.code == .signatureMismatch {} else {
                        XCTFail("\(name): the inconsistent .sreq must be refused with signatureMismatch, got \(result)")
                        ok = false
                    }
                } else if case .failure(let e) = result {
                    XCTFail("\(name): verifier refused the suite's .sreq: \(e)")
                    ok = false
                }
                if ok { tally.passed += 1 }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        tally.report()
    }

    private func check(_ ours: String, _ expected: String, _ what: String) -> Bool {
        if ours == expected { return true }
        XCTFail("\(what) differs\n--- ours\n\(ours)\n--- expected\n\(expected)")
        return false
    }
}
