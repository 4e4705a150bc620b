#!/usr/bin/env python3
"""Checks kafka_reference.py against kafka-python's own schema-driven protocol classes.

kafka_reference.py is the oracle of KafkaProtocolTests' golden bytes; this script shows that a
second, independently written implementation (kafka-python 3.x, `kafka.protocol`) reads every
reference case and writes it back byte for byte. It needs kafka-python, so it is a manual
check, not part of the test suite:

    /work/main/.venv/bin/pip install kafka-python==3.0.12
    /work/main/.venv/bin/python Tests/KafkaProtocolTests/Reference/crosscheck_kafka_python.py [SEED]

Known difference: kafka-python reads any ApiVersionsResponse with a non-zero error code as
version 0 (its UNSUPPORTED_VERSION fallback), so those cases are reported apart.
Unknown tagged fields are left out of the cases (kafka-python does not keep them).
"""
import collections
import importlib
import json
import os
import pkgutil
import subprocess
import sys

sys.dont_write_bytecode = True
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "kafka-codegen"))

import kafka.protocol as kp  # noqa: E402
from kafka.protocol.api_message import ApiMessage  # noqa: E402
import generate  # noqa: E402


def kafka_python_classes():
    classes = {}
    for module in pkgutil.walk_packages(kp.__path__, "kafka.protocol."):
        if ".old" in module.name or "generate_stubs" in module.name:
            continue
        try:
            loaded = importlib.import_module(module.name)
        except Exception:
            continue
        for name, value in vars(loaded).items():
            if isinstance(value, type) and issubclass(value, ApiMessage) and value is not ApiMessage:
                classes[name] = value
    return classes


def main():
    seed = sys.argv[1] if len(sys.argv) > 1 else "11"
    classes = kafka_python_classes()
    names = [n for n in generate.schema_names() if n in classes]
    cases = subprocess.run(
        [sys.executable, os.path.join(os.path.dirname(__file__), "kafka_reference.py"), "--no-unknown-tags",
         os.path.join(ROOT, "Fixtures", "kafka-messages"), seed, "4"] + names,
        capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    problems = []
    for line in cases.splitlines():
        case = json.loads(line)
        name, version, data = case["message"], case["version"], bytes.fromhex(case["hex"])
        if name == "ApiVersionsResponse" and case["value"]["errorCode"] != 0:
            counts["apiversions-error-fallback"] += 1
            continue
        try:
            message = classes[name][version].decode(data, header=False)
        except ValueError:
            counts["version-unknown-to-kafka-python"] += 1
            continue
        if not hasattr(message, "_header"):
            message._header = None
        again = bytes(message.encode(version, header=False))
        if again == data:
            counts["same"] += 1
        else:
            counts["differ"] += 1
            problems.append("%s v%d" % (name, version))
    print(dict(counts), "messages:", len(names))
    for problem in problems[:20]:
        print("differs:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
