import SigV4
import XCTest

/// The verifier refuses each kind of bad request with its own error code.
final class VerifierTests: XCTestCase {
    static let credentials = Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let signedAt: Int64 = 1_780_000_000  // 2026-05-28T20:26:40Z

    var date: AmzDate { get throws { try AmzDate(secondsSinceEpoch: Self.signedAt) } }

    func presigner(_ credentials: Credentials = credentials, region: String = "us-east-1") throws -> S3Presigner {
        try S3Presigner(credentials: credentials, region: region)
    }

    func verifier(region: String = "us-east-1", service: String = "s3",
                  secrets: [String: String] = [credentials.accessKeyId: credentials.secretAccessKey]) throws -> SigV4Verifier {
        SigV4Verifier(scope: try ServiceScope(region: region, service: service), rules: .s3) { secrets[$0] }
    }

    func url(method: String = "GET", key: String = "photos/a b+c=d.jpg", expires: Int = 3600,
             headers: [HTTPHeader] = [], credentials: Credentials = credentials) throws -> String {
        try presigner(credentials).presignedURL(method: method, bucket: "examplebucket", key: key, expires: expires,
                                                at: try date, headers: headers)
    }

    func now(_ offset: Int64) throws -> AmzDate { try AmzDate(secondsSinceEpoch: Self.signedAt + offset) }

    /// The code of the error `body` throws, or nil when it succeeds.
    func code(_ body: () throws(SigV4Error) -> VerifiedRequest) -> SigV4Error.Code? {
        do { _ = try body(); return nil } catch { return error.code }
    }

    func refusal(_ url: String, method: String = "GET", headers: [HTTPHeader] = [], now offset: Int64 = 10,
                 verifier v: SigV4Verifier? = nil) throws -> SigV4Error.Code? {
        let v = try v ?? verifier()
        let at = try now(offset)
        return code { () throws(SigV4Error) in try v.verifyPresignedURL(url, method: method, headers: headers, now: at) }
    }

    func testAcceptsAValidURL() throws {
        let verified = try verifier().verifyPresignedURL(try url(), method: "GET", now: try now(10))
        XCTAssertEqual(verified.accessKeyId, Self.credentials.accessKeyId)
        XCTAssertEqual(verified.expires, 3600)
        XCTAssertEqual(verified.signedHeaders, ["host"])
        XCTAssertEqual(verified.payloadHash, "UNSIGNED-PAYLOAD")
    }

    func testTamperedSignature() throws {
        var u = try url()
        let last = u.removeLast()
        u.append(last == "0" ? "1" : "0")
        XCTAssertEqual(try refusal(u), .signatureMismatch)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "X-Amz-Signature=", with: "X-Amz-Signature=Z")), .malformedSignature)
    }

    func testAnotherObjectKey() throws {
        let u = try url(key: "photos/a.jpg").replacingOccurrences(of: "/photos/a.jpg", with: "/photos/b.jpg")
        XCTAssertEqual(try refusal(u), .signatureMismatch)
    }

    func testUnknownAccessKey() throws {
        let other = Credentials(accessKeyId: "AKIAOTHERKEY00000000", secretAccessKey: "x")
        XCTAssertEqual(try refusal(try url(credentials: other)), .unknownAccessKey)
    }

    func testWrongSecret() throws {
        let v = try verifier(secrets: [Self.credentials.accessKeyId: "not-the-secret"])
        XCTAssertEqual(try refusal(try url(), verifier: v), .signatureMismatch)
    }

    func testExpiry() throws {
        XCTAssertNil(try refusal(try url(expires: 3600), now: 3600), "valid through its last second")
        XCTAssertEqual(try refusal(try url(expires: 3600), now: 3601), .expired)
        XCTAssertNil(try refusal(try url(expires: 604_800), now: 604_800), "7 days is allowed")
        XCTAssertEqual(try refusal(try url(expires: 604_800), now: 604_801), .expired)
    }

    func testLifetimeOverSevenDays() throws {
        let u = try url(expires: 604_800).replacingOccurrences(of: "X-Amz-Expires=604800", with: "X-Amz-Expires=604801")
        XCTAssertEqual(try refusal(u), .lifetimeTooLong)
        XCTAssertThrowsError(try url(expires: 604_801)) { XCTAssertEqual(($0 as? SigV4Error)?.code, .invalidExpiry) }
        XCTAssertEqual(try refusal(try url().replacingOccurrences(of: "X-Amz-Expires=3600", with: "X-Amz-Expires=-5")), .malformedExpires)
    }

    func testPutURLUsedForGet() throws {
        let put = try url(method: "PUT")
        XCTAssertNil(try refusal(put, method: "PUT"))
        XCTAssertEqual(try refusal(put, method: "GET"), .methodMismatch)
    }

    func testFutureDated() throws {
        XCTAssertNil(try refusal(try url(), now: -900), "15 minutes of clock skew are allowed")
        XCTAssertEqual(try refusal(try url(), now: -901), .notYetValid)
        XCTAssertTrue(SigV4Error(.notYetValid, "").isRetriable)
        XCTAssertFalse(SigV4Error(.signatureMismatch, "").isRetriable)
    }

    func testWrongRegionAndService() throws {
        XCTAssertEqual(try refusal(try url(), verifier: try verifier(region: "eu-west-1")), .wrongRegion)
        XCTAssertEqual(try refusal(try url(), verifier: try verifier(service: "execute-api")), .wrongService)
    }

    func testStructuralRefusals() throws {
        let u = try url()
        let unsigned = u.components(separatedBy: "&X-Amz-Signature=")[0]
        XCTAssertEqual(try refusal(unsigned), .missingParameter)
        XCTAssertEqual(try refusal(u + "&X-Amz-Date=20260528T202640Z"), .duplicateParameter)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "AWS4-HMAC-SHA256", with: "AWS4-HMAC-SHA1")), .unsupportedAlgorithm)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "%2Faws4_request", with: "%2Faws5_request")), .malformedCredential)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "X-Amz-Date=20260528T", with: "X-Amz-Date=20260527T")), .credentialDateMismatch)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "X-Amz-Date=20260528T202640Z", with: "X-Amz-Date=20260528T256640Z")), .malformedDate)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "X-Amz-SignedHeaders=host", with: "X-Amz-SignedHeaders=range")), .hostNotSigned)
        XCTAssertEqual(try refusal(u.replacingOccurrences(of: "X-Amz-SignedHeaders=host", with: "X-Amz-SignedHeaders=host%3Bhost")), .malformedSignedHeaders)
        XCTAssertEqual(try refusal("ftp://examplebucket.s3.amazonaws.com/x"), .malformedURL)
        XCTAssertEqual(try refusal("https://examplebucket.s3.amazonaws.com/" + String(repeating: "a", count: 20_000)), .limitExceeded)
    }

    func testSignedHeaders() throws {
        let u = try url(method: "PUT", headers: [HTTPHeader("Content-Type", "image/jpeg"), HTTPHeader("x-amz-meta-owner", "ann")])
        let sent = [HTTPHeader("content-type", "image/jpeg"), HTTPHeader("X-Amz-Meta-Owner", " ann ")]
        XCTAssertNil(try refusal(u, method: "PUT", headers: sent))
        XCTAssertEqual(try refusal(u, method: "PUT", headers: [sent[0]]), .signedHeaderMissing)
        XCTAssertEqual(try refusal(u, method: "PUT", headers: [sent[0], HTTPHeader("x-amz-meta-owner", "bob")]), .signatureMismatch)
        XCTAssertEqual(try refusal(u, method: "PUT", headers: sent + [HTTPHeader("x-amz-acl", "public-read")]), .headerNotSigned)
    }

    func testEveryRefusalOfTheBriefHasItsCode() throws {
        // tampered signature and wrong secret are one event for a verifier: the HMAC differs.
        let codes: [SigV4Error.Code?] = [
            try refusal(try url(expires: 60), now: 61),                                             // expired
            try refusal(try url(method: "PUT"), method: "GET"),                                     // PUT URL for GET
            try refusal(try url(), now: -3600),                                                     // future-dated
            try refusal(try url(expires: 604_800).replacingOccurrences(of: "=604800", with: "=700000")),  // > 7 days
            try refusal(try url(), verifier: try verifier(region: "us-west-2")),                    // region
            try refusal(try url(), verifier: try verifier(service: "sqs")),                         // service
            try refusal(try url(credentials: Credentials(accessKeyId: "AKIAUNKNOWN", secretAccessKey: "s"))),  // another key id
            try refusal(try url(), verifier: try verifier(secrets: [Self.credentials.accessKeyId: "wrong"])),  // wrong secret
        ]
        XCTAssertEqual(codes, [.expired, .methodMismatch, .notYetValid, .lifetimeTooLong, .wrongRegion, .wrongService,
                               .unknownAccessKey, .signatureMismatch])
    }

    func testAuthorizationHeaderRequests() throws {
        let signer = try SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3", rules: .s3)
        let request = try SignableRequest(method: "PUT", target: "/examplebucket/a%20b.txt?tagging",
                                          headers: [HTTPHeader("Host", "s3.amazonaws.com"), HTTPHeader("Content-Type", "text/plain")])
        let body = Array("hello".utf8)
        let signed = try signer.signHeaders(request, payload: .bytes(body), at: try date)
        let headers = request.headers + signed.headersToAdd
        let v = try verifier()
        func check(_ headers: [HTTPHeader], payload: Payload? = nil, at offset: Int64 = 0) throws -> SigV4Error.Code? {
            let at = try now(offset)
            return code { () throws(SigV4Error) in
                try v.verifyAuthorization(method: "PUT", target: "/examplebucket/a%20b.txt?tagging", headers: headers, payload: payload, now: at)
            }
        }
        XCTAssertNil(try check(headers))
        XCTAssertNil(try check(headers, payload: .bytes(body)))
        XCTAssertEqual(try check(headers, payload: .bytes(Array("HELLO".utf8))), .signatureMismatch)
        XCTAssertEqual(try check(headers.map { $0.name == "Content-Type" ? HTTPHeader($0.name, "text/html") : $0 }), .signatureMismatch)
        XCTAssertEqual(try check(headers, at: 901), .expired)
        XCTAssertEqual(try check(headers, at: -901), .notYetValid)
        XCTAssertEqual(try check(headers.filter { $0.name != "Authorization" }), .missingParameter)
        XCTAssertEqual(try check(headers + [HTTPHeader("authorization", signed.authorization)]), .duplicateParameter)
        XCTAssertEqual(try check(headers.filter { $0.name != "X-Amz-Content-SHA256" }), .missingPayloadHash)
    }

    func testChunkedUploadChain() throws {
        let signer = try SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3", rules: .s3)
        let request = SignableRequest(method: "PUT", path: "/examplebucket/big.bin",
                                      headers: [HTTPHeader("Host", "s3.amazonaws.com"), HTTPHeader("Content-Encoding", "aws-chunked"),
                                                HTTPHeader("x-amz-decoded-content-length", "10")])
        let seed = try signer.signHeaders(request, payload: .streaming, at: try date)
        var sender = signer.chunkSigner(seed: seed, at: try date)
        let chunks: [[UInt8]] = [Array("hello".utf8), Array("world".utf8), []]
        let signatures = chunks.map { sender.signChunk($0) }

        let verified = try verifier().verifyAuthorization(method: "PUT", target: "/examplebucket/big.bin",
                                                          headers: request.headers + seed.headersToAdd, payload: nil, now: try date)
        XCTAssertEqual(verified.payloadHash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        var receiver = try verifier().chunkVerifier(for: verified)
        XCTAssertNoThrow(try receiver.verifyChunk(chunks[0], signature: signatures[0]))
        // A changed chunk is refused, and the chain does not advance past it.
        XCTAssertThrowsError(try receiver.verifyChunk(Array("WORLD".utf8), signature: signatures[1])) {
            XCTAssertEqual(($0 as? SigV4Error)?.code, .signatureMismatch)
        }
        XCTAssertNoThrow(try receiver.verifyChunk(chunks[1], signature: signatures[1]))
        // Chunks out of order break the chain.
        var reordered = try verifier().chunkVerifier(for: verified)
        XCTAssertThrowsError(try reordered.verifyChunk(chunks[1], signature: signatures[1]))
        XCTAssertNoThrow(try receiver.verifyChunk(chunks[2], signature: signatures[2]))
        XCTAssertEqual(ChunkSigner.chunkHeader(size: 65536, signature: "ab"), "10000;chunk-signature=ab\r\n")
    }
}
