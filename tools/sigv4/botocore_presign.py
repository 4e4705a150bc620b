#!/usr/bin/env python3
"""botocore's presigned S3 URLs, as the reference for Switchyard's SigV4 presigner.

  botocore_presign.py generate [--seed N] [--count M]   print M random cases (JSON list), fixed seed
  botocore_presign.py presign  < cases.json              print botocore's URL for each case (JSON list)
  botocore_presign.py bench [--seconds S]                url=<check URL>, anchor=<generate_presigned_url calls/s>

How the time is fixed: the URLs come from botocore's real code path,
`client.generate_presigned_url(...)` on an s3 client (signature_version s3v4, the case's
addressing style and endpoint), with `botocore.auth.get_current_datetime` patched to return the
case's time. That keeps botocore's own key serialisation (quote with safe '/~'), endpoint
resolution and parameter ordering, which calling S3SigV4QueryAuth by hand would bypass.

Case fields: method GET|PUT|HEAD|DELETE, bucket, key, region, addressing virtual|path,
endpoint null|{scheme,host,port}, expires (s), time (Unix s), access_key, secret_key,
session_token|null, headers [[name, value]...], query [[name, value]...] (in the order botocore
emits them). Headers and query parameters are produced from operation parameters
(ContentType, Metadata, Range, ResponseContentDisposition, VersionId...), so they are only those
botocore can send.
"""
import datetime
import json
import random
import sys
import time
from unittest import mock

import botocore.session
from botocore.config import Config

OPERATIONS = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}

# Operation parameter -> (location, wire name) for the parameters the generator uses.
HEADER_PARAMS = {
    "GET": {"Range": "Range", "IfMatch": "If-Match", "IfNoneMatch": "If-None-Match"},
    "HEAD": {"Range": "Range", "IfMatch": "If-Match"},
    "PUT": {"ContentType": "Content-Type", "CacheControl": "Cache-Control",
            "ContentDisposition": "Content-Disposition", "StorageClass": "x-amz-storage-class"},
    "DELETE": {},
}
QUERY_PARAMS = {
    "GET": {"ResponseContentType": "response-content-type", "ResponseContentDisposition": "response-content-disposition",
            "ResponseCacheControl": "response-cache-control", "VersionId": "versionId", "PartNumber": "partNumber"},
    "HEAD": {"VersionId": "versionId", "PartNumber": "partNumber"},
    "PUT": {},
    "DELETE": {"VersionId": "versionId"},
}

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1", "ap-northeast-1"]
# The characters that break other SDKs' keys, plus non-ASCII of 2, 3 and 4 UTF-8 bytes.
KEY_CHARS = list("abcXYZ019-_.~ +=@[]%/!*'()&$,:;?#\"<>^`{}|\\") + ["é", "ü", "Ω", "ሴ", "日本", "😀", "\t"]
KEY_SPECIALS = ["a//b", "../x", "./", "/lead", "trail/", "%2F", "%20", "a+b", "x=y", "~user", "[0]", "@home"]
CREDENTIALS = [
    ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None),
    ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
    ("ASIAQWERTYUIOP123456", "abc+/def=ghi+/jkl0123456789ABCDEFGHIJKLM",
     "FwoGZXIvYXdzEFQaDH+/token/with+plus/and=equals=="),
    ("ASIAZXCVBNMASDFGHJKL", "0000000000111111111122222222223333333333", "IQoJb3JpZ2luX2VjE//////////wEaCXVz"),
]
ENDPOINTS = [
    ({"scheme": "http", "host": "127.0.0.1", "port": 9000}, "path"),
    ({"scheme": "https", "host": "storage.example.com", "port": None}, "virtual"),
    ({"scheme": "https", "host": "storage.example.com", "port": 8443}, "path"),
]
VALUE_CHARS = list("abcXYZ019 -_.;=/\"'()+,:") + ["  "]


def random_text(rng, chars, low, high):
    return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))


def random_key(rng):
    parts = [random_text(rng, KEY_CHARS, 0, 12) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        parts.insert(rng.randint(0, len(parts)), rng.choice(KEY_SPECIALS))
    key = "".join(parts)
    return key if key else "k"


def random_bucket(rng):
    inner = random_text(rng, list("abcdefghijklmnopqrstuvwxyz0123456789-"), 1, 20)
    return rng.choice("abcxyz019") + inner + rng.choice("abcxyz019")


_session = None


def session():
    # One session: each new one loads the service models again, which takes most of a second.
    global _session
    if _session is None:
        _session = botocore.session.get_session()
    return _session


def query_order(method):
    """The order botocore serialises query parameters: the input shape's member order."""
    name = "".join(w.capitalize() for w in OPERATIONS[method].split("_"))  # get_object -> GetObject
    model = session().get_service_model("s3").operation_model(name)
    return [m for m in model.input_shape.members]


def generate(seed, count):
    rng = random.Random(seed)
    order = {m: query_order(m) for m in OPERATIONS}
    cases = []
    for i in range(count):
        method = rng.choice(list(OPERATIONS))
        access, secret, token = rng.choice(CREDENTIALS)
        endpoint, addressing = None, rng.choice(["virtual", "path"])
        if rng.random() < 0.2:
            endpoint, addressing = rng.choice(ENDPOINTS)
        params = {}
        for name in HEADER_PARAMS[method]:
            if rng.random() < 0.3:
                if name == "Range":
                    params[name] = "bytes=%d-%d" % (rng.randint(0, 99), rng.randint(100, 9999))
                elif name == "StorageClass":
                    params[name] = rng.choice(["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA"])
                else:
                    value = random_text(rng, VALUE_CHARS, 1, 24)
                    if value == "application/x-www-form-urlencoded; charset=utf-8":
                        value = "text/plain"  # botocore drops exactly this presign content type
                    params[name] = value
        metadata = {}
        if method == "PUT" and rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                metadata[random_text(rng, list("abcxyz0189-"), 1, 10)] = random_text(rng, VALUE_CHARS, 0, 20)
        for name in QUERY_PARAMS[method]:
            if rng.random() < 0.3:
                if name == "PartNumber":
                    params[name] = rng.randint(1, 10000)
                else:
                    params[name] = random_text(rng, KEY_CHARS, 1, 20)
        headers = [[HEADER_PARAMS[method][n], str(params[n])] for n in order[method] if n in HEADER_PARAMS[method] and n in params]
        headers += [["x-amz-meta-" + k, v] for k, v in metadata.items()]
        query = [[QUERY_PARAMS[method][n], str(params[n])] for n in order[method] if n in QUERY_PARAMS[method] and n in params]
        when = rng.choice([
            rng.randint(946684800, 4102444799),  # 2000 ... 2099
            rng.randint(946684800, 4102444799),
            951868799, 951868800, 1709251199, 1709251200,  # around 2000-02-29 and 2024-02-29
        ])
        cases.append({
            "id": i, "method": method, "bucket": random_bucket(rng), "key": random_key(rng),
            "region": rng.choice(REGIONS), "addressing": addressing, "endpoint": endpoint,
            "expires": rng.choice([1, 60, 3600, 86400, 604800, rng.randint(1, 604800)]), "time": when,
            "access_key": access, "secret_key": secret, "session_token": token,
            "headers": headers, "query": query,
            "_params": params, "_metadata": metadata,
        })
    for c in cases:  # the Swift side needs only the wire view; params are rebuilt in presign()
        del c["_params"], c["_metadata"]
    return cases


def params_for(case):
    """Operation parameters that make botocore send exactly the case's headers and query."""
    method = case["method"]
    by_header = {v.lower(): k for k, v in HEADER_PARAMS[method].items()}
    by_query = {v: k for k, v in QUERY_PARAMS[method].items()}
    params = {"Bucket": case["bucket"], "Key": case["key"]}
    metadata = {}
    for name, value in case["headers"]:
        if name.lower().startswith("x-amz-meta-"):
            metadata[name[len("x-amz-meta-"):]] = value
        else:
            params[by_header[name.lower()]] = value
    if metadata:
        params["Metadata"] = metadata
    for name, value in case["query"]:
        params[by_query[name]] = int(value) if by_query[name] == "PartNumber" else value
    return params


_clients = {}


def client_for(case):
    endpoint = case["endpoint"]
    url = None
    if endpoint:
        url = "%s://%s%s" % (endpoint["scheme"], endpoint["host"], ":%d" % endpoint["port"] if endpoint["port"] else "")
    key = (case["region"], case["addressing"], url, case["access_key"], case["secret_key"], case["session_token"])
    if key not in _clients:
        _clients[key] = session().create_client(
            "s3", region_name=case["region"], endpoint_url=url,
            aws_access_key_id=case["access_key"], aws_secret_access_key=case["secret_key"],
            aws_session_token=case["session_token"],
            config=Config(signature_version="s3v4", s3={"addressing_style": case["addressing"]}))
    return _clients[key]


def presign(cases):
    out = []
    for case in cases:
        moment = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).replace(tzinfo=None)
        try:
            with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
                url = client_for(case).generate_presigned_url(
                    OPERATIONS[case["method"]], Params=params_for(case), ExpiresIn=case["expires"])
            out.append({"id": case["id"], "url": url})
        except Exception as e:  # reported per case; the Swift test fails on it
            out.append({"id": case["id"], "error": "%s: %s" % (type(e).__name__, e)})
    return out


def bench(seconds):
    """The same workload as Benchmarks/Sources/BenchSigV4: prints url=<first URL at the pinned
    time> and anchor=<generate_presigned_url calls per second> (time not pinned while timing,
    so botocore runs exactly as in production)."""
    client = session().create_client("s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                                     aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
    keys = ["photos/2026/img %04d+v=1.jpg" % i for i in range(1000)]
    with mock.patch("botocore.auth.get_current_datetime", return_value=datetime.datetime(2015, 8, 30, 12, 36, 0)):
        print("url=" + client.generate_presigned_url(
            "get_object", Params={"Bucket": "examplebucket", "Key": keys[0]}, ExpiresIn=3600))
    n, start = 0, time.perf_counter()
    while True:
        for k in keys[:100]:
            client.generate_presigned_url("get_object", Params={"Bucket": "examplebucket", "Key": k}, ExpiresIn=3600)
        n += 100
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            print("anchor=%d" % round(n / elapsed))
            return


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    def option(name, default):
        return type(default)(args[args.index(name) + 1]) if name in args else default
    if command == "generate":
        json.dump(generate(option("--seed", 20260829), option("--count", 1000)), sys.stdout, ensure_ascii=False)
    elif command == "presign":
        json.dump(presign(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
    elif command == "bench":
        bench(option("--seconds", 3.0))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
