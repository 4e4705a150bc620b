import Foundation
import SigV4
import XCTest

/// 1,000 generated presigned URLs must equal botocore's byte for byte.
///
/// tools/sigv4/botocore_presign.py generates the cases with a fixed seed (random keys with
/// spaces, `+ = @ [ ] ~ %`, non-ASCII and control bytes; GET/PUT/HEAD/DELETE; expiries up to
/// 7 days; extra signed headers; session tokens; path-style and virtual-hosted; AWS and custom
/// endpoints; times 2000-2099) and runs botocore's `generate_presigned_url` with the time fixed.
/// Without python3 and botocore this test FAILS: it is the reference, not an optional extra.
final class BotocoreComparisonTests: XCTestCase {
    func testPresignedURLsEqualBotocore() throws {
        let script = try Fixtures.url("tools/sigv4/botocore_presign.py")
        // python3 on PATH, else the project venv that tools/bench sigv4 sets up.
        var python: String?
        var complaints: [String] = []
        for candidate in ["python3", try Fixtures.url(".venv/bin/python3").path] {
            let check = try run([candidate, "-c", "import botocore; print(botocore.__version__)"])
            if check.status == 0 {
                python = candidate
                print("botocore \(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) via \(candidate)")
                break
            }
            complaints.append("\(candidate): \(check.stderr.split(separator: "\n").last ?? "exit \(check.status)")")
        }
        guard let python else {
            XCTFail("python3 with botocore is required for this comparison (pip install botocore): \(complaints.joined(separator: "; "))")
            return
        }

        let generated = try run([python, script.path, "generate", "--seed", "20260829", "--count", "1000"])
        guard generated.status == 0, let cases = try JSONSerialization.jsonObject(with: Data(generated.stdout.utf8)) as? [[String: Any]] else {
            XCTFail("case generation failed: \(generated.stderr)")
            return
        }
        let presigned = try run([python, script.path, "presign"], stdin: Data(generated.stdout.utf8))
        guard presigned.status == 0, let answers = try JSONSerialization.jsonObject(with: Data(presigned.stdout.utf8)) as? [[String: Any]] else {
            XCTFail("botocore presign failed: \(presigned.stderr)")
            return
        }
        XCTAssertEqual(cases.count, 1000)
        XCTAssertEqual(answers.count, cases.count)

        var equal = 0, verified = 0, expiredRefused = 0
        var mismatches: [String] = []
        for (c, answer) in zip(cases, answers) {
            guard let expected = answer["url"] as? String else {
                mismatches.append("case \(c["id"] ?? "?"): botocore error \(answer["error"] ?? "?")")
                continue
            }
            do {
                let (presigner, request) = try Self.presigner(for: c)
                let ours = try presigner.presignedURL(method: request.method, bucket: request.bucket, key: request.key,
                                                      expires: request.expires, at: request.date, query: request.query,
                                                      headers: request.headers)
                if ours == expected {
                    equal += 1
                } else {
                    mismatches.append("case \(c["id"] ?? "?") key \(request.key.debugDescription)\n  ours     \(ours)\n  botocore \(expected)")
                }
                // The verifier accepts the URL at its signing time and refuses it a second after expiry.
                let verifier = SigV4Verifier(scope: presigner.signer.scope, rules: .s3) { _ in presigner.signer.credentials.secretAccessKey }
                _ = try verifier.verifyPresignedURL(expected, method: request.method, headers: request.headers, now: request.date)
                verified += 1
                let late = try AmzDate(secondsSinceEpoch: request.date.secondsSinceEpoch + Int64(request.expires) + 1)
                let afterExpiry = Result { () throws(SigV4Error) in
                    try verifier.verifyPresignedURL(expected, method: request.method, headers: request.headers, now: late)
                }
                if case .failure(let e) = afterExpiry, e.code == .expired { expiredRefused += 1 }
            } catch {
                mismatches.append("case \(c["id"] ?? "?"): \(error)")
            }
        }
        print("BOTOCORE presigned URLs: cases=\(cases.count) byte-equal=\(equal) verified=\(verified) expired-refused=\(expiredRefused)")
        for m in mismatches.prefix(10) { XCTFail(m) }
        XCTAssertEqual(equal, cases.count)
        XCTAssertEqual(verified, cases.count)
        XCTAssertEqual(expiredRefused, cases.count)
    }

    struct Request {
        let method: String, bucket: String, key: String, expires: Int, date: AmzDate
        let query: [QueryParameter], headers: [HTTPHeader]
    }

    static func presigner(for c: [String: Any]) throws -> (S3Presigner, Request) {
        guard let method = c["method"] as? String, let bucket = c["bucket"] as? String, let key = c["key"] as? String,
              let region = c["region"] as? String, let addressing = c["addressing"] as? String,
              let expires = c["expires"] as? Int, let time = c["time"] as? Int,
              let accessKey = c["access_key"] as? String, let secret = c["secret_key"] as? String,
              let headers = c["headers"] as? [[String]], let query = c["query"] as? [[String]] else {
            throw FixtureError("incomplete case \(c)")
        }
        var endpoint: S3Endpoint? = nil
        if let e = c["endpoint"] as? [String: Any], let scheme = e["scheme"] as? String, let host = e["host"] as? String {
            endpoint = try S3Endpoint(scheme: scheme, host: host, port: e["port"] as? Int)
        }
        let credentials = Credentials(accessKeyId: accessKey, secretAccessKey: secret, sessionToken: c["session_token"] as? String)
        let presigner = try S3Presigner(credentials: credentials, region: region, endpoint: endpoint,
                                        style: addressing == "path" ? .path : .virtualHosted)
        let request = Request(method: method, bucket: bucket, key: key, expires: expires,
                              date: try AmzDate(secondsSinceEpoch: Int64(time)),
                              query: query.compactMap { $0.count == 2 ? QueryParameter($0[0], $0[1]) : nil },
                              headers: headers.compactMap { $0.count == 2 ? HTTPHeader($0[0], $0[1]) : nil })
        return (presigner, request)
    }

    struct Output { let status: Int32; let stdout: String; let stderr: String }

    /// Runs a command found on PATH. stdin and stderr go through temporary files and stdout is
    /// read before waiting, so no pipe can fill up and block the child.
    func run(_ arguments: [String], stdin: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let errFile = tmp.appendingPathComponent("sigv4-stderr-\(id)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        var files = [errFile]
        defer { for f in files { try? FileManager.default.removeItem(at: f) } }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errFile)
        if let stdin {
            let inFile = tmp.appendingPathComponent("sigv4-stdin-\(id)")
            try stdin.write(to: inFile)
            files.append(inFile)
            process.standardInput = try FileHandle(forReadingFrom: inFile)
        }
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }
}
