import ArgumentParser
import BSON
import Foundation
import KafkaProtocol
import SigV4
import Transport
import WireCore

/// Drives each protocol piece that exists against its real peer and prints what crossed the
/// wire. Reads the endpoints from the env file that `tools/peers up` writes.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Talk to the real peers with our transport and codecs and show the bytes.")

    @Option(help: "The peers env file (tools/peers up writes it).")
    var env: String = ".peers/env"

    func run() async throws {
        let peers = try PeerEndpoints(path: env)
        var failures = 0
        for (name, step) in [("kafka", kafka), ("mongo", mongo), ("redis", redis), ("s3", s3)] as [(String, (PeerEndpoints) async throws -> Void)] {
            print("== \(name)")
            do {
                try await step(peers)
            } catch {
                failures += 1
                print("   FAILED: \(error)")
            }
        }
        print(failures == 0 ? "demo: every exchange succeeded" : "demo: \(failures) exchange(s) failed")
        if failures > 0 { throw ExitCode(1) }
    }

    private func kafka(_ peers: PeerEndpoints) async throws {
        let (host, port) = try peers.hostPort("SWITCHYARD_KAFKA_BOOTSTRAP")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        var request = ApiVersionsRequest()
        request.clientSoftwareName = "switchyard-demo"
        request.clientSoftwareVersion = "0.1"
        let frame = try request.frame(version: 3, correlationId: 1, clientId: "switchyard")
        show("sent ApiVersions v3", frame)
        try await conn.write(frame)
        let size = try await conn.readExactly(4, deadline: .after(seconds: 10))
        var r = ByteReader(size)
        let payload = try await conn.readExactly(Int(r.readInt32BE()), deadline: .after(seconds: 10))
        show("received", size + payload)
        let (_, body) = try ApiVersionsRequest.decodeResponse(payload, version: 3)
        print("   Tansu supports \(body.apiKeys.count) APIs, error code \(body.errorCode)")
    }

    private func mongo(_ peers: PeerEndpoints) async throws {
        let (host, port) = try peers.hostPort("SWITCHYARD_MONGO_URL")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        let hello = try BSONDocument(["hello": 1, "$db": "admin"])
        var w = ByteWriter()
        let lengthAt = w.reserve(4)
        w.writeInt32LE(1)        // requestID
        w.writeInt32LE(0)        // responseTo
        w.writeInt32LE(2013)     // OP_MSG
        w.writeUInt32LE(0)       // flagBits
        w.writeUInt8(0)          // section kind 0: one body document
        w.writeBytes(hello.bytes)
        w.patchInt32LE(Int32(w.count), at: lengthAt)
        show("sent OP_MSG hello", w.bytes)
        try await conn.write(w.bytes)
        let head = try await conn.readExactly(16, deadline: .after(seconds: 10))
        var r = ByteReader(head)
        let total = Int(r.readInt32LE())
        let rest = try await conn.readExactly(total - 16, deadline: .after(seconds: 10))
        show("received", head + rest)
        let reply = try BSONDocument(bytes: rest, range: 5..<rest.count)
        print("   reply: \(ExtendedJSON.string(from: reply, mode: .relaxed).prefix(160))...")
    }

    private func redis(_ peers: PeerEndpoints) async throws {
        let (host, port) = try peers.hostPort("SWITCHYARD_REDIS_URL")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        let ping = Array("*1\r\n$4\r\nPING\r\n".utf8)
        show("sent PING (RESP array of one bulk string; the RESP codec is not built yet)", ping)
        try await conn.write(ping)
        let reply = try await conn.readExactly(7, deadline: .after(seconds: 10))
        show("received", reply)
    }

    private func s3(_ peers: PeerEndpoints) async throws {
        let (host, port) = try peers.hostPort("SWITCHYARD_S3_ENDPOINT")
        let bucket = "switchyard-demo"
        _ = try await rawHTTP(host: host, port: port, "PUT /\(bucket) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", body: [])
        let presigner = try S3Presigner(
            credentials: Credentials(accessKeyId: try peers.require("SWITCHYARD_S3_ACCESS_KEY"),
                                     secretAccessKey: try peers.require("SWITCHYARD_S3_SECRET_KEY")),
            region: try peers.require("SWITCHYARD_S3_REGION"),
            endpoint: try S3Endpoint(scheme: "http", host: host, port: port), style: .path)
        let now = try AmzDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let url = try presigner.presignedURL(method: "PUT", bucket: bucket, key: "demo/hello world.txt", expires: 300, at: now)
        print("   presigned PUT: \(url)")
        let target = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let body = Array("hello from switchyard".utf8)
        let head = "PUT \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        print("   sent: \(head.replacingOccurrences(of: "\r\n", with: "\\r\\n"))<\(body.count) bytes>")
        let response = try await rawHTTP(host: host, port: port, head, body: body)
        let statusLine = response.prefix { $0 != "\r\n" }
        print("   received: \(statusLine)")
        guard statusLine.contains(" 200 ") else { throw DemoError(message: "upload refused: \(response)") }
    }

    private func rawHTTP(host: String, port: Int, _ head: String, body: [UInt8]) async throws -> String {
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        try await conn.write(Array(head.utf8) + body)
        var response: [UInt8] = []
        while try await conn.read(into: &response, maxBytes: 64 * 1024, deadline: .after(seconds: 20)) > 0 {}
        return String(decoding: response, as: UTF8.self)
    }

    private func show(_ label: String, _ bytes: [UInt8]) {
        print("   \(label): \(bytes.count) bytes")
        var offset = 0
        while offset < bytes.count && offset < 256 {
            let line = bytes[offset..<min(offset + 16, bytes.count)]
            let hex = line.map { Hex.encode([$0]) }.joined(separator: " ")
            let ascii = String(line.map { (0x20...0x7e).contains($0) ? Character(UnicodeScalar($0)) : "." })
            print("     \(String(format: "%04x", offset))  \(hex.padding(toLength: 47, withPad: " ", startingAt: 0))  \(ascii)")
            offset += 16
        }
        if bytes.count > 256 { print("     ... \(bytes.count - 256) more bytes") }
    }
}

struct DemoError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The env file of `tools/peers up`: KEY=VALUE lines.
struct PeerEndpoints {
    let values: [String: String]

    init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DemoError(message: "no peers env file at \(path); start the peers with tools/peers up")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        self.values = values
    }

    func require(_ key: String) throws -> String {
        guard let v = values[key], !v.isEmpty else { throw DemoError(message: "the peers env file lacks \(key)") }
        return v
    }

    func hostPort(_ key: String) throws -> (String, Int) {
        var text = try require(key)
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let at = text.lastIndex(of: "@") { text = String(text[text.index(after: at)...]) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw DemoError(message: "\(key)=\(text) has no port")
        }
        return (String(text[..<colon]), port)
    }
}
