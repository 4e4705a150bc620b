/// One element of a small XML document: S3's request and response bodies.
///
/// Names keep their namespace prefix as written; `child(_:)` and friends match the local name
/// (after any `prefix:`), since S3 puts everything in one default namespace.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLElement]
    /// The character data directly inside this element (entities decoded, CDATA included),
    /// concatenated. Whitespace-only text between child elements is dropped.
    public var text: String

    public init(_ name: String, attributes: [(name: String, value: String)] = [], text: String = "", children: [XMLElement] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    public static func == (a: XMLElement, b: XMLElement) -> Bool {
        a.name == b.name && a.text == b.text && a.children == b.children
            && a.attributes.count == b.attributes.count
            && zip(a.attributes, b.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The name without its namespace prefix.
    public var localName: Substring {
        name.firstIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }

    /// The first child with this local name.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.localName == name }
    }

    /// Every child with this local name, in order.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.localName == name }
    }

    /// The text of the first child with this local name.
    public func text(of name: String) -> String? { child(name)?.text }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
