import Foundation
import PeerTestSupport
import XCTest

/// `switchyard wire s3` against LocalStack (which verifies presigned signatures) and our verifier.
final class WireS3CommandTests: XCTestCase {
    let switchyard = ProcessRunner.builtProduct("switchyard")

    func s3Arguments(_ peers: PeerEnvironment) throws -> [String] {
        ["--endpoint", try peers.require("SWITCHYARD_S3_ENDPOINT"), "--region", try peers.require("SWITCHYARD_S3_REGION"),
         "--access-key", try peers.require("SWITCHYARD_S3_ACCESS_KEY"), "--secret-key", try peers.require("SWITCHYARD_S3_SECRET_KEY")]
    }

    func testPresignedPutUploadsAndVerifiesThenATamperedOneIsRefusedByBoth() throws {
        let peers = try PeerEnvironment.load()
        let endpoint = try peers.require("SWITCHYARD_S3_ENDPOINT")
        let bucket = "wire-cli-\(UInt32.random(in: 0...UInt32.max))"
        let created = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "\(endpoint)/\(bucket)"])
        XCTAssertEqual(created.stdout, "200")

        let key = "dir with space/a+b=c@[x]~%.bin"
        let presign = try ProcessRunner.run(switchyard, ["wire", "s3", "presign", "--json", "--method", "PUT"] + s3Arguments(peers) + [bucket, key])
        XCTAssertEqual(presign.status, 0, presign.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(presign.stdout.utf8)) as? [String: Any])
        let url = try XCTUnwrap(object["url"] as? String)
        XCTAssertEqual(object["method"] as? String, "PUT")

        let body = FileManager.default.temporaryDirectory.appendingPathComponent("wire-\(bucket).bin")
        try Data(repeating: 0x5A, count: 12_345).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let upload = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", body.path, url])
        XCTAssertEqual(upload.stdout, "200", "LocalStack accepts our presigned PUT")
        // The object curl uploaded has the file's size.
        let head = try ProcessRunner.run(switchyard, ["wire", "s3", "head", "--json"] + s3Arguments(peers) + [bucket, key])
        XCTAssertTrue(head.stdout.hasPrefix("{\"size\":12345,"), head.stdout + head.stderr)

        let verified = try ProcessRunner.run(switchyard, ["wire", "s3", "verify", "--json", "--method", "PUT"] + s3Arguments(peers) + [url])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("\"valid\":true"), verified.stdout)

        // One hex digit of the signature changed: LocalStack answers 403 and our verifier names the check.
        let last = url.last == "0" ? "1" : "0"
        let tampered = String(url.dropLast()) + last
        let refused = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", body.path, tampered])
        XCTAssertEqual(refused.stdout, "403")
        let rejected = try ProcessRunner.run(switchyard, ["wire", "s3", "verify", "--json", "--method", "PUT"] + s3Arguments(peers) + [tampered])
        XCTAssertEqual(rejected.status, 1)
        XCTAssertTrue(rejected.stdout.contains("\"code\":\"signatureMismatch\""), rejected.stdout)
    }

    func testPresignIsReproducibleForAFixedTimeAndHelpNamesTheFlags() throws {
        let arguments = ["wire", "s3", "presign", "--endpoint", "http://127.0.0.1:9000", "--access-key", "AKIDEXAMPLE",
                         "--secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "--at", "1440938160", "--expires", "86400",
                         "examplebucket", "test.txt"]
        let first = try ProcessRunner.run(switchyard, arguments)
        let second = try ProcessRunner.run(switchyard, arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout)
        XCTAssertTrue(first.stdout.hasPrefix("http://127.0.0.1:9000/examplebucket/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="), first.stdout)
        let help = try ProcessRunner.run(switchyard, ["wire", "s3", "presign", "--help"])
        for flag in ["--endpoint", "--region", "--access-key", "--secret-key", "--method", "--expires", "--json"] {
            XCTAssertTrue(help.stdout.contains(flag), "help names \(flag)")
        }
    }

    func testPutLsHeadGetThroughOurS3Client() throws {
        let peers = try PeerEnvironment.load()
        let endpoint = try peers.require("SWITCHYARD_S3_ENDPOINT")
        let bucket = "wire-s3-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "\(endpoint)/\(bucket)"]).stdout, "200")
        let arguments = try s3Arguments(peers)
        let put = try ProcessRunner.run(switchyard, ["wire", "s3", "put", "--json", "--content-type", "text/plain"] + arguments + [bucket, "a dir/hello.txt"],
                                        input: Data("hello world\n".utf8))
        XCTAssertEqual(put.status, 0, put.stderr)
        XCTAssertTrue(put.stdout.contains("\"size\":12"), put.stdout)
        let listed = try ProcessRunner.run(switchyard, ["wire", "s3", "ls"] + arguments + [bucket])
        XCTAssertEqual(listed.stdout, "          12 a dir/hello.txt\n", listed.stderr)
        let head = try ProcessRunner.run(switchyard, ["wire", "s3", "head", "--json"] + arguments + [bucket, "a dir/hello.txt"])
        XCTAssertTrue(head.stdout.hasPrefix("{\"size\":12,\"contentType\":\"text/plain\""), head.stdout + head.stderr)
        let range = try ProcessRunner.run(switchyard, ["wire", "s3", "get", "--range", "6-10"] + arguments + [bucket, "a dir/hello.txt"])
        XCTAssertEqual(range.stdout, "world")
        let missing = try ProcessRunner.run(switchyard, ["wire", "s3", "get"] + arguments + [bucket, "missing"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("noSuchKey"), missing.stderr)
        let traced = try ProcessRunner.run(switchyard, ["wire", "s3", "head", "--trace"] + arguments + [bucket, "a dir/hello.txt"])
        XCTAssertTrue(traced.stderr.contains("request line                 HEAD /\(bucket)/a%20dir/hello.txt HTTP/1.1"), traced.stderr)
        XCTAssertTrue(traced.stderr.contains("header Authorization         AWS4-HMAC-SHA256 Credential="), traced.stderr)
    }
}
