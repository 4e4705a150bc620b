"""pymongo anchor for tools/bench bson: encode/decode throughput of pymongo's C `bson` extension.

Usage: bson_pymongo.py DIR OUT.json
Reads DIR/<name>.bson (written by BenchBSON), decodes each to a dict, checks that bson.encode gives
the same bytes back, then times bson.encode(dict) and bson.decode(bytes). Prints MB/s and writes JSON.
"""
import json
import os
import sys
import time

import bson

if not bson.has_c():
    print("pymongo's C extension is not available (bson.has_c() is False); the anchor would be pure Python")
    sys.exit(1)


def throughput(nbytes, fn, target=0.25, rounds=5):
    # Thread CPU time, as BenchBSON measures: less skewed by other processes on a busy machine.
    def run(n):
        start = time.thread_time()
        for _ in range(n):
            fn()
        return time.thread_time() - start

    n = 1
    while run(n) < target / 4:
        n *= 2
    n = max(1, int(n * target / max(run(n), 1e-9)))
    best = min(run(n) / n for _ in range(rounds))
    return nbytes / best / 1e6


def main():
    directory, out = sys.argv[1], sys.argv[2]
    print(f"pymongo {bson.__name__} from {os.path.dirname(bson.__file__)}, bson.has_c() = {bson.has_c()}")
    results = {}
    for name in ["flat10", "nested10", "binary1MiB", "mixed100"]:
        with open(os.path.join(directory, name + ".bson"), "rb") as f:
            data = f.read()
        doc = bson.decode(data)
        identical = bson.encode(doc) == data
        enc = throughput(len(data), lambda: bson.encode(doc))
        dec = throughput(len(data), lambda: bson.decode(data))
        results[name] = {"encode": enc, "decode": dec, "bytes": len(data), "roundtrip_identical": identical}
        print(f"  pymongo {name:11s} {len(data):8d} bytes  encode {enc:9.1f} MB/s  decode {dec:9.1f} MB/s"
              f"  re-encodes identically: {identical}")
    with open(out, "w") as f:
        json.dump(results, f)


main()
