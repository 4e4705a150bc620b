/// An RFC 3986 URI reference, split into its parts, with reference resolution (section 5.2).
/// Used for `$id`, `$ref` and `$schema`; no network access ever happens.
struct URIReference: Equatable, Sendable {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme; self.authority = authority; self.path = path; self.query = query; self.fragment = fragment
    }

    /// Splits by the generic syntax (RFC 3986 appendix B); it never fails.
    init(_ text: String) {
        var rest = Substring(text)
        fragment = nil; query = nil; scheme = nil; authority = nil
        if let h = rest.firstIndex(of: "#") { fragment = String(rest[rest.index(after: h)...]); rest = rest[..<h] }
        if let q = rest.firstIndex(of: "?") { query = String(rest[rest.index(after: q)...]); rest = rest[..<q] }
        if let colon = rest.firstIndex(of: ":") {
            let candidate = rest[..<colon]
            if let first = candidate.first, first.isASCII, first.isLetter,
               candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
                scheme = String(candidate)
                rest = rest[rest.index(after: colon)...]
            }
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        path = String(rest)
    }

    var isAbsolute: Bool { scheme != nil }

    var string: String {
        var s = ""
        if let scheme { s += scheme + ":" }
        if let authority { s += "//" + authority }
        s += path
        if let query { s += "?" + query }
        if let fragment { s += "#" + fragment }
        return s
    }

    var withoutFragment: URIReference {
        var c = self; c.fragment = nil; return c
    }

    /// Resolves `ref` against this (absolute) base URI.
    func resolve(_ ref: URIReference) -> URIReference {
        var t = URIReference(scheme: nil, authority: nil, path: "", query: nil, fragment: ref.fragment)
        if ref.scheme != nil {
            t.scheme = ref.scheme; t.authority = ref.authority
            t.path = URIReference.removeDotSegments(ref.path); t.query = ref.query
        } else {
            if ref.authority != nil {
                t.authority = ref.authority; t.path = URIReference.removeDotSegments(ref.path); t.query = ref.query
            } else {
                if ref.path.isEmpty {
                    t.path = path
                    t.query = ref.query ?? query
                } else {
                    if ref.path.hasPrefix("/") {
                        t.path = URIReference.removeDotSegments(ref.path)
                    } else {
                        t.path = URIReference.removeDotSegments(merge(ref.path))
                    }
                    t.query = ref.query
                }
                t.authority = authority
            }
            t.scheme = scheme
        }
        return t
    }

    private func merge(_ refPath: String) -> String {
        if authority != nil && path.isEmpty { return "/" + refPath }
        if let slash = path.lastIndex(of: "/") { return String(path[...slash]) + refPath }
        return refPath
    }

    static func removeDotSegments(_ input: String) -> String {
        guard input.contains(".") else { return input }
        var output: [Substring] = []
        let absolute = input.hasPrefix("/")
        let parts = input.split(separator: "/", omittingEmptySubsequences: false)
        for (i, seg) in parts.enumerated() {
            if i == 0 && absolute { continue }
            if seg == "." { if i == parts.count - 1 { output.append("") }; continue }
            if seg == ".." {
                if !output.isEmpty { output.removeLast() }
                if i == parts.count - 1 { output.append("") }
                continue
            }
            output.append(seg)
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }
}

/// JSON Pointer (RFC 6901) helpers.
enum JSONPointer {
    static func escape(_ token: String) -> String {
        // A byte scan: `String.contains` would walk Characters (grapheme breaking) on every error.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    /// Splits "/a/b~1c" into ["a", "b/c"]; nil when not a pointer.
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
    }

    /// Decodes %XX escapes in a URI fragment.
    static func percentDecode(_ s: String) -> String? {
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%") {
                guard it.count >= 2, let h = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(h)
                it = it.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
