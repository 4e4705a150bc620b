import Foundation
import HTTP
import HTTPClient
import PeerTestSupport
import S3
import SigV4
import XCTest

/// The list of presigned URLs that must fail, each sent to LocalStack (which checks
/// presigned signatures) and to our verifier: a tampered signature, another key, an expired URL, a
/// wrong secret, and a PUT URL used for GET. LocalStack does not check future-dated URLs or
/// lifetimes over 7 days: those are refused by our verifier alone.
final class PresignedRefusalTests: XCTestCase {
    func testEachBadURLIsRefusedByLocalStackAndByOurVerifier() async throws {
        let env = try PeerEnvironment.load()
        let endpointURL = try HTTPClientURL(try env.require("SWITCHYARD_S3_ENDPOINT"))
        let endpoint = try S3Endpoint(scheme: endpointURL.scheme.rawValue, host: endpointURL.host, port: endpointURL.port)
        let region = try env.require("SWITCHYARD_S3_REGION")
        let credentials = Credentials(accessKeyId: try env.require("SWITCHYARD_S3_ACCESS_KEY"),
                                      secretAccessKey: try env.require("SWITCHYARD_S3_SECRET_KEY"))
        let s3 = try S3Client(configuration: S3Configuration(endpoint: endpoint, region: region, credentials: credentials))
        let http = HTTPClient()
        defer { s3.shutdown(); http.shutdown() }
        let bucket = "refusals-\(UUID().uuidString.lowercased().prefix(12))"
        try await s3.createBucket(bucket)
        try await s3.putObject(bucket: bucket, key: "a.txt", body: .bytes(Array("A".utf8)))
        try await s3.putObject(bucket: bucket, key: "b.txt", body: .bytes(Array("B".utf8)))

        let nowSeconds = Int64(Date().timeIntervalSince1970)
        let now = try AmzDate(secondsSinceEpoch: nowSeconds)
        let presigner = try S3Presigner(credentials: credentials, region: region, endpoint: endpoint, style: .path)
        let wrongSecret = try S3Presigner(credentials: Credentials(accessKeyId: credentials.accessKeyId, secretAccessKey: "not-the-secret"),
                                          region: region, endpoint: endpoint, style: .path)
        let verifier = SigV4Verifier(scope: try ServiceScope(region: region, service: "s3"), rules: .s3) { id in
            id == credentials.accessKeyId ? credentials.secretAccessKey : nil
        }
        func status(_ method: HTTPMethod, _ url: String) async throws -> Int {
            let response = try await http.execute(try HTTPClientRequest(method: method, url: url, body: method == .put ? .bytes([1]) : .empty))
            _ = try await response.collect(upTo: 1 << 20)
            return response.status.code
        }
        func verifierCode(_ url: String, _ method: String) -> SigV4Error.Code? {
            do { _ = try verifier.verifyPresignedURL(url, method: method, now: now); return nil } catch { return error.code }
        }

        // The good URL works, so every refusal below is about the one thing changed.
        let good = try presigner.presignedURL(method: "GET", bucket: bucket, key: "a.txt", expires: 300, at: now)
        let goodStatus = try await status(.get, good)
        XCTAssertEqual(goodStatus, 200)
        XCTAssertNil(verifierCode(good, "GET"))

        let tampered = String(good.dropLast()) + (good.hasSuffix("0") ? "1" : "0")
        let otherKey = good.replacingOccurrences(of: "/a.txt?", with: "/b.txt?")
        let expired = try presigner.presignedURL(method: "GET", bucket: bucket, key: "a.txt", expires: 60,
                                                 at: try AmzDate(secondsSinceEpoch: nowSeconds - 600))
        let wrong = try wrongSecret.presignedURL(method: "GET", bucket: bucket, key: "a.txt", expires: 300, at: now)
        let putURL = try presigner.presignedURL(method: "PUT", bucket: bucket, key: "a.txt", expires: 300, at: now)
        let cases: [(String, String, HTTPMethod, SigV4Error.Code)] = [
            ("tampered signature", tampered, .get, .signatureMismatch),
            ("another key", otherKey, .get, .signatureMismatch),
            ("expired", expired, .get, .expired),
            ("wrong secret", wrong, .get, .signatureMismatch),
            ("PUT URL used for GET", putURL, .get, .methodMismatch),
        ]
        for (name, url, method, expected) in cases {
            let code = try await status(method, url)
            XCTAssertEqual(code, 403, "LocalStack accepted the \(name) URL")
            XCTAssertEqual(verifierCode(url, method.rawValue), expected, name)
        }
        // What LocalStack does not check: our verifier does.
        let future = try presigner.presignedURL(method: "GET", bucket: bucket, key: "a.txt", expires: 300,
                                                at: try AmzDate(secondsSinceEpoch: nowSeconds + 3600))
        XCTAssertEqual(verifierCode(future, "GET"), .notYetValid)
        let tooLong = good.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=604801")
        XCTAssertEqual(verifierCode(tooLong, "GET"), .lifetimeTooLong)

        for key in ["a.txt", "b.txt"] { try await s3.deleteObject(bucket: bucket, key: key) }
        try await s3.deleteBucket(bucket)
    }
}
