import PeerTestSupport
import Foundation
import RESP
import RedisClient
import Transport
import XCTest

/// `rediss://` against a redis-server with TLS started for this test (the peers harness runs redis
/// without TLS): a certificate made with the openssl CLI, verified against its own CA file.
final class TLSTests: XCTestCase {
    func testRedissConnectsVerifiesAndWorks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-redis-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                     "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost",
                                     "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], in: directory)
        // A free port: bind, read it, release it.
        let probe = try TCPListener(host: "127.0.0.1", port: 0)
        let port = probe.port
        probe.close()
        let serverBinary = (try? PeerEnvironment.load().values["SWITCHYARD_REDIS_SERVER_BIN"]) ?? "/usr/bin/redis-server"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: serverBinary ?? "/usr/bin/redis-server")
        server.arguments = ["--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1",
                            "--tls-cert-file", "cert.pem", "--tls-key-file", "key.pem", "--tls-auth-clients", "no",
                            "--save", "", "--appendonly", "no", "--dir", directory.path]
        server.currentDirectoryURL = directory
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a redis-server started from a process that blocks SIGTERM inherits the blocked mask
        // and would never see a plain terminate().
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }

        var configuration = try RedisConfiguration(url: "rediss://127.0.0.1:\(port)")
        configuration.tls = .client(trust: .caFile(directory.appendingPathComponent("cert.pem").path))
        configuration.connectTimeout = .seconds(2)
        var connection: RedisConnection?
        var lastError: RedisError?
        for _ in 0..<50 where connection == nil {
            do { connection = try await RedisConnection.connect(configuration) } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard let connection else { return XCTFail("no TLS connection to redis-server on \(port): \(String(describing: lastError))") }
        defer { connection.close() }
        XCTAssertEqual(connection.protocolVersion, 3)
        await assertEqual(try await connection.send(SET("tls-key", "over tls")).wasSet, true)
        await assertEqual(try await connection.send(GET("tls-key"))?.text, "over tls")
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask { try await connection.send(INCRBY("tls-counter", by: 1)) > 0 && i >= 0 }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        XCTAssertEqual(results, 200)
        await assertEqual(try await connection.send(GET("tls-counter"))?.text, "200")

        // The system trust store does not know this self-signed certificate: the handshake must fail.
        var untrusted = configuration
        untrusted.tls = .client(trust: .systemDefault)
        do {
            _ = try await RedisConnection.connect(untrusted)
            XCTFail("an untrusted certificate was accepted")
        } catch {
            XCTAssertEqual(error.code, .connectFailed)
        }
    }

    private func run(_ tool: String, _ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(tool) \(arguments.joined(separator: " "))")
    }
}
