import PeerTestSupport
import BSON
import Foundation
import Transport
import XCTest
@testable import MongoClient

/// SCRAM against SecantusDB started with --auth: the harness's admin makes users here, then we
/// log in as them; wrong passwords and unknown users fail with `authenticationFailed`.
final class AuthIntegrationTests: XCTestCase {
    private struct Peer {
        let address: ServerAddress
        let admin: MongoCredential
    }

    private func peer() throws -> Peer {
        let env = try PeerEnvironment.load()
        let url = try ConnectionString(env.require("SWITCHYARD_MONGO_AUTH_URL"))
        return Peer(address: url.hosts[0],
                    admin: MongoCredential(username: try env.require("SWITCHYARD_MONGO_AUTH_USER"),
                                           password: try env.require("SWITCHYARD_MONGO_AUTH_PASSWORD"), source: "admin"))
    }

    private func connect(_ peer: Peer, _ credential: MongoCredential?, speculative: Bool = true) async throws(MongoError) -> MongoConnection {
        var options = ConnectionOptions()
        options.credential = credential
        options.speculativeAuthentication = speculative
        return try await MongoConnection.connect(to: peer.address, options: options)
    }

    private func createUser(_ peer: Peer, _ name: String, _ password: String, mechanisms: [String]) async throws {
        let admin = try await connect(peer, peer.admin)
        defer { Task { await admin.close() } }
        _ = try? await admin.command(try BSONDocument(["dropUser": .string(name), "$db": "admin"]))
        var b = BSONDocumentBuilder()
        b.append("createUser", .string(name))
        b.append("pwd", .string(password))
        b.appendArray("roles") { $0.appendDocument { $0.append("role", "readWrite"); $0.append("db", "switchyard_auth") } }
        b.appendArray("mechanisms") { a in for m in mechanisms { a.append(.string(m)) } }
        b.append("$db", "admin")
        _ = try await admin.command(try b.build())
    }

    func testAdminFromTheHarnessAuthenticates() async throws {
        let peer = try peer()
        for speculative in [true, false] {
            let conn = try await connect(peer, peer.admin, speculative: speculative)
            let status = try await conn.command(try BSONDocument(["connectionStatus": 1, "$db": "admin"]))
            let users = status["authInfo"]?.documentValue?["authenticatedUsers"]?.arrayValue?.values.compactMap { $0.documentValue?["user"]?.stringValue }
            XCTAssertEqual(users, [peer.admin.username], "speculative=\(speculative)")
            await conn.close()
        }
    }

    func testScramSHA256UserMadeInTheTest() async throws {
        let peer = try peer()
        let name = "sy-user-\(UInt32.random(in: 0...UInt32.max))"
        // A password that SASLprep changes: U+00AD is mapped to nothing, U+2168 (ROMAN NUMERAL NINE) to "IX".
        let password = "pa\u{00AD}ss-\u{2168}-word"
        try await createUser(peer, name, password, mechanisms: ["SCRAM-SHA-256"])
        for speculative in [true, false] {
            let conn = try await connect(peer, MongoCredential(username: name, password: password, source: "admin",
                                                              mechanism: .sha256), speculative: speculative)
            var insert = BSONDocumentBuilder()
            insert.append("insert", "scram")
            insert.appendArray("documents") { $0.appendDocument { $0.append("by", .string(name)) } }
            insert.append("$db", "switchyard_auth")
            let reply = try await conn.command(try insert.build())
            XCTAssertEqual(reply["n"]?.intValue, 1)
            await conn.close()
        }
        // The same password in its SASLprep'd form is the same password.
        let prepped = try await connect(peer, MongoCredential(username: name, password: "pass-IX-word", source: "admin"))
        await prepped.close()
        // Negotiated mechanism (none given): the server lists SCRAM-SHA-256 for this user.
        let negotiated = try await connect(peer, MongoCredential(username: name, password: password, source: "admin"), speculative: false)
        await negotiated.close()
    }

    func testScramSHA1UserMadeInTheTest() async throws {
        let peer = try peer()
        let name = "sy-sha1-\(UInt32.random(in: 0...UInt32.max))"
        try await createUser(peer, name, "sha1-secret", mechanisms: ["SCRAM-SHA-1"])
        for speculative in [true, false] {
            let conn = try await connect(peer, MongoCredential(username: name, password: "sha1-secret", source: "admin",
                                                              mechanism: .sha1), speculative: speculative)
            _ = try await conn.command(try BSONDocument(["count": "scram", "$db": "switchyard_auth"]))
            await conn.close()
        }
        // No mechanism given: saslSupportedMechs says SCRAM-SHA-1 only, so that is what we use.
        let negotiated = try await connect(peer, MongoCredential(username: name, password: "sha1-secret", source: "admin"), speculative: false)
        await negotiated.close()
    }

    func testWrongPasswordAndUnknownUserAreTypedErrors() async throws {
        let peer = try peer()
        let cases = [MongoCredential(username: peer.admin.username, password: "wrong-\(peer.admin.password)", source: "admin"),
                     MongoCredential(username: "no-such-user-\(UInt32.random(in: 0...UInt32.max))", password: "x", source: "admin")]
        for credential in cases {
            for speculative in [true, false] {
                do {
                    _ = try await connect(peer, credential, speculative: speculative)
                    XCTFail("\(credential.username) logged in with a wrong password")
                } catch {
                    XCTAssertEqual(error.code, .authenticationFailed, "\(error)")
                    XCTAssertEqual(error.serverCode, 18, "\(error)")
                    XCTAssertFalse(error.isRetriable)
                }
            }
        }
    }

    func testWithoutCredentialsCommandsAreRefused() async throws {
        let peer = try peer()
        let conn = try await connect(peer, nil)
        do {
            _ = try await conn.command(try BSONDocument(["find": "scram", "$db": "switchyard_auth"]))
            XCTFail("an unauthenticated find succeeded")
        } catch let error as MongoError {
            XCTAssertEqual(error.code, .commandFailed)
            XCTAssertEqual(error.serverCode, 13)
            XCTAssertEqual(error.codeName, "Unauthorized")
        }
        await conn.close()
    }
}

/// The same through `MongoClient` and a URL: credentials percent-encoded, authSource, typed errors.
final class ClientAuthIntegrationTests: XCTestCase {
    func testClientLogsInWithAUserMadeInTheTestAndRefusesAWrongPassword() async throws {
        let env = try PeerEnvironment.load()
        let adminClient = try MongoClient(try env.require("SWITCHYARD_MONGO_AUTH_URL"))
        let port = try env.require("SWITCHYARD_MONGO_AUTH_PORT")
        let name = "sy client@\(UInt32.random(in: 0...UInt32.max))"
        let password = "p@ss:w/rd%\u{00E9}"
        var create = BSONDocumentBuilder()
        create.append("createUser", .string(name))
        create.append("pwd", .string(password))
        create.appendArray("roles") { $0.appendDocument { $0.append("role", "readWrite"); $0.append("db", "switchyard_auth") } }
        create.appendArray("mechanisms") { $0.append("SCRAM-SHA-256") }
        _ = try await adminClient.database("admin").runCommand(try create.build())

        func encode(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
        }
        let userURL = "mongodb://\(encode(name)):\(encode(password))@127.0.0.1:\(port)/switchyard_auth?authSource=admin&retryWrites=false"
        let client = try MongoClient(userURL)
        let c = client.database("switchyard_auth").collection("client_auth")
        try await c.insertOne(doc(#"{"who": "user"}"#))
        let n = try await c.countDocuments()
        XCTAssertGreaterThanOrEqual(n, 1)
        await client.close()

        let wrong = try MongoClient("mongodb://\(encode(name)):wrong@127.0.0.1:\(port)/?authSource=admin&retryWrites=false&serverSelectionTimeoutMS=5000")
        let started = Deadline.now()
        let error = await expectMongoError { _ = try await wrong.database("switchyard_auth").collection("client_auth").countDocuments() }
        XCTAssertEqual(error?.code, .authenticationFailed)
        XCTAssertEqual(error?.serverCode, 18)
        XCTAssertLessThan(Double(Deadline.now().nanoseconds - started.nanoseconds) / 1e9, 3,
                          "an authentication failure is not retried until serverSelectionTimeoutMS")
        await wrong.close()

        let anonymous = try MongoClient("mongodb://127.0.0.1:\(port)/?retryWrites=false")
        let refused = await expectMongoError { _ = try await anonymous.database("switchyard_auth").collection("client_auth").findOne() }
        XCTAssertEqual(refused?.serverCode, 13)
        await anonymous.close()

        _ = try await adminClient.database("admin").runCommand(try BSONDocument(["dropUser": .string(name)]))
        await adminClient.close()
    }
}
