#!/usr/bin/env python3
"""A reference murmur2 (Kafka's Utils.murmur2) written from the algorithm, for KafkaProtocolTests.

Prints "hex-of-key murmur2 partition-of-100" for a fixed, seeded set of keys of every length
from 0 to 40 and a few longer ones.
"""
import random
import sys


def murmur2(data):
    m, r = 0x5BD1E995, 24
    mask = 0xFFFFFFFF
    h = (0x9747B28C ^ len(data)) & mask
    n = len(data) // 4
    for i in range(n):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
    tail = data[4 * n:]
    if len(tail) >= 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if len(tail) >= 1:
        h ^= tail[0]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def main():
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    keys = [bytes(rng.randrange(256) for _ in range(n)) for n in list(range(41)) + [100, 1000]]
    keys += [b"key-%d" % i for i in range(20)]
    for key in keys:
        h = murmur2(key)
        print(key.hex(), h, (h & 0x7FFFFFFF) % 100)


if __name__ == "__main__":
    main()
