"""Anchor of tools/bench mongo: the same round trips as BenchMongo, with pymongo.

usage: mongo_pymongo.py URL N OUT.json
One operation at a time: N insert_one of a small document, then N find_one by _id.
"""
import json
import os
import sys
import time

import pymongo


def document(i):
    return {"_id": i, "name": f"user-{i}", "email": f"user{i}@example.com", "age": 20 + i % 50,
            "active": i % 2 == 0, "tags": ["alpha", "beta"]}


def main():
    url, count, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    client = pymongo.MongoClient(url, maxPoolSize=1)
    db = client[f"bench_mongo_py_{os.getpid()}"]
    coll = db["ops"]
    for i in range(200):
        coll.insert_one(document(-1 - i))
    for i in range(200):
        coll.find_one({"_id": -1 - i})
    docs = [document(i) for i in range(count)]
    start = time.perf_counter()
    for d in docs:
        coll.insert_one(d)
    insert_seconds = time.perf_counter() - start
    start = time.perf_counter()
    found = 0
    for i in range(count):
        if coll.find_one({"_id": i}) is not None:
            found += 1
    find_seconds = time.perf_counter() - start
    if found != count:
        raise SystemExit(f"found {found} of {count}")
    client.drop_database(db.name)
    client.close()
    result = {"insertOne": count / insert_seconds, "findById": count / find_seconds}
    with open(output, "w") as f:
        json.dump(result, f)
    print(f"pymongo: insertOne {result['insertOne']:8.0f} ops/s   findById {result['findById']:8.0f} ops/s")


if __name__ == "__main__":
    main()
