"""Smoke test of the running peers with their reference clients: `tools/peers smoke`.

Usage: smoke.py ENV_FILE   (the KEY=VALUE file that `tools/peers up` writes)

Prints one line per check ("ok" or "FAIL" with the reason) and exits 1 if any check failed. Every check
uses fresh names (topic, collection, key, bucket), so it can run against peers that tests already used.
"""

from __future__ import annotations

import sys
import time
import traceback
import urllib.error
import urllib.request
import uuid
from typing import Callable

RUN = uuid.uuid4().hex[:12]


def read_env(path: str) -> dict[str, str]:
    env: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = value
    return env


def check_kafka(env: dict[str, str]) -> str:
    from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic

    bootstrap = env["SWITCHYARD_KAFKA_BOOTSTRAP"]
    topic = f"smoke-{RUN}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(timeout=10)

    value = f"hello {RUN}".encode()
    delivered: list[object] = []
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    producer.produce(topic, key=b"k", value=value, on_delivery=lambda err, msg: delivered.append(err or msg))
    if producer.flush(10) != 0 or len(delivered) != 1 or isinstance(delivered[0], KafkaError):
        raise RuntimeError(f"produce not acknowledged: {delivered}")
    offset = delivered[0].offset()

    # assign() rather than subscribe(): a group join waits session.timeout/2 on Tansu; the group path is the
    # tests' business, this only proves the broker stores and serves a record.
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"smoke-{RUN}", "enable.auto.commit": False}
    )
    try:
        consumer.assign([TopicPartition(topic, 0, offset)])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise RuntimeError(f"consume error: {msg.error()}")
            if msg.value() != value or msg.key() != b"k":
                raise RuntimeError(f"read back {msg.key()!r}={msg.value()!r}, expected b'k'={value!r}")
            return f"produced and consumed 1 record on fresh topic {topic} (offset {offset})"
        raise RuntimeError("record not consumed within 15 s")
    finally:
        consumer.close()


def check_mongo(url: str, label: str) -> str:
    import pymongo

    with pymongo.MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        collection = client["switchyard_smoke"][f"c_{RUN}"]
        inserted = collection.insert_one({"run": RUN, "n": 42}).inserted_id
        found = collection.find_one({"_id": inserted})
        if found is None or found["n"] != 42:
            raise RuntimeError(f"find returned {found!r}")
        collection.drop()
    return f"{label}: insert_one + find_one in a fresh collection"


def check_mongo_unauthenticated_refused(env: dict[str, str]) -> str:
    import pymongo
    import pymongo.errors

    port = env["SWITCHYARD_MONGO_AUTH_PORT"]
    with pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/?retryWrites=false", serverSelectionTimeoutMS=5000) as client:
        try:
            client["switchyard_smoke"]["x"].find_one()
        except pymongo.errors.OperationFailure as error:
            if error.code == 13:
                return "mongo-auth: find without credentials refused (code 13 Unauthorized)"
            raise
    raise RuntimeError("find without credentials succeeded")


def check_mongo_wrong_password_refused(env: dict[str, str]) -> str:
    import pymongo
    import pymongo.errors

    port = env["SWITCHYARD_MONGO_AUTH_PORT"]
    user = env["SWITCHYARD_MONGO_AUTH_USER"]
    url = f"mongodb://{user}:wrong-{RUN}@127.0.0.1:{port}/?authSource=admin&retryWrites=false"
    with pymongo.MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        try:
            client.admin.command("ping")
        except pymongo.errors.OperationFailure as error:
            if error.code == 18:
                return "mongo-auth: wrong password refused (code 18 AuthenticationFailed)"
            raise
    raise RuntimeError("a wrong password authenticated")


def check_redis(env: dict[str, str]) -> str:
    import redis

    client = redis.Redis.from_url(env["SWITCHYARD_REDIS_URL"], socket_timeout=5)
    key = f"smoke:{RUN}"
    if not client.set(key, b"v\x00\xff", ex=60):
        raise RuntimeError("SET did not answer OK")
    got = client.get(key)
    if got != b"v\x00\xff":
        raise RuntimeError(f"GET returned {got!r}")
    client.delete(key)
    client.close()
    return "SET + GET of a binary value"


def s3_client(env: dict[str, str]):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=env["SWITCHYARD_S3_ENDPOINT"],
        region_name=env["SWITCHYARD_S3_REGION"],
        aws_access_key_id=env["SWITCHYARD_S3_ACCESS_KEY"],
        aws_secret_access_key=env["SWITCHYARD_S3_SECRET_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def check_s3(env: dict[str, str]) -> str:
    s3 = s3_client(env)
    bucket = f"smoke-{RUN}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a/b.txt", Body=b"hello s3")
    body = s3.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read()
    if body != b"hello s3":
        raise RuntimeError(f"get_object returned {body!r}")
    return f"create_bucket + put_object + get_object in {bucket}"


def http_put(url: str, data: bytes) -> int:
    request = urllib.request.Request(url, data=data, method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def check_s3_presigned_put(env: dict[str, str]) -> str:
    s3 = s3_client(env)
    bucket = f"smoke-{RUN}-presigned"
    s3.create_bucket(Bucket=bucket)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.bin"}, ExpiresIn=300)
    status = http_put(url, b"uploaded with urllib")
    if status != 200:
        raise RuntimeError(f"presigned PUT answered HTTP {status}")
    body = s3.get_object(Bucket=bucket, Key="up.bin")["Body"].read()
    if body != b"uploaded with urllib":
        raise RuntimeError(f"object holds {body!r}")
    # The tests check our SigV4 presigner against this server: it must refuse a bad signature
    # (S3_SKIP_SIGNATURE_VALIDATION=0), or a wrong presigner would pass.
    signature_at = url.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    flipped = "0" if url[signature_at] != "0" else "1"
    tampered = url[:signature_at] + flipped + url[signature_at + 1 :]
    status = http_put(tampered, b"must not land")
    if status != 403:
        raise RuntimeError(f"presigned PUT with a tampered signature answered HTTP {status}, expected 403")
    return "presigned PUT uploaded with urllib and read back; tampered signature refused (403)"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    env = read_env(argv[0])
    checks: list[tuple[str, Callable[[], str]]] = [
        ("kafka", lambda: check_kafka(env)),
        ("mongo", lambda: check_mongo(env["SWITCHYARD_MONGO_URL"], "mongo")),
        ("mongo-auth", lambda: check_mongo(env["SWITCHYARD_MONGO_AUTH_URL"], "mongo-auth (SCRAM-SHA-256)")),
        ("mongo-auth", lambda: check_mongo_unauthenticated_refused(env)),
        ("mongo-auth", lambda: check_mongo_wrong_password_refused(env)),
        ("redis", lambda: check_redis(env)),
        ("s3", lambda: check_s3(env)),
        ("s3", lambda: check_s3_presigned_put(env)),
    ]
    failed = 0
    for peer, check in checks:
        started = time.monotonic()
        try:
            detail = check()
            print(f"ok    {peer:<10} {detail} ({time.monotonic() - started:.2f} s)", flush=True)
        except Exception as error:  # noqa: BLE001 - report every check, then fail
            failed += 1
            print(f"FAIL  {peer:<10} {type(error).__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stderr)
    # Deliberately not the "N passed, N failed" form: CI reads that as a test runner's summary.
    if failed:
        print(f"smoke: {failed} of {len(checks)} checks FAILED", flush=True)
    else:
        print(f"smoke: all {len(checks)} checks ok", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
