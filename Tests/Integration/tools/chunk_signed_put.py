"""PutObject with a body sent in signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]).

botocore never sends such bodies, so this is an independent client: SigV4 with hmac/hashlib, the seed
signature over the literal STREAMING-... payload hash, then each chunk's signature chained from the one
before ("AWS4-HMAC-SHA256-PAYLOAD\\n<date>\\n<scope>\\n<previous>\\n<sha256('')>\\n<sha256(chunk)>") and, with
trailers, "AWS4-HMAC-SHA256-TRAILER\\n<date>\\n<scope>\\n<previous>\\n<sha256(trailer lines)>".

    python3 chunk_signed_put.py ENDPOINT BUCKET KEY FILE [--trailer-crc32]
uses AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION.
"""
import base64
import datetime
import hashlib
import hmac
import os
import sys
import urllib.parse
import zlib

import requests

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _hmac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256)


def signing_key(secret, day, region, service):
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = _hmac(key, part).digest()
    return key


def seed_signature(key, amz_date, scope, method, path, headers, payload_hash):
    """The request's signature; `headers` maps lowercase names to values, all of them signed."""
    names = sorted(headers)
    canonical = "\n".join([
        method, path, "",
        "".join(f"{name}:{' '.join(str(headers[name]).split())}\n" for name in names),
        ";".join(names), payload_hash,
    ])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return _hmac(key, to_sign).hexdigest(), ";".join(names)


def chunk_signature(key, amz_date, scope, previous, chunk):
    to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256,
                         hashlib.sha256(chunk).hexdigest()])
    return _hmac(key, to_sign).hexdigest()


def trailer_signature(key, amz_date, scope, previous, fields):
    lines = "".join(f"{name.lower()}:{value}\n" for name, value in fields)
    to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                         hashlib.sha256(lines.encode()).hexdigest()])
    return _hmac(key, to_sign).hexdigest()


def signed_chunked_request(host, path, data, access_key, secret, region="us-east-1", chunk_size=65536, trailer=None,
                           when=None, extra_headers=None):
    """Headers and aws-chunked body of a PUT of `data`; `trailer` is a list of (name, value)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    key = signing_key(secret, amz_date[:8], region, "s3")
    trailer = trailer or []
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if trailer else "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]

    length = sum(len(f"{len(c):x};chunk-signature=") + 64 + 2 + (len(c) + 2 if c else 0) for c in chunks)
    length += sum(len(name) + 1 + len(value) + 2 for name, value in trailer)
    length += (len("x-amz-trailer-signature:") + 64 + 2 if trailer else 0) + 2
    headers = {
        "host": host, "content-encoding": "aws-chunked", "content-length": str(length),
        "x-amz-content-sha256": mode, "x-amz-date": amz_date, "x-amz-decoded-content-length": str(len(data)),
    }
    headers.update({k.lower(): v for k, v in (extra_headers or {}).items()})
    if trailer:
        headers["x-amz-trailer"] = ",".join(name for name, _ in trailer)
    seed, signed = seed_signature(key, amz_date, scope, "PUT", path, headers, mode)
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, "
                                f"Signature={seed}")

    body = bytearray()
    previous = seed
    for chunk in chunks:
        previous = chunk_signature(key, amz_date, scope, previous, chunk)
        body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode()
        if chunk:
            body += chunk + b"\r\n"
    if trailer:
        for name, value in trailer:
            body += f"{name}:{value}\r\n".encode()
        body += f"x-amz-trailer-signature:{trailer_signature(key, amz_date, scope, previous, trailer)}\r\n".encode()
    body += b"\r\n"
    assert len(body) == length
    return headers, bytes(body), seed


def crc32_base64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def put_chunk_signed(endpoint, bucket, key, data, access_key, secret, region="us-east-1", chunk_size=65536,
                     trailer_crc32=False, tamper=None):
    """Sends the PUT; `tamper(body) -> body` may change the encoded body first. Returns the response."""
    parsed = urllib.parse.urlsplit(endpoint)
    path = "/" + urllib.parse.quote(bucket, safe="") + "/" + urllib.parse.quote(key, safe="/~")
    trailer = [("x-amz-checksum-crc32", crc32_base64(data))] if trailer_crc32 else None
    headers, body, _ = signed_chunked_request(parsed.netloc, path, data, access_key, secret, region, chunk_size, trailer)
    if tamper:
        body = tamper(body)
    headers.pop("host")
    return requests.put(endpoint.rstrip("/") + path, data=body, headers=headers, timeout=60)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    endpoint, bucket, key, file = sys.argv[1:5]
    with open(file, "rb") as f:
        payload = f.read()
    response = put_chunk_signed(endpoint, bucket, key, payload, os.environ["AWS_ACCESS_KEY_ID"],
                                os.environ["AWS_SECRET_ACCESS_KEY"], os.environ.get("AWS_REGION", "us-east-1"),
                                trailer_crc32="--trailer-crc32" in sys.argv[5:])
    print(response.status_code, response.headers.get("ETag"), response.text)
    sys.exit(0 if response.status_code == 200 else 1)
