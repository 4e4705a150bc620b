import BSON
import Foundation
import KafkaProtocol
import SigV4
import Transport
import WireCore
import PeerTestSupport
import XCTest

/// First contact of our transport and codecs with each real peer: one request built by our
/// codec, sent over our sockets, and the answer decoded by our codec. The full clients (with
/// pools, retries and their own integration suites) come with their issues.
final class WireExchangeTests: XCTestCase {
    func testKafkaApiVersionsAgainstTansu() async throws {
        let env = try PeerEnvironment.load()
        let (host, port) = try env.hostPort("SWITCHYARD_KAFKA_BOOTSTRAP")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        var request = ApiVersionsRequest()
        request.clientSoftwareName = "switchyard-tests"
        request.clientSoftwareVersion = "0.1"
        let version: Int16 = 3
        try await conn.write(try request.frame(version: version, correlationId: 7, clientId: "switchyard"))
        let size = try await conn.readExactly(4, deadline: .after(seconds: 10))
        var sizeReader = ByteReader(size)
        let length = Int(sizeReader.readInt32BE())
        XCTAssertGreaterThan(length, 0)
        XCTAssertLessThan(length, 1 << 20)
        let payload = try await conn.readExactly(length, deadline: .after(seconds: 10))
        let (header, body) = try ApiVersionsRequest.decodeResponse(payload, version: version)
        XCTAssertEqual(header.correlationId, 7)
        XCTAssertEqual(body.errorCode, 0)
        let keys = Set(body.apiKeys.map(\.apiKey))
        for required: Int16 in [0, 1, 3, 18] {   // Produce, Fetch, Metadata, ApiVersions
            XCTAssertTrue(keys.contains(required), "Tansu does not list API key \(required)")
        }
        print("kafka: Tansu lists \(body.apiKeys.count) APIs")
    }

    func testMongoHelloOverOpMsgAgainstSecantusDB() async throws {
        let env = try PeerEnvironment.load()
        let (host, port) = try env.hostPort("SWITCHYARD_MONGO_URL")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        let hello = try BSONDocument(["hello": 1, "$db": "admin"])
        // OP_MSG: header (length, requestID, responseTo, opCode 2013), flagBits, section kind 0.
        var w = ByteWriter()
        let lengthAt = w.reserve(4)
        w.writeInt32LE(41)
        w.writeInt32LE(0)
        w.writeInt32LE(2013)
        w.writeUInt32LE(0)
        w.writeUInt8(0)
        w.writeBytes(hello.bytes)
        w.patchInt32LE(Int32(w.count), at: lengthAt)
        try await conn.write(w.bytes)

        let head = try await conn.readExactly(16, deadline: .after(seconds: 10))
        var r = ByteReader(head)
        let total = Int(r.readInt32LE())
        _ = r.readInt32LE()
        let responseTo = r.readInt32LE()
        let opCode = r.readInt32LE()
        XCTAssertEqual(responseTo, 41)
        XCTAssertEqual(opCode, 2013)
        XCTAssertGreaterThan(total, 21)
        let rest = try await conn.readExactly(total - 16, deadline: .after(seconds: 10))
        var body = ByteReader(rest)
        let flags = body.readUInt32LE()
        XCTAssertEqual(flags & 1, 0, "no checksum expected")
        XCTAssertEqual(body.readUInt8(), 0, "section kind 0")
        let reply = try BSONDocument(bytes: rest, range: body.offset..<rest.count)
        XCTAssertEqual(reply["ok"]?.intValue, 1)
        XCTAssertNotNil(reply["maxWireVersion"]?.intValue)
        print("mongo: hello -> \(ExtendedJSON.string(from: reply, mode: .relaxed).prefix(200))")
    }

    func testRedisPingOverRawRESP() async throws {
        let env = try PeerEnvironment.load()
        let (host, port) = try env.hostPort("SWITCHYARD_REDIS_URL")
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        try await conn.write(Array("*1\r\n$4\r\nPING\r\n".utf8))
        let reply = try await conn.readExactly(7, deadline: .after(seconds: 10))
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "+PONG\r\n")
    }

    func testS3PresignedPutIsAcceptedAndTamperedOneRefused() async throws {
        let env = try PeerEnvironment.load()
        let (host, port) = try env.hostPort("SWITCHYARD_S3_ENDPOINT")
        let region = try env.require("SWITCHYARD_S3_REGION")
        let bucket = "switchyard-it-\(UInt32.random(in: 0...UInt32.max))"
        // LocalStack accepts anonymous bucket creation; signatures are checked on presigned URLs.
        let created = try await httpExchange(host: host, port: port, "PUT /\(bucket) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", body: [])
        XCTAssertEqual(created.status, 200, created.text)

        let presigner = try S3Presigner(
            credentials: Credentials(accessKeyId: try env.require("SWITCHYARD_S3_ACCESS_KEY"),
                                     secretAccessKey: try env.require("SWITCHYARD_S3_SECRET_KEY")),
            region: region, endpoint: try S3Endpoint(scheme: "http", host: host, port: port), style: .path)
        let now = try AmzDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let key = "inputs/a file+with=odd@chars [1]~.txt"
        let url = try presigner.presignedURL(method: "PUT", bucket: bucket, key: key, expires: 300, at: now)
        let target = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let body = Array("switchyard presigned upload".utf8)
        let put = try await httpExchange(host: host, port: port,
            "PUT \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n", body: body)
        XCTAssertEqual(put.status, 200, put.text)

        var tampered = target
        let sigRange = tampered.range(of: "X-Amz-Signature=")!
        let flipAt = tampered.index(sigRange.upperBound, offsetBy: 3)
        let original = tampered[flipAt]
        tampered.replaceSubrange(flipAt...flipAt, with: original == "a" ? "b" : "a")
        let refused = try await httpExchange(host: host, port: port,
            "PUT \(tampered) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n", body: body)
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertTrue(refused.text.contains("SignatureDoesNotMatch"), refused.text)

        let getURL = try presigner.presignedURL(method: "GET", bucket: bucket, key: key, expires: 300, at: now)
        let getTarget = String(getURL.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let got = try await httpExchange(host: host, port: port,
            "GET \(getTarget) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n", body: [])
        XCTAssertEqual(got.status, 200, got.text)
        XCTAssertTrue(got.text.hasSuffix("switchyard presigned upload"), got.text)
    }

    /// One request on its own connection, read to end of stream (Connection: close). Only a
    /// stand-in until the HTTP client lands.
    private func httpExchange(host: String, port: Int, _ head: String, body: [UInt8]) async throws -> (status: Int, text: String) {
        let conn = try await TCPConnection.connect(host: host, port: port, deadline: .after(seconds: 10))
        defer { conn.close() }
        try await conn.write(Array(head.utf8) + body)
        var response: [UInt8] = []
        while try await conn.read(into: &response, maxBytes: 64 * 1024, deadline: .after(seconds: 20)) > 0 {}
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r\n" }.split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        return (status, text)
    }
}
