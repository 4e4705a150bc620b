import Foundation

/// Locates the repository's Fixtures/ folder by walking up from this file to the directory that
/// holds both Package.swift and Fixtures/ (through a scratch package's symlink, #filePath is the
/// repository's path).
enum Fixtures {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let fm = FileManager.default
            if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: url.appendingPathComponent("Fixtures").path) {
                return url
            }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static var opMsgSpec: URL { root.appendingPathComponent("Fixtures/mongodb-opmsg/OP_MSG.md") }
}
