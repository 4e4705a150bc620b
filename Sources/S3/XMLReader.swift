/// A small, strict XML reader for S3's response bodies: elements, attributes, character data,
/// CDATA, comments, processing instructions and the five predefined entities plus character
/// references.
///
/// It refuses DOCTYPE declarations outright, so there are no entity definitions to expand (no
/// "billion laughs", no external entities), and it bounds everything a hostile or broken peer
/// could inflate: input size, nesting depth, element count, name length and attribute count.
/// It never recurses, so depth costs heap, not stack.
public struct XMLReader: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxInputBytes: Int
        public var maxDepth: Int
        public var maxElements: Int
        public var maxNameLength: Int
        public var maxAttributes: Int

        public init(maxInputBytes: Int = 16 * 1024 * 1024, maxDepth: Int = 64, maxElements: Int = 1_000_000,
                    maxNameLength: Int = 256, maxAttributes: Int = 32) {
            self.maxInputBytes = maxInputBytes
            self.maxDepth = maxDepth
            self.maxElements = maxElements
            self.maxNameLength = maxNameLength
            self.maxAttributes = maxAttributes
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses a whole document and returns its root element.
    public func parse(_ input: [UInt8]) throws(S3Error) -> XMLElement {
        guard input.count <= limits.maxInputBytes else {
            throw Self.error("document of \(input.count) bytes is over the limit of \(limits.maxInputBytes)")
        }
        var parser = Parser(bytes: input, limits: limits)
        return try parser.document()
    }

    public func parse(_ text: String) throws(S3Error) -> XMLElement { try parse(Array(text.utf8)) }

    static func error(_ message: String) -> S3Error { S3Error(.malformedResponse, "XML: \(message)") }
}

private struct Parser {
    let bytes: [UInt8]
    let limits: XMLReader.Limits
    var i = 0
    var elementCount = 0

    init(bytes: [UInt8], limits: XMLReader.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    func fail(_ message: String) -> S3Error { XMLReader.error("\(message) at byte \(i)") }

    mutating func document() throws(S3Error) -> XMLElement {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // UTF-8 byte order mark
        try skipMisc()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("expected the root element") }
        let root = try element()
        try skipMisc()
        guard i == bytes.count else { throw fail("content after the root element") }
        return root
    }

    /// Whitespace, comments and processing instructions (the prolog and epilog).
    mutating func skipMisc() throws(S3Error) {
        while true {
            skipWhitespace()
            if startsWith("<?") { try skipPast("?>") }
            else if startsWith("<!--") { try skipComment() }
            else if startsWith("<!") { throw fail("DOCTYPE and other declarations are not accepted") }
            else { return }
        }
    }

    /// One element and everything inside it, with an explicit stack instead of recursion.
    mutating func element() throws(S3Error) -> XMLElement {
        var stack: [XMLElement] = []
        var open = try startTag()
        if open.selfClosing { return open.element }
        stack.append(open.element)
        while true {
            guard i < bytes.count else { throw fail("document ends inside <\(stack.last?.name ?? "")>") }
            if bytes[i] != UInt8(ascii: "<") {
                let text = try characterData()
                stack[stack.count - 1].text += text
            } else if startsWith("</") {
                i += 2
                let name = try self.name()
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("expected > after </\(name)") }
                i += 1
                var closed = stack.removeLast()
                guard closed.name == name else { throw fail("</\(name)> closes <\(closed.name)>") }
                if !closed.children.isEmpty && closed.text.utf8.allSatisfy(Self.isWhitespace) { closed.text = "" }
                if stack.isEmpty { return closed }
                stack[stack.count - 1].children.append(closed)
            } else if startsWith("<!--") {
                try skipComment()
            } else if startsWith("<![CDATA[") {
                i += 9
                let start = i
                try skipPast("]]>")
                stack[stack.count - 1].text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
            } else if startsWith("<?") {
                try skipPast("?>")
            } else if startsWith("<!") {
                throw fail("declarations are not accepted inside elements")
            } else {
                open = try startTag()
                if open.selfClosing {
                    stack[stack.count - 1].children.append(open.element)
                } else {
                    guard stack.count < limits.maxDepth else { throw fail("nesting deeper than \(limits.maxDepth)") }
                    stack.append(open.element)
                }
            }
        }
    }

    mutating func startTag() throws(S3Error) -> (element: XMLElement, selfClosing: Bool) {
        i += 1  // <
        elementCount += 1
        guard elementCount <= limits.maxElements else { throw fail("more than \(limits.maxElements) elements") }
        var element = XMLElement(try name())
        while true {
            let hadSpace = skipWhitespace()
            guard i < bytes.count else { throw fail("document ends inside <\(element.name)") }
            if bytes[i] == UInt8(ascii: ">") { i += 1; return (element, false) }
            if startsWith("/>") { i += 2; return (element, true) }
            guard hadSpace else { throw fail("expected whitespace before an attribute of <\(element.name)>") }
            let attributeName = try name()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("expected = after attribute \(attributeName)") }
            i += 1
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw fail("attribute \(attributeName) value must be quoted")
            }
            let quote = bytes[i]
            i += 1
            let value = try decodedText(until: quote)
            i += 1  // closing quote
            guard !element.attributes.contains(where: { $0.name == attributeName }) else {
                throw fail("attribute \(attributeName) given twice")
            }
            guard element.attributes.count < limits.maxAttributes else { throw fail("more than \(limits.maxAttributes) attributes") }
            element.attributes.append((attributeName, value))
        }
    }

    /// Character data up to the next `<`.
    mutating func characterData() throws(S3Error) -> String {
        try decodedText(until: UInt8(ascii: "<"))
    }

    /// Text up to (not including) `terminator`, with entity and character references decoded.
    /// Fails if the input ends first (for attribute values) — character data may end at `<` only.
    mutating func decodedText(until terminator: UInt8) throws(S3Error) -> String {
        var out: [UInt8] = []
        while i < bytes.count, bytes[i] != terminator {
            let b = bytes[i]
            if b == UInt8(ascii: "&") {
                try reference(into: &out)
            } else if b == UInt8(ascii: "<") {
                throw fail("< inside an attribute value")
            } else {
                out.append(b)
                i += 1
            }
        }
        guard i < bytes.count else { throw fail("document ends inside text") }
        guard let text = String(validating: out, as: UTF8.self) else { throw fail("text is not valid UTF-8") }
        return text
    }

    mutating func reference(into out: inout [UInt8]) throws(S3Error) {
        let start = i + 1
        var end = start
        while end < bytes.count, end - start < 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { throw fail("unterminated entity reference") }
        let name = bytes[start..<end]
        i = end + 1
        switch String(decoding: name, as: UTF8.self) {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            guard name.first == UInt8(ascii: "#"), name.count >= 2 else {
                throw fail("unknown entity &\(String(decoding: name, as: UTF8.self));")
            }
            let hex = name.dropFirst().first == UInt8(ascii: "x")
            let digits = name.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                  let scalar = Unicode.Scalar(value), value != 0 else {
                throw fail("invalid character reference &\(String(decoding: name, as: UTF8.self));")
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
    }

    /// An XML name: letters, digits, `_ : - .` and any non-ASCII byte; not starting with a digit, `-` or `.`.
    mutating func name() throws(S3Error) -> String {
        let start = i
        while i < bytes.count, Self.isNameByte(bytes[i]) {
            i += 1
            guard i - start <= limits.maxNameLength else { throw fail("name longer than \(limits.maxNameLength) bytes") }
        }
        guard i > start else { throw fail("expected a name") }
        let first = bytes[start]
        guard !(first >= 0x30 && first <= 0x39), first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else {
            throw fail("a name cannot start with \(Character(Unicode.Scalar(first)))")
        }
        guard let name = String(validating: bytes[start..<i], as: UTF8.self) else { throw fail("name is not valid UTF-8") }
        return name
    }

    mutating func skipComment() throws(S3Error) {
        i += 4
        try skipPast("-->")
    }

    mutating func skipPast(_ terminator: StaticString) throws(S3Error) {
        let t = UnsafeBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
        while i + t.count <= bytes.count {
            if bytes[i..<(i + t.count)].elementsEqual(t) { i += t.count; return }
            i += 1
        }
        i = bytes.count
        throw fail("unterminated construct, expected \(terminator)")
    }

    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = i
        while i < bytes.count, Self.isWhitespace(bytes[i]) { i += 1 }
        return i > start
    }

    func startsWith(_ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard i + p.count <= bytes.count else { return false }
        return bytes[i..<(i + p.count)].elementsEqual(p)
    }

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return b >= 0x80
        }
    }
}
