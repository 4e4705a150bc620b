import Foundation
import XCTest

/// Locates `Fixtures/` by walking up from this file to the directory holding both
/// `Package.swift` and `Fixtures/` (through a scratch package's symlink, #filePath is still
/// the main repository's path).
enum Fixtures {
    static let root: URL? = {
        // Resolving symlinks makes a scratch package that links Tests/SigV4Tests find the real tree.
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
                return dir
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static func url(_ relative: String) throws -> URL {
        guard let root else { throw FixtureError("no directory with Package.swift and Fixtures/ above \(#filePath)") }
        return root.appendingPathComponent(relative)
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
    static func text(_ url: URL) throws -> String { String(decoding: try bytes(url), as: UTF8.self) }

    static func json(_ url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw FixtureError("\(url.path) is not a JSON object")
        }
        return object
    }

    /// Subdirectories (recursively) that contain a file matching `predicate`.
    static func directories(under base: URL, containing predicate: (String) -> Bool) throws -> [URL] {
        let fm = FileManager.default
        var found: [URL] = []
        guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isDirectoryKey]) else {
            throw FixtureError("cannot list \(base.path)")
        }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            let names = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if names.contains(where: predicate) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Counts of one conformance run, printed at the end and asserted.
struct SuiteTally {
    let name: String
    var found = 0
    var ran = 0
    var passed = 0
    var excluded = 0

    func report(file: StaticString = #filePath, line: UInt = #line) {
        print("SUITE \(name): found=\(found) ran=\(ran) passed=\(passed) excluded=\(excluded)")
        XCTAssertGreaterThan(found, 0, "\(name): no cases found", file: file, line: line)
        XCTAssertEqual(ran + excluded, found, "\(name): every case must run or be excluded", file: file, line: line)
        XCTAssertEqual(passed, ran, "\(name): failures", file: file, line: line)
    }
}
