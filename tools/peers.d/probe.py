"""Readiness probes for tools/peers: wait until a peer answers a real request with its reference client.

Run by the .venv-peers interpreter (it has confluent-kafka, pymongo, boto3):

    probe.py wait NAME PORT PID TIMEOUT_S          NAME: kafka | mongo | mongo-auth | s3
    probe.py create-user PORT USER PASSWORD         first admin user of a SecantusDB started without --auth

A wait fails at once when the server process is gone (a crash, or a port taken in the meantime), so a broken
peer costs a log tail, not a full timeout. Exit status: 0 ready, 1 not ready (reason on stderr).
For mongo-auth the user and password come from SWITCHYARD_MONGO_AUTH_USER / SWITCHYARD_MONGO_AUTH_PASSWORD.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request

HOST = "127.0.0.1"


def process_running(pid: int) -> bool:
    """True while PID exists and has not exited: a dead daemon whose parent has not reaped it yet is a
    zombie ('Z'), which `kill -0` still reports as present."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    state = stat[stat.rindex(b")") + 2 :].split(b" ", 1)[0]
    return state not in (b"Z", b"X", b"x")


def probe_kafka(port: int) -> None:
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": f"{HOST}:{port}", "socket.timeout.ms": 2000})
    metadata = admin.list_topics(timeout=2)
    advertised = {f"{b.host}:{b.port}" for b in metadata.brokers.values()}
    # A broker advertising another address (localhost, 0.0.0.0, the default 9092) would send every client
    # after the bootstrap connection somewhere else: fail loudly rather than let tests chase it.
    if advertised != {f"{HOST}:{port}"}:
        raise RuntimeError(f"broker advertises {sorted(advertised)}, expected {HOST}:{port}")


def mongo_client(url: str):
    import pymongo

    return pymongo.MongoClient(url, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000)


def probe_mongo(port: int) -> None:
    with mongo_client(f"mongodb://{HOST}:{port}/?retryWrites=false") as client:
        client.admin.command("ping")


def probe_mongo_auth(port: int) -> None:
    import pymongo.errors

    user = os.environ["SWITCHYARD_MONGO_AUTH_USER"]
    password = os.environ["SWITCHYARD_MONGO_AUTH_PASSWORD"]
    url = f"mongodb://{user}:{password}@{HOST}:{port}/?authSource=admin&retryWrites=false"
    with mongo_client(url) as client:
        status = client.admin.command("connectionStatus")
        users = status["authInfo"]["authenticatedUsers"]
        if {"user": user, "db": "admin"} not in users:
            raise RuntimeError(f"authenticated as {users}, expected {user}@admin")
    # The instance must also refuse a client without credentials, or it is not the auth peer the tests need.
    with mongo_client(f"mongodb://{HOST}:{port}/?retryWrites=false") as client:
        try:
            client.admin.command("listDatabases")
        except pymongo.errors.OperationFailure as error:
            if error.code != 13:
                raise
        else:
            raise RuntimeError("listDatabases without credentials succeeded: auth is not enforced")


def probe_s3(port: int) -> None:
    import boto3
    from botocore.config import Config

    endpoint = f"http://{HOST}:{port}"
    with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=2) as response:
        services = json.load(response)["services"]
    for service in ("s3", "sqs", "sns"):
        if services.get(service) not in ("running", "available"):
            raise RuntimeError(f"{service} is {services.get(service)!r}")
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}),
    )
    s3.list_buckets()


PROBES = {
    "kafka": probe_kafka,
    "mongo": probe_mongo,
    "mongo-auth": probe_mongo_auth,
    "s3": probe_s3,
}


def wait(name: str, port: int, pid: int, timeout_s: float) -> int:
    probe = PROBES[name]
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        if not process_running(pid):
            print(f"{name}: server process {pid} exited before answering", file=sys.stderr)
            return 1
        try:
            probe(port)
            return 0
        except Exception as error:  # noqa: BLE001 - any failure means "not ready yet"
            last_error = error
        if time.monotonic() >= deadline:
            print(f"{name}: not ready after {timeout_s:g} s: {last_error!r}", file=sys.stderr)
            return 1
        time.sleep(0.2)


def create_user(port: int, user: str, password: str) -> int:
    """SecantusDB has no localhost exception: the first user is created on an instance started without
    --auth (its documented bootstrap), which is then restarted with --auth on the same storage."""
    with mongo_client(f"mongodb://{HOST}:{port}/?retryWrites=false") as client:
        client.admin.command(
            "createUser",
            user,
            pwd=password,
            roles=[{"role": "root", "db": "admin"}],
            mechanisms=["SCRAM-SHA-256"],
        )
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[0] == "wait" and argv[1] in PROBES:
        return wait(argv[1], int(argv[2]), int(argv[3]), float(argv[4]))
    if len(argv) == 4 and argv[0] == "create-user":
        return create_user(int(argv[1]), argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
