"""Builds CloudTrail-style digest chains in an S3 server, and fakes the CloudTrail JSON API.

Used by the validate-logs differential test and the validate-logs benchmark. The digests follow
spec §3 exactly: compact JSON serialized once, SHA-256 of those bytes, the four-line signing
string, RSA PKCS#1 v1.5 with SHA-256 (python-rsa, which the AWS CLI itself uses), one gzip member,
the signature in `x-amz-meta-signature`.
"""
import gzip
import hashlib
import json
import os
import random
import socket
import string
import subprocess
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import rsa
from fault_proxy import FaultProxy, Rule

ALGORITHM = "SHA256withRSA"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SigningKey:
    """An RSA key as CloudTrail publishes it: PKCS#1 DER, MD5 fingerprint, a validity window."""

    def __init__(self, bits=2048, valid_from=None, valid_to=None):
        self.public, self.private = rsa.newkeys(bits)
        self.der = self.public.save_pkcs1(format="DER")
        self.fingerprint = hashlib.md5(self.der).hexdigest()
        self.valid_from = valid_from or datetime(2024, 1, 1, tzinfo=timezone.utc)
        self.valid_to = valid_to or datetime(2025, 1, 1, tzinfo=timezone.utc)

    def sign(self, text):
        return rsa.sign(text.encode(), self.private, "SHA-256").hex()

    def list_entry(self):
        import base64
        return {"Value": base64.b64encode(self.der).decode(), "Fingerprint": self.fingerprint,
                "ValidityStartTime": int(self.valid_from.timestamp()), "ValidityEndTime": int(self.valid_to.timestamp())}


def records(count, when, region="us-east-1", account="111122223333"):
    out = []
    for i in range(count):
        out.append({
            "eventVersion": "1.09", "eventTime": iso(when - timedelta(seconds=i)), "eventSource": "ec2.amazonaws.com",
            "eventName": "DescribeInstances", "awsRegion": region, "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0", "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
            "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
            "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "accountId": account,
                             "arn": f"arn:aws:iam::{account}:user/alice", "userName": "alice"},
        })
    return out


class Trail:
    """One trail's layout: bucket, prefix, account, regions, organization."""

    def __init__(self, bucket, name="audit", account="111122223333", home="us-east-1", region=None, prefix=None,
                 org=None):
        self.bucket, self.name, self.account, self.home = bucket, name, account, home
        self.region = region or home
        self.prefix, self.org = prefix, org

    @property
    def arn(self):
        return f"arn:aws:cloudtrail:{self.home}:{self.account}:trail/{self.name}"

    def folder(self, kind):
        base = (self.prefix + "/" if self.prefix else "") + "AWSLogs/" + (self.org + "/" if self.org else "")
        return f"{base}{self.account}/{kind}/{self.region}"

    def log_key(self, when, unique):
        return (f"{self.folder('CloudTrail')}/{when:%Y/%m/%d}/{self.account}_CloudTrail_{self.region}_"
                f"{when:%Y%m%dT%H%MZ}_{unique}.json.gz")

    def digest_key(self, end, backfill=False):
        return (f"{self.folder('CloudTrail-Digest')}/{end:%Y/%m/%d}/{self.account}_CloudTrail-Digest_{self.region}_"
                f"{self.name}_{self.home}_{end:%Y%m%dT%H%M%SZ}" + ("_backfill" if backfill else "") + ".json.gz")

    def describe(self):
        entry = {"Name": self.name, "TrailARN": self.arn, "S3BucketName": self.bucket, "HomeRegion": self.home,
                 "IsOrganizationTrail": bool(self.org), "IsMultiRegionTrail": False, "LogFileValidationEnabled": True}
        if self.prefix:
            entry["S3KeyPrefix"] = self.prefix
        return entry


def digest_json(trail, start, end, key, fingerprint, previous, logs):
    d = {
        "awsAccountId": trail.account, "digestStartTime": iso(start), "digestEndTime": iso(end),
        "digestS3Bucket": trail.bucket, "digestS3Object": key, "digestPublicKeyFingerprint": fingerprint,
        "digestSignatureAlgorithm": ALGORITHM,
        "newestEventTime": max((l["newestEventTime"] for l in logs), default=None),
        "oldestEventTime": min((l["oldestEventTime"] for l in logs), default=None),
        "previousDigestS3Bucket": previous["bucket"] if previous else None,
        "previousDigestS3Object": previous["key"] if previous else None,
        "previousDigestHashValue": previous["sha256"] if previous else None,
        "previousDigestHashAlgorithm": "SHA-256" if previous else None,
        "previousDigestSignature": previous["signature"] if previous else None,
        "logFiles": logs,
    }
    return json.dumps(d, separators=(",", ":")).encode()


def signing_string(raw, bucket, key):
    d = json.loads(raw)
    return "\n".join([d["digestEndTime"], f"{bucket}/{key}", hashlib.sha256(raw).hexdigest(),
                      d["previousDigestSignature"] or "null"])


def put_digest(s3, trail, key, raw, signing_key, backfill_generated=None, bucket=None):
    """Signs `raw` as the digest at `key` and stores it; returns its link for the next digest."""
    bucket = bucket or trail.bucket
    signature = signing_key.sign(signing_string(raw, bucket, key))
    metadata = {"signature": signature, "signature-algorithm": ALGORITHM}
    if backfill_generated:
        metadata["backfill-generation-timestamp"] = iso(backfill_generated)
    s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(raw), Metadata=metadata)
    return {"bucket": bucket, "key": key, "sha256": hashlib.sha256(raw).hexdigest(), "signature": signature}


def build_chain(s3, trail, signing_key, first_end, hours, logs_per_hour, records_per_log=5, previous=None,
                start=None, seed=1):
    """Hourly digests ending at `first_end`, `first_end + 1h`, …, each listing `logs_per_hour` new logs.

    Returns {"digests": [keys oldest first], "logs": [keys], "last": link of the newest digest}.
    """
    rng = random.Random(seed)
    digests, all_logs = [], []
    start = start or first_end - timedelta(hours=1)
    for h in range(hours):
        end = first_end + timedelta(hours=h)
        entries = []
        for i in range(logs_per_hour):
            delivered = start + (end - start) * (i + 1) / (logs_per_hour + 1)
            delivered = delivered.replace(microsecond=0)
            unique = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
            key = trail.log_key(delivered, unique)
            body = json.dumps({"Records": records(records_per_log, delivered, trail.region, trail.account)},
                              separators=(",", ":")).encode()
            s3.put_object(Bucket=trail.bucket, Key=key, Body=gzip.compress(body))
            entries.append({"s3Bucket": trail.bucket, "s3Object": key, "hashValue": hashlib.sha256(body).hexdigest(),
                            "hashAlgorithm": "SHA-256", "newestEventTime": iso(delivered),
                            "oldestEventTime": iso(delivered - timedelta(seconds=records_per_log - 1))})
            all_logs.append(key)
        key = trail.digest_key(end)
        raw = digest_json(trail, start, end, key, signing_key.fingerprint, previous, entries)
        previous = put_digest(s3, trail, key, raw, signing_key)
        digests.append(key)
        start = end
    return {"digests": digests, "logs": all_logs, "last": previous}


class FakeCloudTrail:
    """A CloudTrail (and Organizations) JSON 1.1 endpoint answering DescribeTrails, ListPublicKeys and
    DescribeOrganization from fixed data, on a loopback port, in a thread."""

    def __init__(self, trails, keys, organization_id=None):
        self.trails, self.keys, self.organization_id = trails, keys, organization_id
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
                if op == "DescribeTrails":
                    out = {"trailList": [t.describe() for t in fake.trails]}
                elif op == "ListPublicKeys":
                    lo, hi = body.get("StartTime", 0), body.get("EndTime", 2**40)
                    out = {"PublicKeyList": [k.list_entry() for k in fake.keys
                                             if k.valid_from.timestamp() <= hi and k.valid_to.timestamp() >= lo]}
                elif op == "DescribeOrganization" and fake.organization_id:
                    out = {"Organization": {"Id": fake.organization_id, "FeatureSet": "ALL"}}
                else:
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(json.dumps({"__type": "UnknownOperationException", "message": op}).encode())
                    return
                data = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Moto:
    """The moto server named by MOTO_ENDPOINT, or one started here on a free port."""

    def __init__(self):
        self.proc = None
        self.endpoint = os.environ.get("MOTO_ENDPOINT")
        if not self.endpoint:
            port = free_port()
            self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.endpoint = f"http://127.0.0.1:{port}"
            import urllib.request
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1)
                    break
                except Exception:
                    time.sleep(0.2)
            else:
                raise RuntimeError("moto_server did not start")

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def close(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait(timeout=10)


def cli_env(moto_endpoint, **extra):
    """The environment both tools run in: dummy credentials, S3 at moto, nothing from the user's setup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_ENDPOINT_URL_S3=moto_endpoint)
    env.update(extra)
    return env


class FaultyS3(FaultProxy):
    """A proxy in front of an S3 server that answers chosen keys with an S3 error (GET only, as validate-logs needs)."""

    def __init__(self, upstream):
        self.faults = {}  # "/bucket/key" -> (status, code, message)
        self.hits = {}
        super().__init__(upstream)

    def decide(self, method, path, headers):
        if method != "GET" or path not in self.faults:
            return None
        self.hits[path] = self.hits.get(path, 0) + 1
        status, code, message = self.faults[path]
        return Rule("error", status=status, code=code, message=message)
