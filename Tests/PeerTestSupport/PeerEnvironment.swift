import Foundation
import XCTest

/// Endpoints of the real peers that `tools/peers up` started (its env file, KEY=VALUE lines).
/// A missing file is a failure, never a skip: these tests exist to talk to real servers.
public struct PeerEnvironment: Sendable {
    public let values: [String: String]

    public static func load() throws -> PeerEnvironment {
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

    public func require(_ key: String) throws -> String {
        guard let v = values[key], !v.isEmpty else {
            XCTFail("peers env file lacks \(key)")
            throw XCTSkip("unreachable after XCTFail")
        }
        return v
    }

    /// host and port from "host:port" or a URL's authority.
    public func hostPort(_ key: String) throws -> (String, Int) {
        var text = try require(key)
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let at = text.lastIndex(of: "@") { text = String(text[text.index(after: at)...]) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            XCTFail("\(key)=\(text) has no port")
            throw XCTSkip("unreachable after XCTFail")
        }
        return (String(text[..<colon]), port)
    }

    /// `tools/peers restart NAME` (kafka, mongo, mongo-auth, redis, s3) on the state folder the env
    /// file came from, for tests of reconnects after a server restart.
    public static func restartPeer(_ name: String) throws {
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

    public static func repositoryRoot() -> String {
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
