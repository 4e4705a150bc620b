import Foundation
import XCTest
@_exported import TestRandom

/// Finds the package root (the directory holding both Package.swift and Fixtures/) by walking
/// up from this file, so tests run the same from the main package and from scratch packages
/// that symlink this directory.
enum PackageRoot {
    static func fixtures(file: StaticString = #filePath) throws -> URL {
        // Resolve symlinks: a scratch package links this directory, and the fixtures live
        // beside the real one.
        var dir = URL(fileURLWithPath: "\(file)").resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
                return dir.appendingPathComponent("Fixtures")
            }
            dir = dir.deletingLastPathComponent()
        }
        // A missing fixture directory is a failure, never a skip: the conformance count would lie.
        throw FixtureMissing(description: "no directory above \(file) holds both Package.swift and Fixtures/")
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let description: String
}



/// Parses hex written with or without spaces ("aa 36 91 8a"); test data only.
func hexBytes(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    let compact = text.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var index = compact.startIndex
    while index < compact.endIndex {
        let next = compact.index(index, offsetBy: 2, limitedBy: compact.endIndex) ?? compact.endIndex
        guard let byte = UInt8(compact[index..<next], radix: 16) else {
            XCTFail("bad hex in test data: \(text)", file: file, line: line)
            return []
        }
        out.append(byte)
        index = next
    }
    return out
}
