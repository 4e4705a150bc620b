import PeerTestSupport
import WireCore
import Crypto
import Foundation
import HTTPClient
@testable import S3
import SigV4
import XCTest

/// The S3 client against LocalStack (from tools/peers): every operation, typed errors, and a
/// 50 MiB multipart upload with bounded memory.
final class S3LocalStackTests: XCTestCase {
    var env: PeerEnvironment!
    var s3: S3Client!
    var bucket = ""

    override func setUp() async throws {
        env = try PeerEnvironment.load()
        let endpoint = try HTTPClientURL(try env.require("SWITCHYARD_S3_ENDPOINT"))
        var configuration = S3Configuration(
            endpoint: try S3Endpoint(scheme: endpoint.scheme.rawValue, host: endpoint.host, port: endpoint.port),
            region: try env.require("SWITCHYARD_S3_REGION"),
            credentials: Credentials(accessKeyId: try env.require("SWITCHYARD_S3_ACCESS_KEY"),
                                     secretAccessKey: try env.require("SWITCHYARD_S3_SECRET_KEY")))
        configuration.maxAttempts = 2
        s3 = try S3Client(configuration: configuration)
        bucket = "switchyard-\(UUID().uuidString.lowercased().prefix(18))"
        try await s3.createBucket(bucket)
    }

    override func tearDown() async throws {
        if let s3, !bucket.isEmpty {
            if let objects = try? await s3.listAllObjects(bucket: bucket) {
                for object in objects { try? await s3.deleteObject(bucket: bucket, key: object.key) }
            }
            try? await s3.deleteBucket(bucket)
            s3.shutdown()
        }
    }

    func error(_ body: () async throws(S3Error) -> Void, file: StaticString = #filePath, line: UInt = #line) async -> S3Error? {
        do {
            try await body()
            XCTFail("expected an S3Error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: buckets

    func testHeadBucketAndMissingBucket() async throws {
        try await s3.headBucket(bucket)
        let missing = await error { () async throws(S3Error) in try await self.s3.headBucket("no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())") }
        XCTAssertEqual(missing?.code, .noSuchBucket)
        XCTAssertEqual(missing?.status, 404)
        XCTAssertEqual(missing?.isRetriable, false)
        let invalid = await error { () async throws(S3Error) in try await self.s3.headBucket("Bad_Bucket") }
        XCTAssertEqual(invalid?.code, .invalidInput)
    }

    // MARK: objects

    func testPutGetHeadDeleteWithAKeyOfAwkwardCharacters() async throws {
        let key = "dir/sub dir/a b+c=d@[x]~%25 é ü.txt"
        let body = Array("the quick brown fox jumps over the lazy dog".utf8)
        let put = try await s3.putObject(bucket: bucket, key: key, body: .bytes(body), contentType: "text/plain",
                                         metadata: ["origin": "switchyard", "run": "42"], contentMD5: true)
        XCTAssertEqual(put.eTag, "\"" + hexString(Digest.hash(.md5, body)) + "\"")

        let object = try await s3.getObject(bucket: bucket, key: key)
        XCTAssertEqual(object.status, 200)
        let got = try await object.collect(upTo: 1 << 20)
        XCTAssertEqual(got, body)
        XCTAssertEqual(object.metadata.contentType, "text/plain")
        XCTAssertEqual(object.metadata.metadata, ["origin": "switchyard", "run": "42"])

        let head = try await s3.headObject(bucket: bucket, key: key)
        XCTAssertEqual(head.contentLength, body.count)
        XCTAssertEqual(head.eTag, put.eTag)

        let ranged = try await s3.getObject(bucket: bucket, key: key, range: .bytes(4...8))
        XCTAssertEqual(ranged.status, 206)
        let rangedBody = try await ranged.collect(upTo: 100)
        XCTAssertEqual(String(decoding: rangedBody, as: UTF8.self), "quick")
        XCTAssertEqual(ranged.metadata.contentRange, "bytes 4-8/\(body.count)")
        let suffix = try await s3.getObject(bucket: bucket, key: key, range: .suffix(3))
        let suffixBody = try await suffix.collect(upTo: 100)
        XCTAssertEqual(String(decoding: suffixBody, as: UTF8.self), "dog")
        let from = try await s3.getObject(bucket: bucket, key: key, range: .from(40))
        let fromBody = try await from.collect(upTo: 100)
        XCTAssertEqual(String(decoding: fromBody, as: UTF8.self), "dog")

        try await s3.deleteObject(bucket: bucket, key: key)
        let gone = await error { () async throws(S3Error) in _ = try await self.s3.headObject(bucket: self.bucket, key: key) }
        XCTAssertEqual(gone?.code, .noSuchKey)
    }

    func testMissingKeyIsATypedErrorWithS3sMessageAndRequestId() async throws {
        let e = await error { () async throws(S3Error) in _ = try await self.s3.getObject(bucket: self.bucket, key: "missing/key") }
        XCTAssertEqual(e?.code, .noSuchKey)
        XCTAssertEqual(e?.serviceCode, "NoSuchKey")
        XCTAssertEqual(e?.status, 404)
        XCTAssertFalse(e?.message.isEmpty ?? true)
        XCTAssertNotNil(e?.requestId, "S3 names the request in its error body")
        let badRange = try await {
            try await s3.putObject(bucket: bucket, key: "small", body: .bytes([1, 2, 3]))
            return await error { () async throws(S3Error) in _ = try await self.s3.getObject(bucket: self.bucket, key: "small", range: .bytes(10...20)) }
        }()
        XCTAssertEqual(badRange?.code, .invalidRange)
    }

    func testAWrongContentMD5IsRefusedAsBadDigest() async throws {
        // putObject(contentMD5: true) computes the right digest; send a wrong one through the same path.
        let body = Array("payload".utf8)
        let wrongMD5 = Base64.encode(Digest.hash(.md5, Array("something else".utf8)))
        let operation = S3Client.Operation(name: "PutObject", method: .put, bucket: bucket, key: "checked",
                                           headers: [("Content-MD5", wrongMD5)], body: .bytes(body))
        let e = await error { () async throws(S3Error) in
            try await self.s3.perform(operation) { (response) async throws(S3Error) in
                try await self.s3.discardBody(response, operation: "PutObject")
            }
        }
        XCTAssertEqual(e?.code, .badDigest)
        XCTAssertEqual(e?.status, 400)
        XCTAssertEqual(e?.isRetriable, false)
    }

    func testStreamingPutWithLengthAndSHA256() async throws {
        let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
        let count = 40
        var digest = Digest(.sha256)
        for _ in 0..<count { digest.update(chunk) }
        let sha = hexString(digest.finalize())
        let stream = AsyncStream<[UInt8]> { c in
            for _ in 0..<count { c.yield(chunk) }
            c.finish()
        }
        try await s3.putObject(bucket: bucket, key: "streamed.bin", body: .stream(stream, length: chunk.count * count, sha256Hex: sha))
        let head = try await s3.headObject(bucket: bucket, key: "streamed.bin")
        XCTAssertEqual(head.contentLength, chunk.count * count)
        // Unsigned payload too.
        let unsigned = AsyncStream<[UInt8]> { c in c.yield(Array("abc".utf8)); c.finish() }
        try await s3.putObject(bucket: bucket, key: "unsigned.txt", body: .stream(unsigned, length: 3))
        let back = try await s3.getObject(bucket: bucket, key: "unsigned.txt").collect(upTo: 10)
        XCTAssertEqual(back, Array("abc".utf8))
    }

    func testCopyObject() async throws {
        try await s3.putObject(bucket: bucket, key: "source/a b.txt", body: .bytes(Array("copy me".utf8)))
        let copy = try await s3.copyObject(sourceBucket: bucket, sourceKey: "source/a b.txt", bucket: bucket, key: "target/c+d.txt")
        XCTAssertNotNil(copy.eTag)
        let copied = try await s3.getObject(bucket: bucket, key: "target/c+d.txt").collect(upTo: 100)
        XCTAssertEqual(String(decoding: copied, as: UTF8.self), "copy me")
        let missing = await error { () async throws(S3Error) in
            _ = try await self.s3.copyObject(sourceBucket: self.bucket, sourceKey: "nope", bucket: self.bucket, key: "x")
        }
        XCTAssertEqual(missing?.code, .noSuchKey)
    }

    func testPresignedURLsWorkWithAPlainHTTPClientAndTamperingIsRefused() async throws {
        let key = "presigned/a b+c.txt"
        let put = try s3.presignedURL(method: .put, bucket: bucket, key: key, expires: 300)
        let http = HTTPClient()
        defer { http.shutdown() }
        let uploaded = try await http.put(put, body: .string("via presigned URL"))
        XCTAssertEqual(uploaded.status, .ok)
        try await uploaded.discard()
        let get = try s3.presignedURL(method: .get, bucket: bucket, key: key, expires: 300)
        let body = try await http.get(get).collect(upTo: 100)
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "via presigned URL")
        // LocalStack checks presigned signatures: a changed signature and a PUT URL used for GET fail.
        let tampered = String(get.dropLast()) + (get.hasSuffix("0") ? "1" : "0")
        let refused = try await http.get(tampered)
        XCTAssertEqual(refused.status, .forbidden)
        try await refused.discard()
        let wrongMethod = try await http.get(put)
        XCTAssertEqual(wrongMethod.status, .forbidden)
        try await wrongMethod.discard()
    }

    // MARK: listing

    func testListObjectsV2PaginatesAndGroupsByDelimiter() async throws {
        let keys = ["a/1.txt", "a/2.txt", "a/sub/3.txt", "b/4.txt", "b/5 with space.txt", "c+plus.txt", "top.txt"]
        for key in keys { try await s3.putObject(bucket: bucket, key: key, body: .bytes(Array(key.utf8))) }

        var pages: [S3ListObjectsPage] = []
        var token: String? = nil
        repeat {
            let page = try await s3.listObjectsV2(bucket: bucket, maxKeys: 3, continuationToken: token)
            pages.append(page)
            token = page.nextContinuationToken
            XCTAssertEqual(page.isTruncated, token != nil)
        } while token != nil && pages.count < 10
        XCTAssertEqual(pages.map(\.objects.count), [3, 3, 1])
        XCTAssertEqual(pages.flatMap(\.objects).map(\.key), keys.sorted())
        XCTAssertEqual(pages.flatMap(\.objects).first { $0.key == "top.txt" }?.size, 7)

        let all = try await s3.listAllObjects(bucket: bucket, pageSize: 2)
        XCTAssertEqual(all.map(\.key), keys.sorted())
        let underA = try await s3.listAllObjects(bucket: bucket, prefix: "a/")
        XCTAssertEqual(underA.map(\.key), ["a/1.txt", "a/2.txt", "a/sub/3.txt"])

        let grouped = try await s3.listObjectsV2(bucket: bucket, delimiter: "/")
        XCTAssertEqual(grouped.commonPrefixes, ["a/", "b/"])
        XCTAssertEqual(grouped.objects.map(\.key), ["c+plus.txt", "top.txt"])
    }

    // MARK: multipart

    func testMultipartUploadCompleteAndAbort() async throws {
        let key = "multi/part file.bin"
        let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: key, contentType: "application/octet-stream")
        let part1 = [UInt8](repeating: 1, count: 5 * 1024 * 1024)
        let part2 = [UInt8](repeating: 2, count: 1024)
        let p2 = try await s3.uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: 2, body: .bytes(part2))
        let p1 = try await s3.uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: 1, body: .bytes(part1))
        let done = try await s3.completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: [p2, p1])
        XCTAssertTrue(done.eTag?.hasSuffix("-2\"") ?? false, "a multipart ETag ends in -<parts>: \(done.eTag ?? "nil")")
        let head = try await s3.headObject(bucket: bucket, key: key)
        XCTAssertEqual(head.contentLength, part1.count + part2.count)
        let tail = try await s3.getObject(bucket: bucket, key: key, range: .suffix(2)).collect(upTo: 10)
        XCTAssertEqual(tail, [2, 2])

        let aborted = try await s3.createMultipartUpload(bucket: bucket, key: "multi/aborted")
        _ = try await s3.uploadPart(bucket: bucket, key: "multi/aborted", uploadId: aborted, partNumber: 1, body: .bytes([1, 2, 3]))
        try await s3.abortMultipartUpload(bucket: bucket, key: "multi/aborted", uploadId: aborted)
        let afterAbort = await error { () async throws(S3Error) in
            _ = try await self.s3.uploadPart(bucket: self.bucket, key: "multi/aborted", uploadId: aborted, partNumber: 2, body: .bytes([4]))
        }
        XCTAssertEqual(afterAbort?.code, .noSuchUpload)
        let tooSmall = try await s3.createMultipartUpload(bucket: bucket, key: "multi/small")
        let s1 = try await s3.uploadPart(bucket: bucket, key: "multi/small", uploadId: tooSmall, partNumber: 1, body: .bytes([1]))
        let s2 = try await s3.uploadPart(bucket: bucket, key: "multi/small", uploadId: tooSmall, partNumber: 2, body: .bytes([2]))
        let small = await error { () async throws(S3Error) in
            _ = try await self.s3.completeMultipartUpload(bucket: self.bucket, key: "multi/small", uploadId: tooSmall, parts: [s1, s2])
        }
        XCTAssertEqual(small?.code, .entityTooSmall)
        try await s3.abortMultipartUpload(bucket: bucket, key: "multi/small", uploadId: tooSmall)
    }

    func testFiftyMiBMultipartUploadWithBoundedMemory() async throws {
        let total = 50 * 1024 * 1024
        let chunkSize = 256 * 1024
        // Deterministic content: chunk i is filled with byte i % 251.
        let chunk: @Sendable (Int) -> [UInt8] = { i in [UInt8](repeating: UInt8(i % 251), count: chunkSize) }
        var expected = Digest(.sha256)
        for i in 0..<(total / chunkSize) { expected.update(chunk(i)) }
        let expectedSHA = hexString(expected.finalize())

        let before = residentBytes()
        let peak = PeakSampler()
        // Chunks made on demand (an AsyncStream would buffer whatever it is given), sampling RSS as they go.
        let lazySource = LazyChunks(count: total / chunkSize, make: chunk, onEach: { peak.sample() })
        let done = try await s3.uploadMultipart(bucket: bucket, key: "big/fifty.bin", partSize: 8 * 1024 * 1024, from: lazySource)
        XCTAssertTrue(done.eTag?.hasSuffix("-7\"") ?? false, "50 MiB in 8 MiB parts is 7 parts: \(done.eTag ?? "nil")")
        let grew = peak.value - before
        print("info: 50 MiB multipart upload in 8 MiB parts, RSS grew \(grew >> 20) MiB")
        XCTAssertLessThan(grew, 48 << 20, "a 50 MiB upload must hold about one part in memory, grew \(grew >> 20) MiB")

        let head = try await s3.headObject(bucket: bucket, key: "big/fifty.bin")
        XCTAssertEqual(head.contentLength, total)
        // Stream it back and hash as it comes: bounded memory on the way down too.
        let object = try await s3.getObject(bucket: bucket, key: "big/fifty.bin")
        var digest = Digest(.sha256)
        var received = 0
        for try await piece in object.body {
            digest.update(piece)
            received += piece.count
            peak.sample()
        }
        XCTAssertEqual(received, total)
        let receivedSHA = hexString(digest.finalize())
        XCTAssertEqual(receivedSHA, expectedSHA)
        XCTAssertLessThan(peak.value - before, 48 << 20, "download grew \((peak.value - before) >> 20) MiB")
    }

    // MARK: notifications

    func testPutBucketNotificationConfigurationDeliversToSQS() async throws {
        let endpoint = try env.require("SWITCHYARD_S3_ENDPOINT")
        let queueName = "switchyard-events-\(UUID().uuidString.prefix(8).lowercased())"
        let arn = try runPeersPython(env, """
            import boto3, sys
            sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
            url = sqs.create_queue(QueueName=sys.argv[2])["QueueUrl"]
            print(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])
            """, arguments: [endpoint, queueName])
        XCTAssertTrue(arn.hasPrefix("arn:aws:sqs:"), arn)
        let notification = S3NotificationConfiguration(queues: [
            .init(id: "uploads", arn: arn, events: ["s3:ObjectCreated:*"], prefix: "incoming/", suffix: ".json"),
        ])
        try await s3.putBucketNotificationConfiguration(bucket: bucket, notification)
        let stored = try runPeersPython(env, """
            import boto3, json, sys
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
            c = s3.get_bucket_notification_configuration(Bucket=sys.argv[2])["QueueConfigurations"][0]
            print(json.dumps({"id": c["Id"], "arn": c["QueueArn"], "events": c["Events"], "rules": sorted((r["Name"].lower(), r["Value"]) for r in c["Filter"]["Key"]["FilterRules"])}))
            """, arguments: [endpoint, bucket])
        let json = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any]
        XCTAssertEqual(json?["id"] as? String, "uploads")
        XCTAssertEqual(json?["arn"] as? String, arn)
        XCTAssertEqual(json?["events"] as? [String], ["s3:ObjectCreated:*"])
        XCTAssertEqual((json?["rules"] as? [[String]]) ?? [], [["prefix", "incoming/"], ["suffix", ".json"]])

        try await s3.putObject(bucket: bucket, key: "incoming/order-1.json", body: .bytes(Array("{}".utf8)))
        let keys = try runPeersPython(env, """
            import boto3, json, sys, time
            sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
            url = sqs.get_queue_url(QueueName=sys.argv[2])["QueueUrl"]
            keys, deadline = [], time.time() + 20
            while time.time() < deadline and not keys:
                for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10).get("Messages", []):
                    body = json.loads(m["Body"])
                    keys += [r["s3"]["object"]["key"] for r in body.get("Records", [])]
            sqs.delete_queue(QueueUrl=url)
            print(json.dumps(keys))
            """, arguments: [endpoint, queueName])
        XCTAssertEqual(keys, #"["incoming/order-1.json"]"#)
    }
}

/// Chunks made on demand (so the test, not a buffer, decides what is in memory).
struct LazyChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let count: Int
    let make: @Sendable (Int) -> [UInt8]
    let onEach: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: LazyChunks
        var index = 0
        mutating func next() async -> [UInt8]? {
            guard index < sequence.count else { return nil }
            defer { index += 1 }
            sequence.onEach()
            return sequence.make(index)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sequence: self) }
}

final class PeakSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = residentBytes()
    func sample() {
        let now = residentBytes()
        lock.withLock { peak = max(peak, now) }
    }
    var value: Int { lock.withLock { max(peak, residentBytes()) } }
}
