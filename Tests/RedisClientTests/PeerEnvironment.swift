import Foundation
import RedisClient
import Synchronization
import XCTest

/// Endpoints of the peers `tools/peers up` started (its env file of KEY=VALUE lines), from
/// SWITCHYARD_PEERS_ENV or .peers/env at the repository root. A missing file is a failure, never a skip.
struct PeerEnvironment {
    let values: [String: String]

    static func load() throws -> PeerEnvironment {
        let path = ProcessInfo.processInfo.environment["SWITCHYARD_PEERS_ENV"] ?? repositoryRoot() + "/.peers/env"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("no peers env file at \(path): run the tests with tools/test, which starts the peers")
            throw XCTSkip("unreachable after XCTFail")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return PeerEnvironment(values: values)
    }

    func require(_ key: String) throws -> String {
        guard let v = values[key], !v.isEmpty else {
            XCTFail("peers env file lacks \(key)")
            throw XCTSkip("unreachable after XCTFail")
        }
        return v
    }

    static func redisConfiguration() throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: try load().require("SWITCHYARD_REDIS_URL"))
        configuration.commandTimeout = .seconds(20)
        return configuration
    }

    /// `tools/peers restart NAME` on the same state folder the env file came from.
    static func restartPeer(_ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repositoryRoot() + "/tools/peers")
        process.arguments = ["restart", name]
        var environment = ProcessInfo.processInfo.environment
        if environment["SWITCHYARD_PEERS_STATE"] == nil, let env = environment["SWITCHYARD_PEERS_ENV"] {
            // The env file sits in the state folder.
            environment["SWITCHYARD_PEERS_STATE"] = URL(fileURLWithPath: env).deletingLastPathComponent().path
        }
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "tools/peers restart \(name) failed")
    }

    static func repositoryRoot() -> String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: url.appendingPathComponent("tools/peers").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }
}

/// A key unique to one test run, so tests never see each other's data.
func uniqueKey(_ name: String) -> String { "switchyard-test:\(name):\(UInt64.random(in: 0..<UInt64.max))" }

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// XCTAssertEqual for expressions that await (XCTest's autoclosures cannot).
func assertEqual<T: Equatable>(_ actual: @autoclosure () async throws -> T, _ expected: @autoclosure () -> T,
                               _ message: String = "", file: StaticString = #filePath, line: UInt = #line) async {
    do {
        let value = try await actual()
        XCTAssertEqual(value, expected(), message, file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message)", file: file, line: line)
    }
}

func assertTrue(_ actual: @autoclosure () async throws -> Bool, _ message: String = "",
                file: StaticString = #filePath, line: UInt = #line) async {
    await assertEqual(try await actual(), true, message, file: file, line: line)
}

/// A value shared between test tasks (Mutex itself cannot be captured by escaping closures).
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}
