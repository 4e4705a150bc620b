"""Turns a schema.Message into one Swift source file.

Every struct gets stored properties with the schema's defaults, a public memberwise init,
`encode(into:version:)` and `decode(from:version:)`. Version tests are simplified against the
versions in which the struct can appear, so most fields need no test at all.
"""
from schema import INFINITY, Versions

# element type -> (Swift type, default, write method, read method, size in bytes)
FIXED = {
    "bool": ("Bool", "false", "writeBool", "readBool", 1),
    "int8": ("Int8", "0", "writeInt8", "readInt8", 1),
    "int16": ("Int16", "0", "writeInt16BE", "readInt16BE", 2),
    "uint16": ("UInt16", "0", "writeUInt16BE", "readUInt16BE", 2),
    "int32": ("Int32", "0", "writeInt32BE", "readInt32BE", 4),
    "uint32": ("UInt32", "0", "writeUInt32BE", "readUInt32BE", 4),
    "int64": ("Int64", "0", "writeInt64BE", "readInt64BE", 8),
    "float64": ("Double", "0", "writeFloat64BE", "readFloat64BE", 8),
    "uuid": ("KafkaUUID", ".zero", "writeKafkaUUID", "readKafkaUUID", 16),
}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
    "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static",
    "struct", "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do",
    "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while",
    "as", "any", "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try",
    "some", "Type",
}

# Nested type names that would hide a type the generated code uses.
RESERVED_TYPE_NAMES = {"String", "Bool", "Int8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "Double",
                       "KafkaUUID", "KafkaTaggedField", "ByteReader", "ByteWriter", "Self", "Type",
                       "KafkaProtocolError", "Array", "Optional"}


def lower_camel(name):
    """ErrorCode -> errorCode, ISRChanged -> isrChanged, URL -> url."""
    upper = 0
    while upper < len(name) and name[upper].isupper():
        upper += 1
    if upper == 0:
        return name
    if upper == 1 or upper == len(name):
        return name[:upper].lower() + name[upper:]
    return name[:upper - 1].lower() + name[upper - 1:]


def identifier(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def swift_string_literal(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def condition(versions, within, var="version"):
    """A Swift Bool expression true for the versions of `versions` inside `within`."""
    present = versions.intersect(within)
    if present.is_empty():
        return "false"
    if present.covers(within):
        return "true"
    parts = []
    if present.lo > within.lo:
        parts.append(f"{var} >= {present.lo}")
    if present.hi < within.hi:
        parts.append(f"{var} <= {present.hi}")
    return " && ".join(parts)


def and_conditions(*parts):
    if "false" in parts:
        return "false"
    kept = [p for p in parts if p != "true"]
    return " && ".join(kept) if kept else "true"


class StructEmitter:
    def __init__(self, message, struct):
        self.message = message
        self.struct = struct
        self.within = struct.versions.intersect(message.valid)
        self.flexible = message.flexible.intersect(self.within)
        self.is_root = struct is message.root

    # MARK: types and defaults

    def field_type(self, field):
        if field.is_array:
            element = field.struct.name if field.is_struct else self.element_type(field.element)
            base = f"[{element}]"
        elif field.is_struct:
            base = field.struct.name
        else:
            base = self.element_type(field.element)
        optional = field.nullable_anywhere() and field.element not in FIXED
        return base + "?" if optional else base

    def element_type(self, element):
        if element == "string":
            return "String"
        if element == "bytes":
            return "[UInt8]"
        if element == "records":
            # A view of the frame: a fetch's record batches are not copied out of it.
            return "ByteView"
        return FIXED[element][0]

    def default(self, field):
        raw = field.default
        optional = self.field_type(field).endswith("?")
        if raw == "null" or field.type == "records":
            if not optional:
                raise ValueError(f"{self.message.name}.{field.name}: null default on a non-nullable field")
            return "nil"
        if field.is_array:
            return "[]"
        if field.is_struct:
            return f"{field.struct.name}()"
        if field.element == "string":
            return swift_string_literal(raw or "")
        if field.element == "bytes":
            return "[]"
        if field.element == "bool":
            return "true" if (raw or "false").lower() == "true" else "false"
        if field.element == "uuid":
            return ".zero"
        if raw is None:
            return "0"
        if field.element == "float64":
            return repr(float(raw))
        value = int(raw, 16) if raw.lower().startswith(("0x", "-0x")) else int(raw)
        return str(value)

    def qualified(self, field):
        return f"{self.struct.name}.{field.name}" if not self.is_root else f"{self.message.name}.{field.name}"

    # MARK: minimum sizes, used to refuse array counts the bytes cannot hold

    def min_size(self, field, version, element_only=False):
        compact = self.compact(field, version)
        if field.is_array and not element_only:
            return 1 if compact else 4
        if field.is_struct:
            if not field.nullable.is_empty() and not element_only:
                return 1
            return struct_min_size(self.message, field.struct, version)
        if field.element == "string":
            return 1 if compact else 2
        if field.element in ("bytes", "records"):
            return 1 if compact else 4
        return FIXED[field.element][4]

    def compact(self, field, version):
        flexible = field.flexible_override if field.flexible_override is not None else self.message.flexible
        return flexible.contains(version)

    def compact_expr(self, field, within):
        if field.flexible_override is not None:
            return condition(field.flexible_override, within)
        return condition(self.message.flexible, within)

    # MARK: declaration

    def emit(self, out, indent):
        pad = " " * indent
        struct = self.struct
        conformance = self.conformance()
        if self.is_root:
            out.append(f"{pad}/// The {self.message.name} message (versions {self.message.valid}"
                       f"{', flexible ' + repr(self.message.flexible) if not self.message.flexible.is_empty() else ''}).")
        out.append(f"{pad}public struct {struct.name}: {conformance} {{")
        inner = " " * (indent + 4)
        if self.is_root:
            self.emit_static(out, inner)
        for field in struct.fields:
            if field.about:
                out.append(f"{inner}/// {field.about.strip()}")
            extra = f", tagged {field.tag}" if field.tag is not None else ""
            out.append(f"{inner}/// Versions {field.versions}{extra}.")
            out.append(f"{inner}public var {identifier(lower_camel(field.name))}: {self.field_type(field)} = {self.default(field)}")
        if self.has_tagged_section():
            out.append(f"{inner}/// Tagged fields this codec does not know, kept so re-encoding preserves them.")
            out.append(f"{inner}public var unknownTaggedFields: [KafkaTaggedField] = []")
        out.append("")
        self.emit_init(out, inner)
        out.append("")
        self.emit_encode(out, inner)
        out.append("")
        self.emit_decode(out, inner)
        if self.is_root:
            for nested in self.message.structs:
                out.append("")
                StructEmitter(self.message, nested).emit(out, indent + 4)
        out.append(f"{pad}}}")

    def conformance(self):
        if not self.is_root:
            return "Sendable, Equatable"
        return {"request": "KafkaRequest", "response": "KafkaResponse"}.get(self.message.kind, "KafkaMessage")

    def has_tagged_section(self):
        return not self.flexible.is_empty()

    def emit_static(self, out, pad):
        message = self.message
        out.append(f'{pad}public static let messageName = "{message.name}"')
        if message.api_key is not None:
            out.append(f"{pad}public static let apiKey: Int16 = {message.api_key}")
        if message.kind == "request":
            out.append(f"{pad}public typealias Response = {message.name[:-len('Request')]}Response")
        valid = message.valid
        out.append(f"{pad}public static let validVersions: ClosedRange<Int16> = {valid.lo}...{valid.hi}")
        flexible = condition(message.flexible, message.valid)
        parameter = "_ version" if flexible not in ("true", "false") else "_: Int16"
        parameter = "_ version: Int16" if parameter == "_ version" else parameter
        out.append(f"{pad}public static func isFlexible({parameter}) -> Bool {{ {flexible} }}")
        out.append("")

    def emit_init(self, out, pad):
        fields = self.struct.fields
        if not fields:
            out.append(f"{pad}public init() {{}}")
            return
        out.append(f"{pad}/// A value with every field at its schema default.")
        out.append(f"{pad}public init() {{}}")
        out.append("")
        out.append(f"{pad}public init(")
        for index, field in enumerate(fields):
            comma = "," if index < len(fields) - 1 else ""
            out.append(f"{pad}    {identifier(lower_camel(field.name))}: {self.field_type(field)} = {self.default(field)}{comma}")
        out.append(f"{pad}) {{")
        for field in fields:
            name = lower_camel(field.name)
            out.append(f"{pad}    self.{name} = {identifier(name)}")
        out.append(f"{pad}}}")

    # MARK: encode

    def emit_encode(self, out, pad):
        body = []
        b = pad + "    "
        if self.is_root:
            body.append(f"{b}guard Self.validVersions.contains(version) else {{ throw .unknownVersion(Self.messageName, version) }}")
        for field in self.struct.fields:
            self.encode_field(field, body, b)
        if self.has_tagged_section():
            self.encode_tagged(body, b)
        text = "\n".join(body)
        out.append(f"{pad}public func encode(into writer: inout ByteWriter, version: Int16) throws(KafkaProtocolError) {{")
        if "flexible" in text.replace("flexible:", ""):
            out.append(f"{b}let flexible = {condition(self.message.flexible, self.within)}")
        out.extend(body)
        out.append(f"{pad}}}")

    def encode_field(self, field, body, b):
        name = "self." + lower_camel(field.name)
        regular = field.regular_versions(self.within)
        tagged = field.tagged_versions(self.within)
        absent_check = None
        if not field.ignorable:
            present = regular.hull(tagged)
            absent = condition_not(present, self.within)
            if absent != "false":
                absent_check = absent
        present_cond = condition(regular, self.within)
        if present_cond != "false":
            lines = self.write_value(field, name, "writer", regular)
            wrap(body, b, present_cond, lines)
        if absent_check is not None:
            body.append(f"{b}if {absent_check} && {name} != {self.default(field)} {{")
            body.append(f'{b}    throw .fieldNotInVersion("{self.qualified(field)}", version)')
            body.append(f"{b}}}")

    def encode_tagged(self, body, b):
        tagged_fields = [f for f in self.struct.fields if not f.tagged_versions(self.within).is_empty()]
        flex = condition(self.message.flexible, self.within)
        inner = []
        ib = b + ("    " if flex != "true" else "")
        if tagged_fields:
            inner.append(f"{ib}var tagged: [KafkaTaggedField] = []")
            for field in sorted(tagged_fields, key=lambda f: f.tag):
                versions = field.tagged_versions(self.within)
                name = "self." + lower_camel(field.name)
                cond = and_conditions(condition(versions, self.within), f"{name} != {self.default(field)}")
                inner.append(f"{ib}if {cond} {{")
                inner.append(f"{ib}    var field = ByteWriter()")
                for line in self.write_value(field, name, "field", versions):
                    inner.append(f"{ib}    {line}")
                inner.append(f"{ib}    tagged.append(KafkaTaggedField(tag: {field.tag}, data: field.bytes))")
                inner.append(f"{ib}}}")
            inner.append(f"{ib}try writer.writeKafkaTaggedFields(tagged, unknown: self.unknownTaggedFields)")
        else:
            inner.append(f"{ib}try writer.writeKafkaTaggedFields([], unknown: self.unknownTaggedFields)")
        if flex == "true":
            body.extend(inner)
        else:
            body.append(f"{b}if flexible {{")
            body.extend(inner)
            body.append(f"{b}}}")

    def write_value(self, field, expr, writer, versions):
        """Lines (without indentation) that write `expr` for the versions `versions`."""
        compact = self.compact_expr(field, versions)
        nullable = condition(field.nullable, versions) if field.nullable_anywhere() else "false"
        if field.type == "records":
            nullable = "true" if field.nullable.is_empty() else nullable
        label = self.qualified(field)
        lines = []
        if field.is_array:
            optional = self.field_type(field).endswith("?")
            count = f"{expr}?.count" if optional else f"{expr}.count"
            lines.append(f'try {writer}.writeKafkaArrayCount({count}, compact: {compact}, nullable: {nullable}, field: "{label}")')
            source = f"{expr} ?? []" if optional else expr
            element_lines = self.write_element(field, "element", writer, compact, label)
            lines.append(f"for element in {source} {{")
            lines.extend("    " + line for line in element_lines)
            lines.append("}")
            return lines
        if field.is_struct:
            if self.field_type(field).endswith("?"):
                lines.append(f"if let present = {expr} {{")
                lines.append(f"    {writer}.writeInt8(1)")
                lines.append(f"    try present.encode(into: &{writer}, version: version)")
                lines.append("} else {")
                if nullable != "true":
                    lines.append(f'    guard {nullable} else {{ throw KafkaProtocolError(.invalidValue, "{label} is nil but not nullable in this version") }}')
                lines.append(f"    {writer}.writeInt8(-1)")
                lines.append("}")
            else:
                lines.append(f"try {expr}.encode(into: &{writer}, version: version)")
            return lines
        if field.element == "string":
            return [f'try {writer}.writeKafkaString({expr}, compact: {compact}, nullable: {nullable}, field: "{label}")']
        if field.element == "records":
            return [f'try {writer}.writeKafkaRecords({expr}, compact: {compact}, nullable: {nullable}, field: "{label}")']
        if field.element == "bytes":
            return [f'try {writer}.writeKafkaBytes({expr}, compact: {compact}, nullable: {nullable}, field: "{label}")']
        return [f"{writer}.{FIXED[field.element][2]}({expr})"]

    def write_element(self, field, expr, writer, compact, label):
        if field.is_struct:
            return [f"try {expr}.encode(into: &{writer}, version: version)"]
        if field.element == "string":
            return [f'try {writer}.writeKafkaString({expr}, compact: {compact}, nullable: false, field: "{label}")']
        if field.element in ("bytes", "records"):
            return [f'try {writer}.writeKafkaBytes({expr}, compact: {compact}, nullable: false, field: "{label}")']
        return [f"{writer}.{FIXED[field.element][2]}({expr})"]

    # MARK: decode

    def emit_decode(self, out, pad):
        body = []
        b = pad + "    "
        if self.is_root:
            body.append(f"{b}guard validVersions.contains(version) else {{")
            body.append(f"{b}    reader.failUnknownVersion(messageName, version)")
            body.append(f"{b}    return Self()")
            body.append(f"{b}}}")
        body.append(f"{b}var value = Self()")
        for field in self.struct.fields:
            regular = field.regular_versions(self.within)
            cond = condition(regular, self.within)
            if cond == "false":
                continue
            lines = self.read_value(field, "value." + lower_camel(field.name), "reader", regular)
            wrap(body, b, cond, lines)
        if self.has_tagged_section():
            self.decode_tagged(body, b)
        body.append(f"{b}return value")
        text = "\n".join(body)
        out.append(f"{pad}public static func decode(from reader: inout ByteReader, version: Int16) -> Self {{")
        if "flexible" in text.replace("flexible:", ""):
            out.append(f"{b}let flexible = {condition(self.message.flexible, self.within)}")
        out.extend(body)
        out.append(f"{pad}}}")

    def decode_tagged(self, body, b):
        tagged_fields = [f for f in self.struct.fields if not f.tagged_versions(self.within).is_empty()]
        flex = condition(self.message.flexible, self.within)
        ib = b + ("    " if flex != "true" else "")
        inner = []
        if tagged_fields:
            inner.append(f"{ib}let unknown = reader.readKafkaTaggedFields {{ tag, field in")
            inner.append(f"{ib}    switch tag {{")
            for field in sorted(tagged_fields, key=lambda f: f.tag):
                versions = field.tagged_versions(self.within)
                cond = condition(versions, self.within)
                where = f" where {cond}" if cond != "true" else ""
                inner.append(f"{ib}    case {field.tag}{where}:")
                for line in self.read_value(field, "value." + lower_camel(field.name), "field", versions):
                    inner.append(f"{ib}        {line}")
                inner.append(f"{ib}        return true")
            inner.append(f"{ib}    default:")
            inner.append(f"{ib}        return false")
            inner.append(f"{ib}    }}")
            inner.append(f"{ib}}}")
        else:
            inner.append(f"{ib}let unknown = reader.readKafkaTaggedFields {{ _, _ in false }}")
        inner.append(f"{ib}value.unknownTaggedFields = unknown")
        if flex == "true":
            body.extend(inner)
        else:
            body.append(f"{b}if flexible {{")
            body.extend(inner)
            body.append(f"{b}}}")

    def read_value(self, field, target, reader, versions):
        compact = self.compact_expr(field, versions)
        nullable = condition(field.nullable, versions) if field.nullable_anywhere() else "false"
        if field.type == "records":
            nullable = "true" if field.nullable.is_empty() else nullable
        label = self.qualified(field)
        optional = self.field_type(field).endswith("?")
        if field.is_array:
            min_size = min(self.min_size(field, v, element_only=True) for v in versions)
            element = field.struct.name if field.is_struct else self.element_type(field.element)
            lines = [f'if let count = {reader}.readKafkaArrayCount(compact: {compact}, nullable: {nullable}, '
                     f'minElementSize: {min_size}, field: "{label}") {{',
                     f"    var items: [{element}] = []",
                     "    items.reserveCapacity(min(count, 256))",
                     "    for _ in 0..<count {",
                     f"        items.append({self.read_element(field, reader, compact, label)})",
                     f"        if {reader}.failed {{ break }}",
                     "    }",
                     f"    {target} = items"]
            if optional:
                lines += ["} else {", f"    {target} = nil", "}"]
            else:
                lines.append("}")
            return lines
        if field.is_struct:
            name = field.struct.name
            if optional:
                return [f'if {reader}.readKafkaStructPresence(field: "{label}") {{',
                        f"    {target} = {name}.decode(from: &{reader}, version: version)",
                        "} else {",
                        f"    {target} = nil",
                        "}"]
            return [f"{target} = {name}.decode(from: &{reader}, version: version)"]
        if field.element == "string":
            tail = "" if optional else ' ?? ""'
            return [f'{target} = {reader}.readKafkaString(compact: {compact}, nullable: {nullable}, field: "{label}"){tail}']
        if field.element == "records":
            tail = "" if optional else " ?? []"
            return [f'{target} = {reader}.readKafkaRecords(compact: {compact}, nullable: {nullable}, field: "{label}"){tail}']
        if field.element == "bytes":
            tail = "" if optional else " ?? []"
            return [f'{target} = {reader}.readKafkaBytes(compact: {compact}, nullable: {nullable}, field: "{label}"){tail}']
        return [f"{target} = {reader}.{FIXED[field.element][3]}()"]

    def read_element(self, field, reader, compact, label):
        if field.is_struct:
            return f"{field.struct.name}.decode(from: &{reader}, version: version)"
        if field.element == "string":
            return f'{reader}.readKafkaString(compact: {compact}, nullable: false, field: "{label}") ?? ""'
        if field.element in ("bytes", "records"):
            return f'{reader}.readKafkaBytes(compact: {compact}, nullable: false, field: "{label}") ?? []'
        return f"{reader}.{FIXED[field.element][3]}()"


def condition_not(present, within):
    """A Swift Bool expression true for the versions of `within` outside `present`."""
    if present.is_empty():
        return "true"
    inside = present.intersect(within)
    if inside.is_empty():
        return "true"
    if inside.covers(within):
        return "false"
    parts = []
    if inside.lo > within.lo:
        parts.append(f"version < {inside.lo}")
    if inside.hi < within.hi:
        parts.append(f"version > {inside.hi}")
    return "(" + " || ".join(parts) + ")" if len(parts) > 1 else parts[0]


def wrap(body, b, cond, lines):
    if cond == "true":
        body.extend(b + line for line in lines)
    else:
        body.append(f"{b}if {cond} {{")
        body.extend(b + "    " + line for line in lines)
        body.append(f"{b}}}")


def struct_min_size(message, struct, version):
    """The fewest bytes `struct` takes at `version` (every present field at its smallest)."""
    emitter = StructEmitter(message, struct)
    total = 1 if message.flexible.contains(version) else 0
    for field in struct.fields:
        if field.regular_versions(Versions(version, version)).is_empty():
            continue
        total += emitter.min_size(field, version)
    return total


def emit_message(message, source_name):
    for struct in message.structs:
        if struct.name in RESERVED_TYPE_NAMES or struct.name == message.name:
            raise ValueError(f"{message.name}: nested type name {struct.name} would hide another type")
    out = [f"// Generated by tools/kafka-codegen/generate.py from Fixtures/kafka-messages/{source_name}.",
           "// Do not edit: change the generator or the schema and run it again.",
           "import WireCore",
           ""]
    StructEmitter(message, message.root).emit(out, 0)
    return "\n".join(out) + "\n"
