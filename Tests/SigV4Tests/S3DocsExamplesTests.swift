import Foundation
import SigV4
import XCTest

/// The worked examples of the Amazon S3 API Reference (Fixtures/sigv4/s3-examples-aws-docs.json):
/// presigned GET, four Authorization-header requests, and two chunked uploads (seed, chunk and
/// trailer signatures). Inputs come from the file: method, host, path, the header lines of the
/// canonical request, body or payload hash.
final class S3DocsExamplesTests: XCTestCase {
    struct Shared {
        let credentials: Credentials
        let date: AmzDate
        let region: String
        let service: String
        init(_ json: [String: Any]) throws {
            guard let c = json["credentials"] as? [String: String], let id = c["access_key_id"], let secret = c["secret_access_key"],
                  let date = json["amz_date"] as? String, let region = json["region"] as? String,
                  let service = json["service"] as? String else { throw FixtureError("incomplete s3 examples header") }
            credentials = Credentials(accessKeyId: id, secretAccessKey: secret)
            self.date = try AmzDate(parsing: Array(date.utf8))
            self.region = region
            self.service = service
        }
    }

    func testEveryExample() throws {
        let json = try Fixtures.json(Fixtures.url("Fixtures/sigv4/s3-examples-aws-docs.json"))
        let shared = try Shared(json)
        let signer = try SigV4Signer(credentials: shared.credentials, region: shared.region, service: shared.service, rules: .s3)
        let verifier = SigV4Verifier(scope: signer.scope, rules: .s3) { id in
            id == shared.credentials.accessKeyId ? shared.credentials.secretAccessKey : nil
        }
        var tally = SuiteTally(name: "s3-examples-aws-docs")

        // The derived signing key (computed, not printed by AWS, but checked when the file was written).
        if let keyHex = json["signing_key_hex_derived"] as? String {
            let key = SigningKey.derive(secret: shared.credentials.secretAccessKey,
                                        dateStamp: shared.date.description.utf8.prefix(8), scope: signer.scope)
            XCTAssertEqual(key.map { String(format: "%02x", $0) }.joined(), keyHex, "signing key")
        }

        for example in json["presigned_url_examples"] as? [[String: Any]] ?? [] {
            tally.found += 1
            tally.ran += 1
            let name = example["name"] as? String ?? "?"
            do {
                guard let method = example["method"] as? String, let host = example["host"] as? String,
                      let uri = example["canonical_uri"] as? String, let expires = example["expires_seconds"] as? Int,
                      let url = example["presigned_url"] as? String else { throw FixtureError("\(name): incomplete") }
                let request = SignableRequest(method: method, path: uri, headers: [HTTPHeader("Host", host)])
                let signed = try signer.presign(request, expires: expires, payload: .unsigned, at: shared.date)
                var ok = compare(signed.canonicalRequest, signed.stringToSign, signed.signature, example, name)
                // Through the presigner: virtual-hosted bucket.s3.amazonaws.com, key from the path.
                let bucket = String(host.prefix { $0 != "." })
                let key = String(decoding: URIEncoding.decode(Array(uri.utf8.dropFirst())), as: UTF8.self)
                let presigner = try S3Presigner(credentials: shared.credentials, region: shared.region)
                let ours = try presigner.presignedURL(method: method, bucket: bucket, key: key, expires: expires, at: shared.date)
                ok = check(ours, url, "\(name) URL") && ok
                _ = try verifier.verifyPresignedURL(url, method: method, now: shared.date)
                if ok { tally.passed += 1 }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }

        for example in json["authorization_header_examples"] as? [[String: Any]] ?? [] {
            tally.found += 1
            tally.ran += 1
            let name = example["name"] as? String ?? "?"
            do {
                let (request, payload) = try Self.request(from: example)
                let signed = try signer.signHeaders(request, payload: payload, at: shared.date)
                var ok = compare(signed.canonicalRequest, signed.stringToSign, signed.signature, example, name)
                // The documentation's own Authorization value (',' without spaces) must verify.
                guard let authorization = example["authorization"] as? String,
                      let target = (example["request_target"] as? String) ?? (example["canonical_uri"] as? String) else {
                    throw FixtureError("\(name): incomplete")
                }
                let headers = request.headers + [HTTPHeader("Authorization", authorization)]
                let verified = try verifier.verifyAuthorization(method: request.method, target: target, headers: headers,
                                                                payload: nil, now: shared.date)
                ok = check(verified.signature, signed.signature, "\(name) verified signature") && ok
                if ok { tally.passed += 1 }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }

        for example in json["chunked_upload_examples"] as? [[String: Any]] ?? [] {
            tally.found += 1
            tally.ran += 1
            let name = example["name"] as? String ?? "?"
            do {
                let (request, payload) = try Self.request(from: example)
                let seed = try signer.signHeaders(request, payload: payload, at: shared.date)
                var ok = compare(seed.canonicalRequest, seed.stringToSign, seed.signature, example, name, signatureKey: "seed_signature")
                var chunks = signer.chunkSigner(seed: seed, at: shared.date)
                let headers = request.headers.filter { !["x-amz-date", "x-amz-content-sha256"].contains($0.name.lowercased()) }
                    + seed.headersToAdd
                let verified = try verifier.verifyAuthorization(method: request.method, target: String(decoding: request.path, as: UTF8.self),
                                                                headers: headers, payload: nil, now: shared.date)
                var receiver = try verifier.chunkVerifier(for: verified)
                // The documented Content-Length is the framing of the documented chunk sizes.
                let sizes = (example["chunks"] as? [[String: Any]] ?? []).compactMap { $0["size"] as? Int }
                if let length = request.headers.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }),
                   let decoded = request.headers.first(where: { $0.name == "x-amz-decoded-content-length" }).flatMap({ Int($0.value) }),
                   let chunkSize = sizes.first {
                    ok = check(ChunkSigner.encodedContentLength(decodedLength: decoded, chunkSize: chunkSize).map { String($0) } ?? "nil",
                               String(length), "\(name) aws-chunked content length") && ok
                }
                for chunk in example["chunks"] as? [[String: Any]] ?? [] {
                    guard let size = chunk["size"] as? Int, let expected = chunk["signature"] as? String,
                          let description = chunk["data"] as? String,
                          description.hasPrefix("'a' repeated") || description.hasPrefix("empty") else {
                        throw FixtureError("\(name): chunk data is not the documented run of 'a'")
                    }
                    let data = [UInt8](repeating: UInt8(ascii: "a"), count: size)
                    ok = check(chunks.signChunk(data), expected, "\(name) chunk of \(size)") && ok
                    try receiver.verifyChunk(data, signature: expected)
                }
                if let trailer = example["trailer"] as? [String: Any] {
                    guard let text = trailer["hashed_trailer_text"] as? String, let expected = trailer["trailer_signature"] as? String else {
                        throw FixtureError("\(name): incomplete trailer")
                    }
                    ok = check(chunks.signTrailer(Array(text.utf8)), expected, "\(name) trailer") && ok
                }
                if ok { tally.passed += 1 }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        tally.report()
    }

    /// Method, path, the canonical request's header lines as request headers, and the payload
    /// (the body when the example gives one, whose hash must then be the documented one).
    static func request(from example: [String: Any]) throws -> (SignableRequest, Payload) {
        guard let method = example["method"] as? String, let canonical = example["canonical_request"] as? String,
              let payloadHash = example["payload_hash"] as? String else { throw FixtureError("incomplete example") }
        let target = (example["request_target"] as? String) ?? (example["canonical_uri"] as? String) ?? "/"
        let lines = canonical.split(separator: "\n", omittingEmptySubsequences: false)
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst(3) {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw FixtureError("bad header line") }
            headers.append(HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let payload: Payload
        switch payloadHash {
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": payload = .streaming
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": payload = .streamingWithTrailer
        case "UNSIGNED-PAYLOAD": payload = .unsigned
        default:
            if let body = example["body"] as? String {
                payload = .bytes(Array(body.utf8))
                XCTAssertEqual(payload.canonicalValue, payloadHash, "body hash")
            } else {
                payload = .sha256Hex(payloadHash)
            }
        }
        return (try SignableRequest(method: method, target: target, headers: headers), payload)
    }

    private func compare(_ creq: String, _ sts: String, _ signature: String, _ example: [String: Any], _ name: String,
                         signatureKey: String = "signature") -> Bool {
        var ok = check(creq, example["canonical_request"] as? String ?? "<missing>", "\(name) canonical request")
        ok = check(sts, example["string_to_sign"] as? String ?? "<missing>", "\(name) string to sign") && ok
        return check(signature, example[signatureKey] as? String ?? "<missing>", "\(name) signature") && ok
    }

    private func check(_ ours: String, _ expected: String, _ what: String) -> Bool {
        if ours == expected { return true }
        XCTFail("\(what) differs\n--- ours\n\(ours)\n--- expected\n\(expected)")
        return false
    }
}
