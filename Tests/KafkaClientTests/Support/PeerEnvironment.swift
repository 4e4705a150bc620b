import Foundation
import XCTest

/// Endpoints of the real peers that `tools/peers up` started (its env file, KEY=VALUE lines).
/// A missing file is a failure, never a skip: these tests exist to talk to real servers.
struct PeerEnvironment: Sendable {
    let values: [String: String]
    let path: String

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
        return PeerEnvironment(values: values, path: path)
    }

    func require(_ key: String) throws -> String {
        guard let v = values[key], !v.isEmpty else {
            XCTFail("peers env file \(path) lacks \(key)")
            throw XCTSkip("unreachable after XCTFail")
        }
        return v
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
