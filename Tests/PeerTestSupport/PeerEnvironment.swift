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
    public static func restartPeer(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try load().peersTool(["restart", name], file: file, line: line)
    }

    /// `tools/peers ARGS` on this environment's state folder (the env file names both).
    public func peersTool(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let tool = values["SWITCHYARD_PEERS_TOOL"] ?? Self.repositoryRoot() + "/tools/peers"
        var environment: [String: String] = [:]
        if let state = values["SWITCHYARD_PEERS_STATE"] { environment["SWITCHYARD_PEERS_STATE"] = state }
        let result = try ProcessRunner.run(tool, arguments, environment: environment)
        XCTAssertEqual(result.status, 0, "tools/peers \(arguments.joined(separator: " ")) failed: \(result.stderr)",
                       file: file, line: line)
    }

    /// Runs a Python script with the peers' interpreter (it has pymongo, confluent-kafka, redis, boto3);
    /// returns its standard output and fails the test on a non-zero exit.
    public func python(_ script: String, arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try ProcessRunner.run(try require("SWITCHYARD_PEERS_PYTHON"), ["-c", script] + arguments)
        if result.status != 0 {
            XCTFail("python exited \(result.status): \(result.stderr)", file: file, line: line)
        }
        return result.stdout
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
