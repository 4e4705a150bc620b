import Foundation
import XCTest

/// Paths and processes the tests need.
enum TestSupport {
    /// The package root: the nearest directory above this file holding Package.swift and Fixtures/.
    static let packageRoot: URL = {
        // Resolving symlinks lets a scratch package whose test folder links here find the fixtures.
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        let fm = FileManager.default
        while url.path != "/" {
            if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
                && fm.fileExists(atPath: url.appendingPathComponent("Fixtures").path) {
                return url
            }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent")
    }()

    static var schemaDirectory: URL { packageRoot.appendingPathComponent("Fixtures/kafka-messages") }

    static var referenceScript: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Reference/kafka_reference.py")
    }

    /// Runs `python3 args...` and returns its standard output; fails the test on a non-zero exit.
    static func runPython(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            XCTFail("python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + (String(data: errorData, encoding: .utf8) ?? ""), file: file, line: line)
        }
        return data
    }
}
