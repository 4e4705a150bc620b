import ArgumentParser
import Foundation
import S3
import SigV4

/// `switchyard wire s3`: presign and verify S3 URLs with our SigV4 code.
struct WireS3: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "S3: presigned URLs and their verification (SigV4).",
        subcommands: [Presign.self, Verify.self, Put.self, Get.self, Head.self, List.self])

    /// Endpoint, region and credentials: from flags, else the usual AWS environment variables.
    struct Connection: ParsableArguments {
        @Option(help: "S3 endpoint URL (http://127.0.0.1:4566); AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS.")
        var endpoint: String?
        @Option(help: "Region; AWS_REGION or AWS_DEFAULT_REGION, else us-east-1.")
        var region: String?
        @Option(help: "Access key id; AWS_ACCESS_KEY_ID.")
        var accessKey: String?
        @Option(help: "Secret access key; AWS_SECRET_ACCESS_KEY.")
        var secretKey: String?
        @Option(help: "Session token; AWS_SESSION_TOKEN.")
        var sessionToken: String?
        @Flag(help: "Path-style addressing (host/bucket/key); the default for a custom endpoint.")
        var pathStyle = false

        var environment: [String: String] { ProcessInfo.processInfo.environment }

        var resolvedRegion: String { region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1" }

        func credentials() throws -> Credentials {
            guard let id = accessKey ?? environment["AWS_ACCESS_KEY_ID"],
                  let secret = secretKey ?? environment["AWS_SECRET_ACCESS_KEY"]
            else { throw WireCommandError("no credentials: pass --access-key and --secret-key or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") }
            return Credentials(accessKeyId: id, secretAccessKey: secret,
                               sessionToken: sessionToken ?? environment["AWS_SESSION_TOKEN"])
        }

        func client() throws -> S3Client {
            guard let url = endpoint ?? environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"] else {
                throw WireCommandError("put/get/head/ls need --endpoint (or AWS_ENDPOINT_URL)")
            }
            return try S3Client(configuration: S3Configuration(endpoint: try Self.parseEndpoint(url), region: resolvedRegion,
                                                               credentials: try credentials(), addressingStyle: .path))
        }

        func presigner() throws -> S3Presigner {
            let credentials = try credentials()
            guard let url = endpoint ?? environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"] else {
                return try S3Presigner(credentials: credentials, region: resolvedRegion, style: pathStyle ? .path : .virtualHosted)
            }
            return try S3Presigner(credentials: credentials, region: resolvedRegion, endpoint: try Self.parseEndpoint(url),
                                   style: .path)
        }

        static func parseEndpoint(_ url: String) throws -> S3Endpoint {
            guard let schemeEnd = url.range(of: "://") else { throw WireCommandError("endpoint \(url) has no scheme") }
            let scheme = String(url[..<schemeEnd.lowerBound])
            var authority = String(url[schemeEnd.upperBound...])
            if let slash = authority.firstIndex(of: "/") { authority = String(authority[..<slash]) }
            if let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) {
                return try S3Endpoint(scheme: scheme, host: String(authority[..<colon]), port: port)
            }
            return try S3Endpoint(scheme: scheme, host: authority)
        }
    }

    struct Presign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a presigned URL for an object.",
            discussion: "Example: switchyard wire s3 presign --endpoint http://127.0.0.1:4566 --method PUT inputs a/b.bin")
        @OptionGroup var connection: Connection
        @OptionGroup var output: WireOutputOptions
        @Option(help: "HTTP method the URL is for.") var method = "GET"
        @Option(help: "Lifetime in seconds (1...604800).") var expires = 3600
        @Option(help: "Signing time as seconds since the epoch (default: now), for reproducible URLs.") var at: Int64?
        @Argument(help: "Bucket.") var bucket: String
        @Argument(help: "Object key.") var key: String

        func run() async throws {
            let date = try AmzDate(secondsSinceEpoch: at ?? Int64(Date().timeIntervalSince1970))
            let url = try connection.presigner().presignedURL(method: method, bucket: bucket, key: key, expires: expires, at: date)
            if output.json {
                print(JSONLine.object([("url", .string(url)), ("method", .string(method)), ("expires", .int(Int64(expires))),
                                       ("signedAt", .string(date.description))]))
            } else {
                print(url)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a presigned URL's signature, expiry, scope and signed headers with our verifier.",
            discussion: "Exit status 0 when valid, 1 with the failed check named when not.")
        @OptionGroup var connection: Connection
        @OptionGroup var output: WireOutputOptions
        @Option(help: "HTTP method the URL will be used with.") var method = "GET"
        @Option(help: "Verification time as seconds since the epoch (default: now).") var at: Int64?
        @Argument(help: "The presigned URL.") var url: String

        func run() async throws {
            let credentials = try connection.credentials()
            let verifier = try SigV4Verifier(scope: ServiceScope(region: connection.resolvedRegion, service: "s3"), rules: .s3) { id in
                id == credentials.accessKeyId ? credentials.secretAccessKey : nil
            }
            let now = try AmzDate(secondsSinceEpoch: at ?? Int64(Date().timeIntervalSince1970))
            do {
                let verified = try verifier.verifyPresignedURL(url, method: method, now: now)
                if output.json {
                    print(JSONLine.object([("valid", .bool(true)), ("accessKeyId", .string(verified.accessKeyId)),
                                           ("signedAt", .string(verified.date.description)),
                                           ("expires", verified.expires.map { .int(Int64($0)) } ?? .null),
                                           ("signedHeaders", .string(verified.signedHeaders.joined(separator: ";")))]))
                } else {
                    print("valid: signed by \(verified.accessKeyId) at \(verified.date), expires after \(verified.expires ?? 0)s, signed headers \(verified.signedHeaders.joined(separator: ";"))")
                }
            } catch {
                if output.json {
                    print(JSONLine.object([("valid", .bool(false)), ("code", .string(error.code.rawValue)), ("message", .string(error.message))]))
                } else {
                    print("invalid (\(error.code.rawValue)): \(error.message)")
                }
                throw ExitCode(1)
            }
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upload a file (or standard input) as an object.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "Content type.") var contentType: String?
        @Option(help: "File to upload (default: standard input).") var file: String?
        @Argument(help: "Bucket.") var bucket: String
        @Argument(help: "Object key.") var key: String

        func run() async throws {
            let data = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readDataToEndOfFile()
            let client = try connection.client()
            let (bytes, name, object, type, json) = (Array(data), bucket, key, contentType, output.json)
            try await traceOptions.run(.http) {
                defer { client.shutdown() }
                let result = try await client.putObject(bucket: name, key: object, body: .bytes(bytes), contentType: type, contentMD5: true)
                print(json ? JSONLine.object([("bucket", .string(name)), ("key", .string(object)), ("size", .int(Int64(bytes.count))),
                                              ("eTag", result.eTag.map { .string($0) } ?? .null)])
                           : "uploaded \(bytes.count) bytes to \(name)/\(object) (ETag \(result.eTag ?? "-"))")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download an object to standard output (or --output FILE).")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @Option(help: "Write to this file instead of standard output.") var outputFile: String?
        @Option(help: "A byte range, FIRST-LAST.") var range: String?
        @Argument(help: "Bucket.") var bucket: String
        @Argument(help: "Object key.") var key: String

        func run() async throws {
            var byteRange: S3Range?
            if let range {
                let parts = range.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 2, let first = Int(parts[0]), let last = Int(parts[1]), first <= last else {
                    throw ValidationError("--range wants FIRST-LAST, e.g. 0-99")
                }
                byteRange = .bytes(first...last)
            }
            let client = try connection.client()
            let (name, object, target, wanted) = (bucket, key, outputFile, byteRange)
            try await traceOptions.run(.http) {
                defer { client.shutdown() }
                let result = try await client.getObject(bucket: name, key: object, range: wanted)
                let bytes = try await result.collect(upTo: 1 << 30)
                if let target {
                    try Data(bytes).write(to: URL(fileURLWithPath: target))
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            }
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An object's size, type, ETag and last modification.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Argument(help: "Bucket.") var bucket: String
        @Argument(help: "Object key.") var key: String

        func run() async throws {
            let client = try connection.client()
            let (name, object, json) = (bucket, key, output.json)
            try await traceOptions.run(.http) {
                defer { client.shutdown() }
                let metadata = try await client.headObject(bucket: name, key: object)
                if json {
                    print(JSONLine.object([("size", metadata.contentLength.map { .int(Int64($0)) } ?? .null),
                                           ("contentType", metadata.contentType.map { .string($0) } ?? .null),
                                           ("eTag", metadata.eTag.map { .string($0) } ?? .null),
                                           ("lastModified", metadata.lastModified.map { .string($0) } ?? .null)]))
                } else {
                    print("size \(metadata.contentLength.map(String.init) ?? "-"), type \(metadata.contentType ?? "-"), ETag \(metadata.eTag ?? "-"), modified \(metadata.lastModified ?? "-")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List objects (every page of ListObjectsV2).")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "Only keys with this prefix.") var prefix: String?
        @Option(help: "Keys per page.") var pageSize: Int?
        @Argument(help: "Bucket.") var bucket: String

        func run() async throws {
            let client = try connection.client()
            let (name, keyPrefix, size, json) = (bucket, prefix, pageSize, output.json)
            try await traceOptions.run(.http) {
                defer { client.shutdown() }
                for object in try await client.listAllObjects(bucket: name, prefix: keyPrefix, pageSize: size) {
                    print(json ? JSONLine.object([("key", .string(object.key)), ("size", .int(Int64(object.size))),
                                                  ("eTag", object.eTag.map { .string($0) } ?? .null)])
                               : "\(String(object.size).leftPadded(12)) \(object.key)")
                }
            }
        }
    }
}
