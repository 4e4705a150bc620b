import PeerTestSupport
import CZlib
import Foundation
import Transport
import XCTest

final class TLSTransportTests: XCTestCase {
    private func serverContext(_ pki: TestPKI, alpn: [String] = ["switchyard/1", "http/1.1"]) throws -> TLSContext {
        try TLSContext(.server(certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
                               applicationProtocols: alpn), server: true)
    }

    func testTLSEchoWithCAMadeInTheTest() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try EchoServer(tls: try serverContext(pki))
        defer { server.stop() }
        let client = try TLSContext(.client(trust: .caFile(pki.caCertificate), applicationProtocols: ["switchyard/1"]), server: false)
        let tcp = try await TCPConnection.connect(host: "localhost", port: server.port, deadline: .after(seconds: 5))
        let tls = try await TLSStream.connect(over: tcp, context: client, serverName: "localhost", deadline: .after(seconds: 5))
        defer { tls.close() }
        XCTAssertEqual(tls.applicationProtocol, "switchyard/1")
        // 8 MiB through TLS both ways, checksummed.
        let payload = patternBytes(count: 8 << 20, seed: 42)
        let writer = Task { () throws -> Void in
            try await tls.write(payload, deadline: .after(seconds: 60))
            await tls.shutdownOutput()
        }
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        while true {
            let n = try await tls.read(into: &received, maxBytes: 64 * 1024, deadline: .after(seconds: 60))
            if n == 0 { break }
        }
        try await writer.value
        XCTAssertEqual(received.count, payload.count)
        XCTAssertTrue(received == payload, "TLS echo corrupted data")
    }

    func testTLSByIPAddressVerifiesIPSubjectAltName() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try EchoServer(tls: try serverContext(pki))
        defer { server.stop() }
        let client = try TLSContext(.client(trust: .caPEM(try String(contentsOfFile: pki.caCertificate, encoding: .utf8))), server: false)
        let tcp = try await TCPConnection.connect(host: "127.0.0.1", port: server.port)
        let tls = try await TLSStream.connect(over: tcp, context: client, serverName: "127.0.0.1", deadline: .after(seconds: 5))
        defer { tls.close() }
        try await tls.write(Array("hello".utf8))
        let observed = try await tls.readExactly(5, deadline: .after(seconds: 5))
        XCTAssertEqual(observed, Array("hello".utf8))
    }

    func testClientTrustingAnotherCAFailsAndSaysWhy() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try EchoServer(tls: try serverContext(pki))
        defer { server.stop() }
        let client = try TLSContext(.client(trust: .caFile(pki.otherCACertificate)), server: false)
        let tcp = try await TCPConnection.connect(host: "127.0.0.1", port: server.port)
        defer { tcp.close() }
        do {
            _ = try await TLSStream.connect(over: tcp, context: client, serverName: "localhost", deadline: .after(seconds: 5))
            XCTFail("a client trusting another CA must refuse the server")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .tlsCertificateUntrusted)
            XCTAssertTrue(error.message.contains("certificate verify failed"), error.message)
            XCTAssertTrue(error.message.contains("unable to get local issuer certificate"), error.message)
            XCTAssertFalse(error.isRetriable)
        }
    }

    func testWrongHostNameFailsWithHostnameMismatch() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try EchoServer(tls: try serverContext(pki))
        defer { server.stop() }
        let client = try TLSContext(.client(trust: .caFile(pki.caCertificate)), server: false)
        let tcp = try await TCPConnection.connect(host: "127.0.0.1", port: server.port)
        defer { tcp.close() }
        do {
            _ = try await TLSStream.connect(over: tcp, context: client, serverName: "db.example.com", deadline: .after(seconds: 5))
            XCTFail("a certificate for localhost must not pass for db.example.com")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .tlsHostnameMismatch)
            XCTAssertTrue(error.message.contains("db.example.com"), error.message)
        }
    }

    func testSystemTrustRejectsTestCA() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        let server = try EchoServer(tls: try serverContext(pki))
        defer { server.stop() }
        let client = try TLSContext(.client(trust: .systemDefault), server: false)
        let tcp = try await TCPConnection.connect(host: "127.0.0.1", port: server.port)
        defer { tcp.close() }
        do {
            _ = try await TLSStream.connect(over: tcp, context: client, serverName: "localhost", deadline: .after(seconds: 5))
            XCTFail("the system CAs do not know our test CA")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .tlsCertificateUntrusted)
        }
    }

    func testMismatchedKeyIsAConfigurationError() throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        XCTAssertThrowsError(try TLSContext(.server(certificateChainFile: pki.caCertificate, privateKeyFile: pki.serverKey), server: true)) { error in
            XCTAssertEqual((error as? TransportError)?.code, .tlsConfiguration)
        }
        XCTAssertThrowsError(try TLSContext(.client(trust: .caFile("/nonexistent/ca.pem")), server: false)) { error in
            XCTAssertEqual((error as? TransportError)?.code, .tlsConfiguration)
        }
    }
}
