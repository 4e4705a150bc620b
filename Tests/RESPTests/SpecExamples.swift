import Foundation

/// Wire-byte examples enumerated from the indented code blocks of Fixtures/resp/RESP2.md and RESP3.md.
///
/// The specs show bytes three ways: quoted escaped strings (`"$6\r\nfoobar\r\n"`), unquoted lines with a
/// literal `\r\n`, and lines ending in `<CR><LF>`. Each code block (indented lines between blank lines) is
/// one example, a stream of one or more values; `C:`/`S:` prefixes split client and server bytes.
struct SpecExample {
    let file: String
    let line: Int
    let wire: String
}

enum SpecExamples {
    static func packageRoot() -> URL {
        // Resolve symlinks: a scratch package may link this directory from the main checkout.
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: url.appendingPathComponent("Fixtures").path) { return url }
            url.deleteLastPathComponent()
        }
        return url
    }

    static func load(_ file: String) throws -> [SpecExample] {
        let url = packageRoot().appendingPathComponent("Fixtures/resp/\(file)")
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var examples: [SpecExample] = []
        var current = ""
        var startLine = 0
        var speaker = ""
        var previousBlank = true
        var inBlock = false
        func flush() {
            if current.contains("\r\n") { examples.append(SpecExample(file: file, line: startLine, wire: current)) }
            current = ""
        }
        for (number, raw) in lines.enumerated() {
            let isBlank = raw.trimmingCharacters(in: .whitespaces).isEmpty
            if isBlank {
                flush(); inBlock = false; previousBlank = true; speaker = ""
                continue
            }
            if raw.hasPrefix("    ") && (inBlock || previousBlank) {
                inBlock = true
                var text = raw.trimmingCharacters(in: .whitespaces)
                for prefix in ["C: ", "S: "] where text.hasPrefix(prefix) {
                    if speaker != prefix { flush(); speaker = prefix }
                    text.removeFirst(prefix.count)
                }
                if text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
                text = text.replacingOccurrences(of: "<CR><LF>", with: "\r\n").replacingOccurrences(of: "\\r\\n", with: "\r\n")
                // Drop commentary after the last CR LF, e.g. `*123<CR><LF>      (number of items)`.
                if let last = text.range(of: "\r\n", options: .backwards),
                   text[last.upperBound...].trimmingCharacters(in: .whitespaces).hasPrefix("(") {
                    text = String(text[..<last.upperBound])
                }
                if current.isEmpty { startLine = number + 1 }
                current += text
            } else {
                flush(); inBlock = false
            }
            previousBlank = false
        }
        flush()
        return examples
    }
}
