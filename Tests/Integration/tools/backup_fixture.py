"""Helpers of the backup integration tests: CloudTrail-like objects dated in the past, the built
`trailkeeper backup` with its JSON report, and S3 listings."""
import datetime
import gzip
import json
import os
import subprocess
import uuid

ACCOUNT = "123456789012"


def log_objects(count, days_ago=100, records=20, seed=0):
    """(key, gzip body) pairs of CloudTrail log files dated `days_ago` days back, five minutes apart."""
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    for i in range(count):
        t = start + datetime.timedelta(minutes=5 * i)
        stamp = t.strftime("%Y%m%dT%H%MZ")
        folder = t.strftime(f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/%Y/%m/%d")
        body = {"Records": [{"eventVersion": "1.08", "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1",
                             "eventID": f"{seed}-{i}-{n}", "requestParameters": {"bucketName": "b", "key": f"k{n}"}}
                            for n in range(records)]}
        yield f"{folder}/{ACCOUNT}_CloudTrail_us-east-1_{stamp}_f{i:03d}.json.gz", gzip.compress(json.dumps(body).encode(), 1)


def put_logs(s3, bucket, count, **kw):
    keys = {}
    for key, body in log_objects(count, **kw):
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        keys[key] = body
    return keys


def write_logs(folder, count, days_ago=100, **kw):
    """Log files in a folder, their mtime `days_ago` days back."""
    files = {}
    when = (datetime.datetime.now() - datetime.timedelta(days=days_ago)).timestamp()
    for key, body in log_objects(count, days_ago=days_ago, **kw):
        path = os.path.join(folder, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
        os.utime(path, (when, when))
        files[key] = body
    return files


def bucket(s3, prefix="bk"):
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


def listing(s3, bucket, prefix=""):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"][len(prefix):] for o in page.get("Contents", [])]
    return sorted(keys)


def data_files(folder):
    """Relative paths of the files under `folder`, Trailkeeper's metadata folder left out."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not (d == ".trailkeeper" and root == folder)]
        out += [os.path.relpath(os.path.join(root, f), folder) for f in files]
    return sorted(out)


def backup(binary, args, env, timeout=300):
    """Runs `trailkeeper backup …`; returns (exit status, the JSON report or None, stderr)."""
    result = subprocess.run([binary, "backup"] + args, env=env, capture_output=True, text=True, timeout=timeout)
    report = None
    if result.stdout.strip().startswith("{"):
        report = json.loads(result.stdout)
    return result.returncode, report, result.stderr
