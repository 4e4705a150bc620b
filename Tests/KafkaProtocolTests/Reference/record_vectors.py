#!/usr/bin/env python3
"""Writes record-vectors.json: record batches and compressed blocks made by independent
libraries, for KafkaProtocolTests to decode.

Batches come from kafka-python's record builders (the v2 DefaultRecordBatchBuilder and the
magic 0/1 LegacyRecordBatchBuilder), which compress through python-snappy (xerial framing),
lz4.frame and zlib. Raw snappy blocks and LZ4 frames with the optional checksums come from
cramjam and lz4. The output is committed so the tests need no network or packages; run again
only to change the vectors:

    python3 -m venv /work/main/.venv && /work/main/.venv/bin/pip install kafka-python==3.0.12 lz4 python-snappy cramjam xxhash
    /work/main/.venv/bin/python record_vectors.py > record-vectors.json

Running it again changes the gzip vectors (gzip headers carry a timestamp) but nothing they mean.
"""
import json
import random

import cramjam
import lz4.frame
from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.legacy_records import LegacyRecordBatchBuilder

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
rng = random.Random(20261129)


def hexify(b):
    return None if b is None else bytes(b).hex()


def sample_records(n, with_headers):
    records = []
    for i in range(n):
        key = None if i % 4 == 3 else ("key-%d" % (i % 3)).encode()
        value = None if i % 7 == 6 else (("value %d " % i) * (1 + i % 5)).encode()
        headers = [("h%d" % j, None if j == 1 else bytes([i, j])) for j in range(i % 3)] if with_headers else []
        records.append((i, 1_700_000_000_000 + i * 13, key, value, headers))
    return records


def v2_cases():
    cases = []
    for codec in ["none", "gzip", "snappy", "lz4"]:
        for transactional, producer in [(False, (-1, -1, -1)), (True, (4242, 7, 100))]:
            records = sample_records(12 if codec != "none" else 5, with_headers=True)
            builder = DefaultRecordBatchBuilder(magic=2, compression_type=CODECS[codec], is_transactional=transactional,
                                                producer_id=producer[0], producer_epoch=producer[1],
                                                base_sequence=producer[2], batch_size=1 << 20)
            for offset, ts, key, value, headers in records:
                builder.append(offset, timestamp=ts, key=key, value=value, headers=headers)
            data = bytes(builder.build())
            cases.append({
                "name": "v2 %s transactional=%s" % (codec, transactional),
                "hex": data.hex(), "codec": codec, "transactional": transactional,
                "producerId": producer[0], "producerEpoch": producer[1], "baseSequence": producer[2],
                "records": [{"offset": o, "timestamp": ts, "key": hexify(k), "value": hexify(v),
                             "headers": [{"key": hk, "value": hexify(hv)} for hk, hv in h]}
                            for o, ts, k, v, h in records],
            })
    return cases


def legacy_cases():
    cases = []
    for magic in [0, 1]:
        for codec in ["none", "gzip", "snappy", "lz4"]:
            builder = LegacyRecordBatchBuilder(magic=magic, compression_type=CODECS[codec], batch_size=1 << 20)
            records = sample_records(6, with_headers=False)
            for offset, ts, key, value, _ in records:
                builder.append(offset, timestamp=ts if magic == 1 else None, key=key, value=value)
            data = bytes(builder.build())
            base = 0
            if magic == 1 and codec != "none":
                # A producer writes relative inner offsets and leaves the wrapper's offset to the
                # broker, which sets it to the absolute offset of the last inner message (the CRC
                # does not cover it). Do what a broker appending at offset 1000 would do.
                base = 1000
                data = (base + len(records) - 1).to_bytes(8, "big") + data[8:]
            cases.append({
                "name": "magic %d %s" % (magic, codec), "hex": data.hex(), "magic": magic, "codec": codec,
                "records": [{"offset": base + o, "timestamp": ts if magic == 1 else -1, "key": hexify(k), "value": hexify(v)}
                            for o, ts, k, v, _ in records],
            })
    return cases


def payloads():
    text = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % (i % 97) for i in range(1500))
    return {
        "empty": b"",
        "one": b"x",
        "short": b"hello hello hello hello",
        "text": text,  # about 80 KB: crosses LZ4 64 KiB blocks and xerial 32 KiB blocks
        "random": bytes(random.Random(7).randrange(256) for _ in range(3000)),
        "run": b"a" * 5000,
    }


def block_cases():
    cases = []
    for name, data in payloads().items():
        cases.append({"kind": "snappy-raw", "name": name, "plain": name,
                      "compressed": bytes(cramjam.snappy.compress_raw(data)).hex()})
        for block_checksum, content_checksum, store_size, linked in [(False, False, False, False), (True, True, True, False),
                                                                     (False, True, False, True)]:
            frame = lz4.frame.compress(data, block_size=lz4.frame.BLOCKSIZE_MAX64KB,
                                       block_checksum=block_checksum, content_checksum=content_checksum,
                                       store_size=store_size, block_linked=linked)
            cases.append({"kind": "lz4-frame", "name": "%s checksums=%s linked=%s" % (name, block_checksum, linked),
                          "plain": name, "compressed": frame.hex()})
    return cases


if __name__ == "__main__":
    print(json.dumps({"batches": v2_cases(), "legacy": legacy_cases(), "blocks": block_cases(),
                      "payloads": {name: data.hex() for name, data in payloads().items()}}, indent=1, sort_keys=True))
