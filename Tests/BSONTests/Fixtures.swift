import Foundation

/// Locates the repository's Fixtures/ folder by walking up from this file to the directory that
/// holds both Package.swift and Fixtures/.
enum Fixtures {
    static var root: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
                return dir.appendingPathComponent("Fixtures")
            }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent-Fixtures")
    }

    static var bsonCorpus: URL { root.appendingPathComponent("bson-corpus") }
}

func hexBytes(_ text: String) -> [UInt8]? {
    let c = Array(text.utf8)
    guard c.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < c.count {
        guard let v = UInt8(String(decoding: c[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        out.append(v)
        i += 2
    }
    return out
}

func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format: "%02X", $0) }.joined()
}
