"""redis-py (asyncio, hiredis parser) anchor for tools/bench redis.

usage: redis_py.py HOST PORT get|set PIPELINE CALLERS REQUESTS
CALLERS asyncio tasks share one client (its pool gives each in-flight caller a connection, since
redis-py does not multiplex); with PIPELINE > 1 each caller sends pipelines (transaction=False) of
that many commands. Prints: `redis-py OP P=PIPELINE ops/s=X`.
"""
import asyncio
import sys
import time

import redis.asyncio as redis
from redis.utils import HIREDIS_AVAILABLE

KEY = "key:__rand_int__"
VALUE = b"xxx"  # redis-benchmark's default 3-byte value


async def main(host, port, op, depth, callers, requests):
    if not HIREDIS_AVAILABLE:
        sys.exit("hiredis is not installed: refusing to compare against the pure-Python parser")
    client = redis.Redis(host=host, port=port, max_connections=callers)
    await client.set(KEY, VALUE)
    per_caller = requests // callers // depth

    async def caller():
        for _ in range(per_caller):
            if depth == 1:
                if op == "get":
                    await client.get(KEY)
                else:
                    await client.set(KEY, VALUE)
            else:
                pipe = client.pipeline(transaction=False)
                for _ in range(depth):
                    if op == "get":
                        pipe.get(KEY)
                    else:
                        pipe.set(KEY, VALUE)
                replies = await pipe.execute()
                assert len(replies) == depth

    # Open the connections first so the timing measures commands, not connects.
    await asyncio.gather(*[client.ping() for _ in range(callers)])
    start = time.perf_counter()
    await asyncio.gather(*[caller() for _ in range(callers)])
    elapsed = time.perf_counter() - start
    print(f"redis-py {op} P={depth} ops/s={int(per_caller * callers * depth / elapsed)}")
    await client.aclose()


if __name__ == "__main__":
    host, port, op, depth, callers, requests = sys.argv[1:7]
    asyncio.run(main(host, int(port), op, int(depth), int(callers), int(requests)))
