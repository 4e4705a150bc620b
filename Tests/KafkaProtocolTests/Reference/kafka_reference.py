#!/usr/bin/env python3
"""An independent reference encoder for Kafka messages, used by KafkaProtocolTests.

It shares no code with tools/kafka-codegen: it interprets the JSON schemas directly, field by
field, the way the Kafka protocol guide describes the wire format. For each message and version
it makes random values (seeded, so runs repeat), encodes them, and prints one JSON line per case:

    {"message": NAME, "version": V, "value": {...}, "hex": "..."}

Values use the Swift property names. Byte strings, UUIDs and float64 bit patterns are hex
strings; `unknownTaggedFields` (tags the schema does not define) appears only when non-empty.

    python3 kafka_reference.py [--no-unknown-tags] SCHEMA_DIR SEED CASES_PER_VERSION NAME...

--no-unknown-tags leaves out tags the schema does not define, for comparing with encoders
that drop them.
"""
import json
import os
import random
import re
import struct
import sys

INF = 1 << 15


def parse_versions(text):
    if text is None or text == "none":
        return None
    if text.endswith("+"):
        return (int(text[:-1]), INF)
    if "-" in text:
        a, b = text.split("-")
        return (int(a), int(b))
    return (int(text), int(text))


def in_versions(spec, version):
    return spec is not None and spec[0] <= version <= spec[1]


def load(schema_dir, name):
    with open(os.path.join(schema_dir, name + ".json"), encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if not line.lstrip().startswith("//")]
    return json.loads("\n".join(lines))


def swift_name(name):
    m = re.match(r"^([A-Z]+)(.*)$", name)
    if not m:
        return name
    head, rest = m.groups()
    if len(head) == 1 or not rest:
        return head.lower() + rest
    if rest[0].islower():
        return head[:-1].lower() + head[-1] + rest
    return head.lower() + rest


class Schema:
    def __init__(self, spec):
        self.spec = spec
        self.flexible = parse_versions(spec["flexibleVersions"])
        self.common = {c["name"]: c["fields"] for c in spec.get("commonStructs", [])}
        self.structs = {}
        self._collect(spec["fields"])

    def _collect(self, fields):
        for f in fields:
            if "fields" in f:
                self.structs[f["type"].lstrip("[]")] = f["fields"]
                self._collect(f["fields"])
        for name, fields_ in self.common.items():
            self.structs.setdefault(name, fields_)

    def struct_fields(self, field):
        return self.structs[field["type"].lstrip("[]")]

    def is_flexible(self, version):
        return in_versions(self.flexible, version)


PRIMITIVE = {"bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64",
             "string", "uuid", "bytes", "records"}
INT_RANGES = {"int8": (-128, 127), "int16": (-32768, 32767), "uint16": (0, 65535),
              "int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1), "int64": (-2**63, 2**63 - 1)}


def element_type(field):
    t = field["type"]
    return t[2:] if t.startswith("[]") else t


def is_array(field):
    return field["type"].startswith("[]")


def nullable(field, version):
    return in_versions(parse_versions(field.get("nullableVersions")), version)


def present(field, version):
    return in_versions(parse_versions(field["versions"]), version)


def is_tagged(field, version):
    return "tag" in field and in_versions(parse_versions(field.get("taggedVersions")), version)


# MARK: defaults (what a decoder fills in for a field the version lacks)

def default_value(schema, field):
    t = element_type(field)
    d = field.get("default")
    d = None if d is None else (str(d).lower() if isinstance(d, bool) else str(d))
    if t == "records" or d == "null":
        return None
    if is_array(field):
        return []
    if t not in PRIMITIVE:
        return default_struct(schema, schema.struct_fields(field))
    if t == "string":
        return d or ""
    if t == "bytes":
        return ""
    if t == "bool":
        return d == "true"
    if t == "uuid":
        return "0" * 32
    if t == "float64":
        return struct.pack(">d", float(d or 0)).hex()
    if d is None:
        return 0
    return int(d, 16) if d.lower().startswith(("0x", "-0x")) else int(d)


def default_struct(schema, fields):
    return {swift_name(f["name"]): default_value(schema, f) for f in fields}


# MARK: random values

def random_string(rng):
    alphabet = "abcXYZ019-_. é€"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))


def random_scalar(rng, t):
    if t == "bool":
        return rng.random() < 0.5
    if t in INT_RANGES:
        lo, hi = INT_RANGES[t]
        return rng.choice([lo, hi, 0, -1 if lo < 0 else 1, rng.randint(lo, hi)])
    if t == "float64":
        return struct.pack(">d", rng.choice([0.0, -1.5, 3.25e10, rng.uniform(-1e6, 1e6)])).hex()
    if t == "string":
        return random_string(rng)
    if t in ("bytes", "records"):
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 12))).hex()
    if t == "uuid":
        return bytes(rng.randrange(256) for _ in range(16)).hex()
    raise ValueError(t)


def random_field(schema, field, version, rng, depth):
    if nullable(field, version) and rng.random() < 0.2:
        return None
    t = element_type(field)
    if is_array(field):
        n = rng.randint(0, 3 if depth < 3 else 1)
        if t in PRIMITIVE:
            return [random_scalar(rng, t) for _ in range(n)]
        return [random_struct(schema, schema.struct_fields(field), version, rng, depth + 1) for _ in range(n)]
    if t not in PRIMITIVE:
        return random_struct(schema, schema.struct_fields(field), version, rng, depth + 1)
    return random_scalar(rng, t)


def random_struct(schema, fields, version, rng, depth=0):
    value = {}
    for f in fields:
        name = swift_name(f["name"])
        if not present(f, version) or (is_tagged(f, version) and rng.random() < 0.4):
            value[name] = default_value(schema, f)
        else:
            value[name] = random_field(schema, f, version, rng, depth)
    if schema.is_flexible(version) and UNKNOWN_TAGS and rng.random() < 0.3:
        known = {f["tag"] for f in fields if "tag" in f}
        tags = sorted(set(rng.sample(range(20, 300), rng.randint(1, 2))) - known)
        value["unknownTaggedFields"] = [
            {"tag": t, "data": bytes(rng.randrange(256) for _ in range(rng.randint(0, 5))).hex()} for t in tags]
    return value


# MARK: encoding, after the protocol guide

def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def compact_for(schema, field, version):
    if "flexibleVersions" in field:
        return in_versions(parse_versions(field["flexibleVersions"]), version)
    return schema.is_flexible(version)


def encode_scalar(t, v, compact):
    if t == "bool":
        return b"\x01" if v else b"\x00"
    if t in ("int8", "int16", "int32", "int64", "uint16", "uint32"):
        fmt = {"int8": ">b", "int16": ">h", "int32": ">i", "int64": ">q", "uint16": ">H", "uint32": ">I"}[t]
        return struct.pack(fmt, v)
    if t == "float64":
        return bytes.fromhex(v)
    if t == "uuid":
        return bytes.fromhex(v)
    if t == "string":
        if v is None:
            return b"\x00" if compact else struct.pack(">h", -1)
        data = v.encode("utf-8")
        return (uvarint(len(data) + 1) if compact else struct.pack(">h", len(data))) + data
    if t in ("bytes", "records"):
        if v is None:
            return b"\x00" if compact else struct.pack(">i", -1)
        data = bytes.fromhex(v)
        return (uvarint(len(data) + 1) if compact else struct.pack(">i", len(data))) + data
    raise ValueError(t)


def encode_field(schema, field, v, version):
    t = element_type(field)
    compact = compact_for(schema, field, version)
    if is_array(field):
        if v is None:
            return b"\x00" if compact else struct.pack(">i", -1)
        out = uvarint(len(v) + 1) if compact else struct.pack(">i", len(v))
        for item in v:
            if t in PRIMITIVE:
                out += encode_scalar(t, item, compact)
            else:
                out += encode_struct(schema, schema.struct_fields(field), item, version)
        return out
    if t not in PRIMITIVE:
        body = encode_struct(schema, schema.struct_fields(field), v, version) if v is not None else b""
        if "nullableVersions" in field:
            return (b"\x01" + body) if v is not None else b"\xff"
        return body
    return encode_scalar(t, v, compact)


def encode_struct(schema, fields, value, version):
    out = b""
    tagged = []
    for f in fields:
        if not present(f, version):
            continue
        v = value[swift_name(f["name"])]
        if is_tagged(f, version):
            if v != default_value(schema, f):
                tagged.append((f["tag"], encode_field(schema, f, v, version)))
        else:
            out += encode_field(schema, f, v, version)
    if schema.is_flexible(version):
        for unknown in value.get("unknownTaggedFields", []):
            tagged.append((unknown["tag"], bytes.fromhex(unknown["data"])))
        tagged.sort()
        out += uvarint(len(tagged))
        for tag, data in tagged:
            out += uvarint(tag) + uvarint(len(data)) + data
    return out


UNKNOWN_TAGS = True


def main(argv):
    global UNKNOWN_TAGS
    if argv and argv[0] == "--no-unknown-tags":
        UNKNOWN_TAGS = False
        argv = argv[1:]
    schema_dir, seed, per_version, names = argv[0], int(argv[1]), int(argv[2]), argv[3:]
    rng = random.Random(seed)
    for name in names:
        spec = load(schema_dir, name)
        schema = Schema(spec)
        lo, hi = parse_versions(spec["validVersions"])
        for version in range(lo, hi + 1):
            for _ in range(per_version):
                value = random_struct(schema, spec["fields"], version, rng)
                data = encode_struct(schema, spec["fields"], value, version)
                print(json.dumps({"message": name, "version": version, "value": value, "hex": data.hex()},
                                 ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
