/// The `format` values we can check. By default `format` is only an annotation (JSON Schema
/// 2020-12); `Schema.Options.assertFormats` (or a meta-schema with the format-assertion
/// vocabulary) makes these checks failures.
enum FormatKind: Sendable {
    case dateTime, date, time, duration
    case email, idnEmail, hostname, idnHostname
    case ipv4, ipv6
    case uri, uriReference, iri, iriReference, uriTemplate
    case uuid, jsonPointer, relativeJSONPointer, regex
    /// A format we do not know: always passes.
    case unknown

    init(name: String) {
        switch name {
        case "date-time": self = .dateTime
        case "date": self = .date
        case "time": self = .time
        case "duration": self = .duration
        case "email": self = .email
        case "idn-email": self = .idnEmail
        case "hostname": self = .hostname
        case "idn-hostname": self = .idnHostname
        case "ipv4": self = .ipv4
        case "ipv6": self = .ipv6
        case "uri": self = .uri
        case "uri-reference": self = .uriReference
        case "iri": self = .iri
        case "iri-reference": self = .iriReference
        case "uri-template": self = .uriTemplate
        case "uuid": self = .uuid
        case "json-pointer": self = .jsonPointer
        case "relative-json-pointer": self = .relativeJSONPointer
        case "regex": self = .regex
        default: self = .unknown
        }
    }
}

/// Format checks on strings. Each is a hand-written parser of the RFC grammar, over UTF-8 bytes.
enum FormatChecker {
    static func check(_ kind: FormatKind, _ s: String) -> Bool {
        switch kind {
        case .dateTime: return dateTime(Array(s.utf8))
        case .date: return date(Array(s.utf8)[...])
        case .time: return time(Array(s.utf8)[...])
        case .duration: return duration(Array(s.utf8))
        case .email: return email(s, international: false)
        case .idnEmail: return email(s, international: true)
        case .hostname: return hostname(s, international: false)
        case .idnHostname: return hostname(s, international: true)
        case .ipv4: return ipv4(Array(s.utf8)[...])
        case .ipv6: return ipv6(Array(s.utf8)[...])
        case .uri: return uri(s, requireScheme: true, international: false)
        case .uriReference: return uri(s, requireScheme: false, international: false)
        case .iri: return uri(s, requireScheme: true, international: true)
        case .iriReference: return uri(s, requireScheme: false, international: true)
        case .uriTemplate: return uriTemplate(s)
        case .uuid: return uuid(Array(s.utf8))
        case .jsonPointer: return jsonPointer(s)
        case .relativeJSONPointer: return relativeJSONPointer(s)
        case .regex: return (try? ECMARegex(s)) != nil
        case .unknown: return true
        }
    }

    // MARK: dates and times (RFC 3339 section 5.6)

    private static func digits(_ b: ArraySlice<UInt8>, _ at: Int, _ n: Int) -> Int? {
        guard at + n <= b.endIndex else { return nil }
        var v = 0
        for i in at..<(at + n) {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func date(_ b: ArraySlice<UInt8>) -> Bool {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
              let y = digits(b, s, 4), let m = digits(b, s + 5, 2), let d = digits(b, s + 8, 2) else { return false }
        guard m >= 1 && m <= 12, d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    static func time(_ b: ArraySlice<UInt8>) -> Bool {
        let s = b.startIndex
        guard b.count >= 9, b[s + 2] == UInt8(ascii: ":"), b[s + 5] == UInt8(ascii: ":"),
              let h = digits(b, s, 2), let m = digits(b, s + 3, 2), let sec = digits(b, s + 6, 2) else { return false }
        guard h <= 23, m <= 59, sec <= 60 else { return false }
        var i = s + 8
        if i < b.endIndex, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.endIndex, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.endIndex else { return false }
        var offsetMinutes = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.endIndex else { return false }
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard b.endIndex - i == 6, b[i + 3] == UInt8(ascii: ":"),
                  let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh <= 23, om <= 59 else { return false }
            offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return false
        }
        if sec == 60 {
            // A leap second is only ever 23:59:60 in UTC.
            let utc = ((h * 60 + m - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func dateTime(_ b: [UInt8]) -> Bool {
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") else { return false }
        return date(b[0..<10]) && time(b[11...])
    }

    /// RFC 3339 appendix A: P (date [time] | time | week); units in order, none skipped.
    static func duration(_ b: [UInt8]) -> Bool {
        guard b.first == UInt8(ascii: "P"), b.count > 1 else { return false }
        var i = 1
        func units(_ allowed: [UInt8]) -> [UInt8]? {
            var seen: [UInt8] = []
            while i < b.count, b[i] != UInt8(ascii: "T") {
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > start, i < b.count else { return nil }
                seen.append(b[i]); i += 1
            }
            return seen
        }
        guard let dateUnits = units([]) else { return false }
        var timeUnits: [UInt8] = []
        var hasT = false
        if i < b.count {
            hasT = true
            i += 1
            guard let t = units([]), !t.isEmpty else { return false }
            timeUnits = t
        }
        func contiguous(_ got: [UInt8], in order: [UInt8]) -> Bool {
            guard !got.isEmpty, let first = order.firstIndex(of: got[0]) else { return false }
            for (k, u) in got.enumerated() { guard first + k < order.count, order[first + k] == u else { return false } }
            return true
        }
        if dateUnits == [UInt8(ascii: "W")] { return !hasT }
        if !dateUnits.isEmpty && !contiguous(dateUnits, in: Array("YMD".utf8)) { return false }
        if hasT && !contiguous(timeUnits, in: Array("HMS".utf8)) { return false }
        return !dateUnits.isEmpty || hasT
    }

    // MARK: internet names and addresses

    static func ipv4(_ b: ArraySlice<UInt8>) -> Bool {
        let parts = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if p.count > 1 && p.first == UInt8(ascii: "0") { return false }
            guard let v = Int(String(decoding: p, as: UTF8.self)), v <= 255 else { return false }
        }
        return true
    }

    static func ipv6(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty, b.count <= 45 else { return false }
        var text = Substring(String(decoding: b, as: UTF8.self))
        var groupsNeeded = 8
        // An embedded IPv4 address takes the last two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            let v4 = text[text.index(after: lastColon)...]
            guard ipv4(Array(v4.utf8)[...]) else { return false }
            text = text[...lastColon]
            if text.hasSuffix("::") { } else { text = text.dropLast() }
            groupsNeeded = 6
        }
        func hexGroups(_ s: Substring) -> Int? {
            if s.isEmpty { return 0 }
            var n = 0
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, g.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
                n += 1
            }
            return n
        }
        if let r = text.firstRange(of: "::") {
            let left = text[..<r.lowerBound], right = text[r.upperBound...]
            guard !right.contains("::"), let l = hexGroups(left), let rr = hexGroups(right) else { return false }
            return l + rr < groupsNeeded || (groupsNeeded == 6 && l + rr <= 6 && l + rr < groupsNeeded)
        }
        guard let n = hexGroups(text) else { return false }
        return n == groupsNeeded
    }

    static func hostname(_ s: String, international: Bool) -> Bool {
        var name = s
        if international {
            // IDNA label separators: ideographic, fullwidth and halfwidth ideographic full stops.
            name = name.replacingAll("\u{3002}", with: ".").replacingAll("\u{FF0E}", with: ".").replacingAll("\u{FF61}", with: ".")
        }
        guard !name.isEmpty, name.unicodeScalars.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
            for u in label.unicodeScalars {
                let ok = (u.value < 128 && (u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "-"))
                    || (international && u.value >= 128 && (u.properties.isAlphabetic || u.properties.numericType != nil
                        || u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .spacingMark))
                guard ok else { return false }
            }
            // "--" in positions 3-4 is reserved for IDNA ("xn--"), which we do not decode.
            let scalars = Array(label.unicodeScalars)
            if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-", !label.lowercased().hasPrefix("xn--") { return false }
        }
        return true
    }

    static func email(_ s: String, international: Bool) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            guard local.first != ".", local.last != ".", !local.contains("..") else { return false }
            let atext = "!#$%&'*+-/=?^_`{|}~."
            for c in local.unicodeScalars {
                let ok = (c.value < 128 && (c.properties.isAlphabetic || ("0"..."9").contains(c) || atext.unicodeScalars.contains(c)))
                    || (international && c.value >= 128)
                guard ok else { return false }
            }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let inner = domain.dropFirst().dropLast()
            if inner.hasPrefix("IPv6:") { return ipv6(Array(inner.dropFirst(5).utf8)[...]) }
            return ipv4(Array(inner.utf8)[...])
        }
        return hostname(String(domain), international: international)
    }

    // MARK: URIs (RFC 3986, RFC 3987 for IRIs)

    private static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
    }
    private static func isSubDelim(_ c: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(c) }

    /// Checks the characters of one URI part: unreserved, sub-delims, `extra`, %HH, and non-ASCII for IRIs.
    private static func partOK(_ part: Substring, extra: String, international: Bool) -> Bool {
        let b = Array(part.utf8)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) else { return false }
                i += 3; continue
            }
            if c >= 128 { guard international else { return false }; i += 1; continue }
            guard isUnreserved(c) || isSubDelim(c) || extra.utf8.contains(c) else { return false }
            i += 1
        }
        return true
    }

    private static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

    static func uri(_ s: String, requireScheme: Bool, international: Bool) -> Bool {
        var rest = Substring(s)
        if let h = rest.firstIndex(of: "#") {
            guard partOK(rest[rest.index(after: h)...], extra: ":@/?", international: international) else { return false }
            rest = rest[..<h]
        }
        if let q = rest.firstIndex(of: "?") {
            guard partOK(rest[rest.index(after: q)...], extra: ":@/?", international: international) else { return false }
            rest = rest[..<q]
        }
        var hasScheme = false
        if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
            let scheme = rest[..<colon]
            guard let f = scheme.first, f.isASCII, f.isLetter,
                  scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
            hasScheme = true
            rest = rest[rest.index(after: colon)...]
        }
        if requireScheme && !hasScheme { return false }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<end]
            rest = rest[end...]
            if let at = authority.lastIndex(of: "@") {
                guard partOK(authority[..<at], extra: ":", international: international) else { return false }
                authority = authority[authority.index(after: at)...]
            }
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]") else { return false }
                let inner = authority[authority.index(after: authority.startIndex)..<close]
                guard ipv6(Array(inner.utf8)[...]) || inner.hasPrefix("v") || inner.hasPrefix("V") else { return false }
                authority = authority[authority.index(after: close)...]
                if !authority.isEmpty {
                    guard authority.hasPrefix(":"), authority.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                }
            } else {
                if let colon = authority.lastIndex(of: ":") {
                    guard authority[authority.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                    authority = authority[..<colon]
                }
                guard partOK(authority, extra: "", international: international) else { return false }
            }
        } else if !hasScheme, let firstSlash = rest.firstIndex(of: "/") ?? Optional(rest.endIndex), rest[..<firstSlash].contains(":") {
            return false
        }
        return partOK(rest, extra: ":@/", international: international)
    }

    /// RFC 6570: literals and `{` [operator] varspec *("," varspec) `}` expressions.
    static func uriTemplate(_ s: String) -> Bool {
        var rest = Substring(s)
        func literalOK(_ lit: Substring) -> Bool {
            lit.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !"\"<>\\^`|".unicodeScalars.contains($0) }
        }
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", literalOK(rest[..<open]) else { return false }
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { return false }
            var expr = after[..<close]
            if let op = expr.first, "+#./;?&=,!@|".contains(op) { expr = expr.dropFirst() }
            for spec in expr.split(separator: ",", omittingEmptySubsequences: false) {
                guard varspec(spec) else { return false }
            }
            rest = after[after.index(after: close)...]
        }
        return literalOK(rest)
    }

    private static func varspec(_ spec: Substring) -> Bool {
        var name = spec
        if spec.hasSuffix("*") {
            name = spec.dropLast()
        } else if let colon = spec.firstIndex(of: ":") {
            name = spec[..<colon]
            let len = spec[spec.index(after: colon)...]
            guard (1...4).contains(len.count), len.first != "0", len.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        guard !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "%") }
    }

    static func uuid(_ b: [UInt8]) -> Bool {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 { guard c == UInt8(ascii: "-") else { return false } }
            else { guard isHex(c) else { return false } }
        }
        return true
    }

    static func jsonPointer(_ s: String) -> Bool {
        if s.isEmpty { return true }
        guard s.hasPrefix("/") else { return false }
        let b = Array(s.utf8)
        for (i, c) in b.enumerated() where c == UInt8(ascii: "~") {
            guard i + 1 < b.count, b[i + 1] == UInt8(ascii: "0") || b[i + 1] == UInt8(ascii: "1") else { return false }
        }
        return true
    }

    static func relativeJSONPointer(_ s: String) -> Bool {
        let digitsPart = s.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digitsPart.isEmpty, digitsPart == "0" || digitsPart.first != "0" else { return false }
        let rest = s.dropFirst(digitsPart.count)
        return rest == "#" || jsonPointer(String(rest))
    }
}
