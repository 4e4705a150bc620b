import Foundation
import SigV4
import XCTest

/// aws-c-auth's signing test suite (v4): every case in both flavours, the Authorization
/// header (`header-*`) and the presigned query string (`query-*`), with the rules its
/// context.json gives (normalize, sign_body, omit_session_token, expiry, session token).
/// The verifier must accept the suite's signed requests of both flavours.
final class AWSSigningTestSuiteTests: XCTestCase {
    struct Context {
        let credentials: Credentials
        let region: String
        let service: String
        let expires: Int
        let normalize: Bool
        let signBody: Bool
        let omitSessionToken: Bool
        let date: AmzDate

        init(_ json: [String: Any]) throws {
            guard let c = json["credentials"] as? [String: Any], let id = c["access_key_id"] as? String,
                  let secret = c["secret_access_key"] as? String, let region = json["region"] as? String,
                  let service = json["service"] as? String, let expires = json["expiration_in_seconds"] as? Int,
                  let normalize = json["normalize"] as? Bool, let signBody = json["sign_body"] as? Bool,
                  let timestamp = json["timestamp"] as? String else { throw FixtureError("incomplete context.json") }
            credentials = Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: c["token"] as? String)
            self.region = region
            self.service = service
            self.expires = expires
            self.normalize = normalize
            self.signBody = signBody
            omitSessionToken = json["omit_session_token"] as? Bool ?? false
            // 2015-08-30T12:36:00Z -> 20150830T123600Z
            date = try AmzDate(parsing: Array(timestamp.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ":") }))
        }

        var rules: SigningRules {
            SigningRules(path: normalize ? .standard : PathCanonicalization(normalize: false, encode: true),
                         signSessionToken: !omitSessionToken, sendsContentSHA256Header: signBody)
        }
    }

    func testEveryCaseBothFlavours() throws {
        let base = try Fixtures.url("Fixtures/sigv4/aws-signing-test-suite-v4")
        let dirs = try Fixtures.directories(under: base) { $0 == "context.json" }
        var header = SuiteTally(name: "aws-signing-test-suite-v4 header")
        var query = SuiteTally(name: "aws-signing-test-suite-v4 query")
        for dir in dirs {
            let name = dir.lastPathComponent
            let text = { (file: String) throws in try Fixtures.text(dir.appendingPathComponent(file)) }
            header.found += 1
            query.found += 1
            let skipHeader = SuiteExclusions.reason("aws-signing-test-suite-v4", "\(name)/header") != nil
            let skipQuery = SuiteExclusions.reason("aws-signing-test-suite-v4", "\(name)/query") != nil
            if skipHeader { header.excluded += 1 } else { header.ran += 1 }
            if skipQuery { query.excluded += 1 } else { query.ran += 1 }
            do {
                let context = try Context(Fixtures.json(dir.appendingPathComponent("context.json")))
                let signer = try SigV4Signer(credentials: context.credentials, region: context.region,
                                             service: context.service, rules: context.rules)
                var verifier = SigV4Verifier(scope: signer.scope, rules: context.rules) { id in
                    id == context.credentials.accessKeyId ? context.credentials.secretAccessKey : nil
                }
                verifier.requireAmzHeadersSigned = !context.omitSessionToken
                let raw = try RawHTTPRequest(Fixtures.bytes(dir.appendingPathComponent("request.txt")))
                let request = try SignableRequest(method: raw.method, target: raw.target, headers: raw.headers)

                if !skipHeader {
                    var ok = true
                    let signed = try signer.signHeaders(request, payload: .bytes(raw.body), at: context.date)
                    ok = check(signed.canonicalRequest, try text("header-canonical-request.txt"), "\(name) header canonical request") && ok
                    ok = check(signed.stringToSign, try text("header-string-to-sign.txt"), "\(name) header string to sign") && ok
                    ok = check(signed.signature, try text("header-signature.txt"), "\(name) header signature") && ok
                    let file = try RawHTTPRequest(Fixtures.bytes(dir.appendingPathComponent("header-signed-request.txt")))
                    for added in signed.headersToAdd {
                        ok = check(file.header(added.name) ?? "<missing>", added.value, "\(name) signed request header \(added.name)") && ok
                    }
                    do {
                        _ = try verifier.verifyAuthorization(method: file.method, target: file.target, headers: file.headers,
                                                             payload: .bytes(file.body), now: context.date)
                    } catch {
                        XCTFail("\(name): verifier refused header-signed-request.txt: \(error)")
                        ok = false
                    }
                    if ok { header.passed += 1 }
                }

                if !skipQuery {
                    var ok = true
                    let signed = try signer.presign(request, expires: context.expires, payload: .bytes(raw.body), at: context.date)
                    ok = check(signed.canonicalRequest, try text("query-canonical-request.txt"), "\(name) query canonical request") && ok
                    ok = check(signed.stringToSign, try text("query-string-to-sign.txt"), "\(name) query string to sign") && ok
                    ok = check(signed.signature, try text("query-signature.txt"), "\(name) query signature") && ok
                    // Same parameters as the suite's signed request; the order differs (ours is botocore's).
                    let file = try RawHTTPRequest(Fixtures.bytes(dir.appendingPathComponent("query-signed-request.txt")))
                    let filePath = file.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    let fileQuery = try SignableRequest(method: file.method, target: file.target).query
                    let ours = request.query.map { QueryKey($0) } + (try QueryParameter.parse(signed.queryBytes)).map { QueryKey($0) }
                    ok = check(String(filePath), String(decoding: request.path, as: UTF8.self), "\(name) query signed path") && ok
                    ok = check(fileQuery.map { QueryKey($0) }.sorted().description,
                               Array(Set(ours)).sorted().description, "\(name) query parameters") && ok
                    do {
                        _ = try verifier.verifyPresigned(method: file.method, target: file.target, headers: file.headers,
                                                         payload: .bytes(file.body), now: context.date)
                    } catch {
                        XCTFail("\(name): verifier refused query-signed-request.txt: \(error)")
                        ok = false
                    }
                    if ok { query.passed += 1 }
                }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        header.report()
        query.report()
    }

    /// A query parameter as a comparable string pair.
    struct QueryKey: Hashable, Comparable, CustomStringConvertible {
        let name: String, value: String
        init(_ p: QueryParameter) {
            name = String(decoding: p.name, as: UTF8.self)
            value = String(decoding: p.value, as: UTF8.self)
        }
        static func < (a: QueryKey, b: QueryKey) -> Bool { (a.name, a.value) < (b.name, b.value) }
        var description: String { "\(name)=\(value)" }
    }

    private func check(_ ours: String, _ expected: String, _ what: String) -> Bool {
        if ours == expected { return true }
        XCTFail("\(what) differs\n--- ours\n\(ours)\n--- expected\n\(expected)")
        return false
    }
}
