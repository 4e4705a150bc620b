import Foundation

/// Finds the package root (the directory holding Package.swift and Fixtures/) from this file's path.
enum Fixtures {
    static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
                return dir
            }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent")
    }()

    static var suite: URL { root.appendingPathComponent("Fixtures/json-schema-test-suite") }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// Every .json file under `dir`, as paths relative to it, sorted.
    static func jsonFiles(under dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String { if p.hasSuffix(".json") { out.append(p) } }
        return out.sorted()
    }
}
