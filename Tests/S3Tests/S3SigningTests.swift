import Foundation
import HTTPClient
@testable import S3
import SigV4
import XCTest

/// The client's requests carry SigV4 Authorization headers that our verifier accepts (LocalStack
/// does not check header signatures, so this is where they are checked). No network.
final class S3SigningTests: XCTestCase {
    func client(style: S3AddressingStyle, token: String? = nil) throws -> S3Client {
        var configuration = S3Configuration(endpoint: try S3Endpoint(scheme: "http", host: "127.0.0.1", port: 9000), region: "eu-west-1",
                                            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: token),
                                            addressingStyle: style)
        configuration.clock = { 1_700_000_000 }
        return try S3Client(configuration: configuration)
    }

    func verify(_ request: HTTPClientRequest, payload: Payload?, token: String? = nil) throws -> VerifiedRequest {
        var headers: [SigV4.HTTPHeader] = []
        for (name, value) in request.headers { headers.append(SigV4.HTTPHeader(name, value)) }
        let verifier = SigV4Verifier(scope: try ServiceScope(region: "eu-west-1", service: "s3"), rules: .s3) { id in
            id == "AKIDEXAMPLE" ? "secret" : nil
        }
        return try verifier.verifyAuthorization(method: request.method.rawValue, target: request.url.target, headers: headers,
                                                payload: payload, now: try AmzDate(secondsSinceEpoch: 1_700_000_060))
    }

    func testObjectRequestWithAwkwardKeyVerifies() throws {
        let s3 = try client(style: .path)
        defer { s3.shutdown() }
        let body = Array("hi".utf8)
        let operation = S3Client.Operation(name: "PutObject", method: .put, bucket: "bucket", key: "a b/c+d=e@[f]~%g é.txt",
                                           headers: [("Content-Type", "text/plain"), ("x-amz-meta-k", "v")], body: .bytes(body))
        let request = try s3.signedRequest(operation)
        XCTAssertEqual(request.url.target, "/bucket/a%20b/c%2Bd%3De%40%5Bf%5D~%25g%20%C3%A9.txt")
        XCTAssertEqual(request.headers["host"], "127.0.0.1:9000")
        let verified = try verify(request, payload: .bytes(body))
        XCTAssertEqual(verified.accessKeyId, "AKIDEXAMPLE")
        XCTAssertThrowsError(try verify(request, payload: .bytes(Array("tampered".utf8))))
        var moved = request
        moved.url = try HTTPClientURL(scheme: .http, host: "127.0.0.1", port: 9000, target: "/bucket/other")
        XCTAssertThrowsError(try verify(moved, payload: .bytes(body)), "the path is signed")
    }

    func testQuerySubresourcesAndSessionTokenVerify() throws {
        let s3 = try client(style: .virtualHosted, token: "session/token+=")
        defer { s3.shutdown() }
        let operation = S3Client.Operation(name: "ListObjectsV2", method: .get, bucket: "bucket",
                                           query: [QueryParameter("list-type", "2"), QueryParameter("prefix", "a b/+"),
                                                   QueryParameter("continuation-token", "x/y=z")])
        let request = try s3.signedRequest(operation)
        XCTAssertEqual(request.url.host, "bucket.127.0.0.1")
        XCTAssertEqual(request.headers["host"], "bucket.127.0.0.1:9000")
        XCTAssertEqual(request.url.target, "/?list-type=2&prefix=a%20b%2F%2B&continuation-token=x%2Fy%3Dz")
        XCTAssertEqual(request.headers["x-amz-security-token"], "session/token+=")
        let verified = try verify(request, payload: nil)
        XCTAssertEqual(verified.sessionToken, "session/token+=")

        let uploads = try s3.signedRequest(S3Client.Operation(name: "CreateMultipartUpload", method: .post, bucket: "bucket",
                                                              key: "k", query: [QueryParameter("uploads", "")]))
        XCTAssertEqual(uploads.url.target, "/k?uploads")
        XCTAssertNoThrow(try verify(uploads, payload: .empty))
    }

    func testStreamsAreSignedUnsignedOrWithTheirSHA256() throws {
        let s3 = try client(style: .path)
        defer { s3.shutdown() }
        let unsigned = try s3.signedRequest(S3Client.Operation(name: "PutObject", method: .put, bucket: "bucket", key: "k",
                                                               body: .stream(length: 3, sha256Hex: nil) { _ in }))
        XCTAssertEqual(unsigned.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD")
        XCTAssertNoThrow(try verify(unsigned, payload: nil))
        let sha = String(repeating: "a", count: 64)
        let hashed = try s3.signedRequest(S3Client.Operation(name: "PutObject", method: .put, bucket: "bucket", key: "k",
                                                             body: .stream(length: 3, sha256Hex: sha) { _ in }))
        XCTAssertEqual(hashed.headers["x-amz-content-sha256"], sha)
        XCTAssertNoThrow(try verify(hashed, payload: nil))
    }

    func testInvalidBucketsAreRefusedBeforeSending() throws {
        let s3 = try client(style: .path)
        defer { s3.shutdown() }
        for bucket in ["ab", "Upper", "under_score", "-start", "end-", String(repeating: "a", count: 64)] {
            XCTAssertThrowsError(try s3.signedRequest(S3Client.Operation(name: "HeadBucket", method: .head, bucket: bucket)), bucket) { error in
                XCTAssertEqual((error as? S3Error)?.code, .invalidInput)
            }
        }
    }
}
