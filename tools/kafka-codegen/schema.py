"""Reads Kafka's message definitions (JSON with // comments) into a small model.

The schema language is documented in Fixtures/kafka-messages/README.md. This module knows
nothing about Swift; swift_emitter.py turns the model into code.
"""
import json

INFINITY = 0x7FFF  # "N+" means every version from N on; Int16.max stands for "no upper end".

PRIMITIVES = {"bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64",
              "string", "uuid", "bytes", "records"}


class Versions:
    """A closed range of versions, or the empty range ("none")."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @staticmethod
    def parse(text):
        text = text.strip()
        if text == "none":
            return Versions.empty()
        if text.endswith("+"):
            return Versions(int(text[:-1]), INFINITY)
        if "-" in text:
            lo, hi = text.split("-")
            return Versions(int(lo), int(hi))
        return Versions(int(text), int(text))

    @staticmethod
    def empty():
        return Versions(1, 0)

    def is_empty(self):
        return self.lo > self.hi

    def intersect(self, other):
        if self.is_empty() or other.is_empty():
            return Versions.empty()
        return Versions(max(self.lo, other.lo), min(self.hi, other.hi))

    def hull(self, other):
        if self.is_empty():
            return other
        if other.is_empty():
            return self
        return Versions(min(self.lo, other.lo), max(self.hi, other.hi))

    def below(self, version):
        """The versions of this range that are < version."""
        return self.intersect(Versions(0, version - 1))

    def contains(self, version):
        return self.lo <= version <= self.hi

    def covers(self, other):
        return other.is_empty() or (not self.is_empty() and self.lo <= other.lo and other.hi <= self.hi)

    def __iter__(self):
        return iter(range(self.lo, self.hi + 1)) if not self.is_empty() else iter(())

    def __repr__(self):
        if self.is_empty():
            return "none"
        if self.hi == INFINITY:
            return f"{self.lo}+"
        return f"{self.lo}-{self.hi}" if self.lo != self.hi else f"{self.lo}"


def strip_comments(text):
    """Removes // comments that are outside JSON strings."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


class Field:
    def __init__(self, spec):
        self.name = spec["name"]
        self.type = spec["type"]
        self.versions = Versions.parse(spec["versions"])
        self.nullable = Versions.parse(spec.get("nullableVersions", "none"))
        self.tagged = Versions.parse(spec.get("taggedVersions", "none"))
        self.tag = spec.get("tag")
        flex = spec.get("flexibleVersions")
        self.flexible_override = Versions.parse(flex) if flex is not None else None
        default = spec.get("default")
        # Defaults are usually strings ("-1", "0x7fffffff", "null") but some files use JSON literals.
        self.default = None if default is None else (str(default).lower() if isinstance(default, bool) else str(default))
        self.ignorable = bool(spec.get("ignorable", False))
        self.about = spec.get("about", "")
        self.spec_fields = spec.get("fields")
        self.is_array = self.type.startswith("[]")
        self.element = self.type[2:] if self.is_array else self.type
        self.struct = None  # set when the element is a struct type
        if (self.tag is None) != self.tagged.is_empty():
            raise ValueError(f"{self.name}: tag and taggedVersions go together")

    @property
    def is_struct(self):
        return self.element not in PRIMITIVES

    def regular_versions(self, within):
        """Versions in which the field is written in place (not in the tagged section)."""
        present = self.versions.intersect(within)
        if self.tagged.is_empty():
            return present
        return present.below(self.tagged.lo)

    def tagged_versions(self, within):
        return self.versions.intersect(self.tagged).intersect(within)

    def nullable_anywhere(self):
        return not self.nullable.is_empty() or self.type == "records"


class Struct:
    def __init__(self, name, fields, versions):
        self.name = name
        self.fields = fields
        self.versions = versions  # the versions in which this struct can appear


class Message:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            spec = json.loads(strip_comments(handle.read()))
        self.source = path
        self.name = spec["name"]
        self.kind = spec["type"]  # request, response, header or data
        self.api_key = spec.get("apiKey")
        self.valid = Versions.parse(spec["validVersions"])
        self.flexible = Versions.parse(spec["flexibleVersions"])
        self.structs = []  # nested struct types, in order of first definition
        self._by_name = {}
        self._common = {c["name"]: c for c in spec.get("commonStructs", [])}
        self.root = Struct(self.name, self._fields(spec["fields"], self.valid), self.valid)

    def _fields(self, specs, within):
        fields = []
        for spec in specs:
            field = Field(spec)
            if field.is_struct:
                present = field.versions.intersect(within)
                field.struct = self._struct(field, present)
            fields.append(field)
        return fields

    def _struct(self, field, present):
        name = field.element
        if field.spec_fields is not None:
            if name in self._by_name:
                raise ValueError(f"{self.name}: struct {name} defined twice")
            struct = Struct(name, None, present)
            self._by_name[name] = struct
            self.structs.append(struct)
            struct.fields = self._fields(field.spec_fields, present)
            return struct
        if name in self._by_name:
            struct = self._by_name[name]
            struct.versions = struct.versions.hull(present)
            return struct
        if name in self._common:
            # Common structs take the versions of all their uses; the first use defines them.
            struct = Struct(name, None, self.valid)
            self._by_name[name] = struct
            self.structs.append(struct)
            struct.fields = self._fields(self._common[name]["fields"], self.valid)
            return struct
        raise ValueError(f"{self.name}: unknown type {field.type} of {field.name}")
