import SigV4
import XCTest

/// Percent-encoding, dates, path rules, key caching and the refusal of unusable input.
final class EncodingAndInputTests: XCTestCase {
    func testURIEncodingOfTheClassicTroubleCharacters() {
        XCTAssertEqual(URIEncoding.encode("a b+c=d@e[f]~g%h/ü", keepSlash: true), "a%20b%2Bc%3Dd%40e%5Bf%5D~g%25h/%C3%BC")
        XCTAssertEqual(URIEncoding.encode("a b+c=d@e[f]~g%h/ü", keepSlash: false), "a%20b%2Bc%3Dd%40e%5Bf%5D~g%25h%2F%C3%BC")
        XCTAssertEqual(URIEncoding.encode("-._~AZaz09"), "-._~AZaz09")
        XCTAssertEqual(URIEncoding.encode("😀\u{7F}\u{0}"), "%F0%9F%98%80%7F%00")
    }

    func testDecodeThenEncodeIsStable() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let once = URIEncoding.encode(bytes, keepSlash: false)
            XCTAssertEqual(URIEncoding.decode(once), bytes)
            XCTAssertEqual(URIEncoding.encode(URIEncoding.decode(once), keepSlash: false), once)
        }
        XCTAssertEqual(URIEncoding.decode(Array("%zz%4".utf8)), Array("%zz%4".utf8), "broken escapes stay literal")
        XCTAssertEqual(URIEncoding.decode(Array("a+b%2b".utf8)), Array("a+b+".utf8), "'+' is not a space")
    }

    func testAmzDate() throws {
        XCTAssertEqual(try AmzDate(secondsSinceEpoch: 0).description, "19700101T000000Z")
        XCTAssertEqual(try AmzDate(secondsSinceEpoch: 951_868_799).description, "20000229T235959Z")
        XCTAssertEqual(try AmzDate(secondsSinceEpoch: 1_440_938_160).description, "20150830T123600Z")
        XCTAssertEqual(try AmzDate(secondsSinceEpoch: 253_402_300_799).description, "99991231T235959Z")
        XCTAssertThrowsError(try AmzDate(secondsSinceEpoch: -1))
        XCTAssertThrowsError(try AmzDate(secondsSinceEpoch: 253_402_300_800))
        for text in ["20230229T000000Z", "20240230T000000Z", "20150830T240000Z", "20150830T123660Z", "20150830 123600Z",
                     "2015083T123600Z", "20150830T123600z", "2015-08-30T12:36:00Z"] {
            XCTAssertThrowsError(try AmzDate(parsing: Array(text.utf8)), text) {
                XCTAssertEqual(($0 as? SigV4Error)?.code, .malformedDate)
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let s = Int64.random(in: AmzDate.supportedRange, using: &rng)
            let d = try AmzDate(secondsSinceEpoch: s)
            XCTAssertEqual(try AmzDate(parsing: d.bytes).secondsSinceEpoch, s)
        }
    }

    func testPathRulesPerService() throws {
        let date = try AmzDate(secondsSinceEpoch: 1_440_938_160)
        let credentials = Credentials(accessKeyId: "AK", secretAccessKey: "SK")
        let request = SignableRequest(method: "GET", path: "/a/./b//../c%20d", headers: [HTTPHeader("Host", "h")])
        let standard = try SigV4Signer(credentials: credentials, region: "r", service: "svc", rules: .standard)
        let s3 = try SigV4Signer(credentials: credentials, region: "r", service: "s3", rules: .s3)
        XCTAssertEqual(try standard.signHeaders(request, payload: .empty, at: date).canonicalRequest.split(separator: "\n")[1], "/a/c%2520d")
        XCTAssertEqual(try s3.signHeaders(request, payload: .unsigned, at: date).canonicalRequest.split(separator: "\n")[1], "/a/./b//../c%20d")
    }

    func testS3HeaderSigningAddsContentHashAndToken() throws {
        let date = try AmzDate(secondsSinceEpoch: 1_440_938_160)
        let signer = try SigV4Signer(credentials: Credentials(accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "tok"),
                                     region: "us-east-1", service: "s3", rules: .s3)
        let signed = try signer.signHeaders(SignableRequest(method: "GET", path: "/b/k", headers: [HTTPHeader("Host", "s3.amazonaws.com")]),
                                            payload: .unsigned, at: date)
        XCTAssertEqual(signed.signedHeaders, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        XCTAssertEqual(signed.headersToAdd.map(\.name), ["X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256", "Authorization"])
        XCTAssertEqual(signed.headersToAdd[2].value, "UNSIGNED-PAYLOAD")
    }

    func testSigningKeyIsCachedPerDayRegionService() throws {
        let cache = SigningKeyCache(capacity: 4)
        let scope = try ServiceScope(region: "us-east-1", service: "s3")
        let morning = try AmzDate(secondsSinceEpoch: 1_440_892_800), evening = try AmzDate(secondsSinceEpoch: 1_440_979_199)
        let nextDay = try AmzDate(secondsSinceEpoch: 1_440_979_200)
        XCTAssertTrue(cache.key(secret: "s", date: morning, scope: scope) === cache.key(secret: "s", date: evening, scope: scope))
        XCTAssertFalse(cache.key(secret: "s", date: morning, scope: scope) === cache.key(secret: "s", date: nextDay, scope: scope))
        XCTAssertFalse(cache.key(secret: "s", date: morning, scope: scope)
                       === cache.key(secret: "s", date: morning, scope: try ServiceScope(region: "eu-west-1", service: "s3")))
        for day in 0..<10 { _ = cache.key(secret: "s", date: try AmzDate(secondsSinceEpoch: Int64(day) * 86_400), scope: scope) }
        XCTAssertLessThanOrEqual(cache.count, 4)
    }

    func testUnusableInputIsRefused() throws {
        let date = try AmzDate(secondsSinceEpoch: 1_440_938_160)
        let credentials = Credentials(accessKeyId: "AK", secretAccessKey: "SK")
        let presigner = try S3Presigner(credentials: credentials, region: "us-east-1")
        func code(_ body: () throws -> Any) -> SigV4Error.Code? {
            do { _ = try body(); return nil } catch { return (error as? SigV4Error)?.code }
        }
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "b", key: "k", expires: 60, at: date) }, .invalidBucketName)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "My_Bucket", key: "k", expires: 60, at: date) }, .invalidBucketName)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "a.b.c", key: "k", expires: 60, at: date) }, .invalidBucketName)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: "", expires: 60, at: date) }, .invalidObjectKey)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: String(repeating: "é", count: 513), expires: 60, at: date) }, .invalidObjectKey)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: "k", expires: 0, at: date) }, .invalidExpiry)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: "k", expires: 60, at: date,
                                                         headers: [HTTPHeader("x-amz-meta-a", "1\r\nInjected: yes")]) }, .invalidHeader)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: "k", expires: 60, at: date,
                                                         headers: [HTTPHeader("bad name", "v")]) }, .invalidHeader)
        XCTAssertEqual(code { try presigner.presignedURL(method: "GET", bucket: "bucket", key: "k", expires: 60, at: date,
                                                         query: [QueryParameter("X-Amz-Signature", "0")]) }, .duplicateParameter)
        XCTAssertEqual(code { try presigner.presignedURL(method: "G T", bucket: "bucket", key: "k", expires: 60, at: date) }, .invalidHeader)
        XCTAssertEqual(code { try S3Presigner(credentials: credentials, region: "us/east") }, .invalidScope)
        XCTAssertEqual(code { try S3Endpoint(scheme: "ftp", host: "h") }, .invalidEndpoint)
        XCTAssertEqual(code { try S3Endpoint(host: "h/x") }, .invalidEndpoint)
        XCTAssertEqual(code { try S3Endpoint(host: "h", port: 70000) }, .invalidEndpoint)
    }

    /// Any key a user can type turns into a URL without trapping, and the verifier accepts it.
    func testArbitraryKeysNeverTrap() throws {
        let date = try AmzDate(secondsSinceEpoch: 1_440_938_160)
        let credentials = Credentials(accessKeyId: "AK", secretAccessKey: "SK")
        let presigner = try S3Presigner(credentials: credentials, region: "eu-west-1", style: .path)
        let verifier = SigV4Verifier(scope: presigner.signer.scope, rules: .s3) { _ in "SK" }
        var rng = SystemRandomNumberGenerator()
        let pool: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        for _ in 0..<3000 {
            var key = ""
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let range = pool.randomElement(using: &rng) ?? pool[0]
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { key.unicodeScalars.append(scalar) }
            }
            if key.isEmpty || key.utf8.count > 1024 { continue }
            let url = try presigner.presignedURL(method: "GET", bucket: "bucket", key: key, expires: 60, at: date)
            XCTAssertNoThrow(try verifier.verifyPresignedURL(url, method: "GET", now: date), key.debugDescription)
        }
    }

    /// The presigner's byte-buffer path and the general `SigV4Signer.presign` give the same URL.
    func testPresignerAgreesWithTheGeneralSigner() throws {
        var rng = SystemRandomNumberGenerator()
        let chars = Array("ab Z09-_.~+=@[]%/!*&?#éሴ😀")
        for i in 0..<500 {
            let token: String? = i % 3 == 0 ? "tok+/=\(i)" : nil
            let credentials = Credentials(accessKeyId: "AKID\(i % 7)", secretAccessKey: "secret/\(i % 5)", sessionToken: token)
            let style: S3AddressingStyle = i % 2 == 0 ? .virtualHosted : .path
            let endpoint = i % 4 == 0 ? try S3Endpoint(scheme: "http", host: "localhost", port: 9000) : nil
            let region = ["us-east-1", "eu-west-1", "ap-south-1"][i % 3]
            let presigner = try S3Presigner(credentials: credentials, region: region, endpoint: endpoint, style: style)
            let key = String((0..<Int.random(in: 1...20, using: &rng)).map { _ in chars.randomElement(using: &rng) ?? "a" })
            let query = i % 5 == 0 ? [QueryParameter("versionId", "v \(i)"), QueryParameter("Z-first", "")] : []
            let headers = i % 6 == 0 ? [HTTPHeader("Content-Type", "text/plain"), HTTPHeader("X-Amz-Meta-A", " x  y ")] : []
            let date = try AmzDate(secondsSinceEpoch: Int64.random(in: 0...4_102_444_799, using: &rng))
            let expires = Int.random(in: 1...604_800, using: &rng)
            let fast = try presigner.presignedURL(method: "PUT", bucket: "bucket-\(i % 9)x", key: key, expires: expires, at: date,
                                                  query: query, headers: headers)
            let address = try S3ObjectAddress(bucket: "bucket-\(i % 9)x", key: key, endpoint: presigner.endpoint, style: style)
            let request = SignableRequest(method: "PUT", encodedPath: address.path, query: query,
                                          headers: [HTTPHeader("Host", address.host)] + headers)
            let general = try presigner.signer.presign(request, expires: expires, payload: .unsigned, at: date)
            let expected = "\(presigner.endpoint.scheme)://\(address.host)\(String(decoding: address.path, as: UTF8.self))?\(general.queryString)"
            XCTAssertEqual(fast, expected, "case \(i)")
        }
    }

    func testPrintingNeverShowsTheSecret() throws {
        let credentials = Credentials(accessKeyId: "AKID", secretAccessKey: "very-secret", sessionToken: "session-secret")
        let signer = try SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3", rules: .s3)
        for text in ["\(credentials)", String(reflecting: credentials), "\(signer)", String(reflecting: signer)] {
            XCTAssertFalse(text.contains("very-secret") || text.contains("session-secret"), text)
            XCTAssertTrue(text.contains("AKID"), text)
        }
    }
}
