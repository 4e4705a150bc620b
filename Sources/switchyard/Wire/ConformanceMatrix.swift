/// The result of a conformance probe: one row per API or command, printed as a Markdown table
/// (what docs/wire/ commits) or as JSON lines.
struct ConformanceMatrix {
    var server: String
    var columns: [String]
    var rows: [[String]] = []
    var decodeFailures = 0
    /// Lines printed under the table (what the server would not say, what was left out).
    var notes: [String] = []

    init(server: String, columns: [String]) {
        self.server = server
        self.columns = columns
    }

    var markdown: String {
        var out = "| " + columns.joined(separator: " | ") + " |\n"
        out += "|" + columns.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows {
            out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    var jsonLines: String {
        rows.map { row in JSONLine.object(zip(columns, row).map { ($0.0, JSONScalar.string($0.1)) }) }.joined(separator: "\n")
    }

    /// "v0-8 ok; v9 error UNSUPPORTED_VERSION": runs of versions with the same outcome.
    static func compress(_ outcomes: [(Int16, String)]) -> String {
        var parts: [String] = []
        var start = 0
        while start < outcomes.count {
            var end = start
            while end + 1 < outcomes.count, outcomes[end + 1].1 == outcomes[start].1 { end += 1 }
            let range = start == end ? "v\(outcomes[start].0)" : "v\(outcomes[start].0)-\(outcomes[end].0)"
            parts.append("\(range) \(outcomes[start].1)")
            start = end + 1
        }
        return parts.joined(separator: "; ")
    }

    /// "ok", or the first non-zero error code found in a decoded response (depth-first), by name.
    static func describe(_ response: Any) -> String {
        if let code = firstErrorCode(response, depth: 0), code != 0 {
            return "error " + (KafkaErrorName.name(code) ?? String(code))
        }
        return "ok"
    }

    private static func firstErrorCode(_ value: Any, depth: Int) -> Int16? {
        guard depth < 6 else { return nil }
        for child in Mirror(reflecting: value).children {
            if child.label == "errorCode", let code = child.value as? Int16, code != 0 { return code }
        }
        for child in Mirror(reflecting: value).children {
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .collection {
                for element in mirror.children { if let code = firstErrorCode(element.value, depth: depth + 1) { return code } }
            } else if mirror.displayStyle == .struct, let code = firstErrorCode(child.value, depth: depth + 1) {
                return code
            }
        }
        return nil
    }
}

import KafkaProtocol

enum KafkaErrorName {
    static func name(_ code: Int16) -> String? { KafkaErrorCode(code: code)?.name }
}
