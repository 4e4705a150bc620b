import Foundation
import XCTest

/// Endpoints of the real peers that `tools/peers up` started (its env file, KEY=VALUE lines), found
/// through SWITCHYARD_PEERS_ENV or .peers/env at the repository root. A missing file is a failure,
/// never a skip: these tests exist to talk to real servers.
struct PeerEnvironment {
    let values: [String: String]

    static func load() throws -> PeerEnvironment {
        let path = ProcessInfo.processInfo.environment["SWITCHYARD_PEERS_ENV"] ?? Fixtures.root.path + "/.peers/env"
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

    /// Runs a Python script with the peers' interpreter (it has pymongo); returns stdout, fails on a non-zero exit.
    func python(_ script: String, arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require("SWITCHYARD_PEERS_PYTHON"))
        process.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self)
        if process.terminationStatus != 0 {
            XCTFail("python exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))", file: file, line: line)
        }
        return text
    }

    /// `tools/peers ARGS` with this env's state folder (restart a peer on the same port, say).
    func peersTool(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require("SWITCHYARD_PEERS_TOOL"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHYARD_PEERS_STATE"] = try require("SWITCHYARD_PEERS_STATE")
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "tools/peers \(arguments.joined(separator: " ")) failed", file: file, line: line)
    }
}
