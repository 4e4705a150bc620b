import Foundation
import XCTest

/// Endpoints of the real peers that `tools/peers up` started (its env file, KEY=VALUE lines),
/// found through SWITCHYARD_PEERS_ENV or .peers/env at the repository root. A missing file is a
/// failure, never a skip: these tests exist to talk to a real S3 server.
struct PeerEnvironment {
    let values: [String: String]

    static func load() throws -> PeerEnvironment {
        let path = ProcessInfo.processInfo.environment["SWITCHYARD_PEERS_ENV"] ?? repositoryRoot() + "/.peers/env"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("no peers env file at \(path): start the peers with tools/peers up (or run tools/test)")
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

/// Runs a Python snippet with the peers' interpreter (it has boto3) and returns its stdout.
func runPeersPython(_ env: PeerEnvironment, _ code: String, arguments: [String] = []) throws -> String {
    let python = try env.require("SWITCHYARD_PEERS_PYTHON")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", code] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        XCTFail("python failed: \(String(decoding: errors, as: UTF8.self))")
        throw XCTSkip("unreachable after XCTFail")
    }
    return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
    }
    return 0
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
    return String(decoding: out, as: UTF8.self)
}
