"""CloudTrail Lake imports through the real AWS CLI: StartImport from a bucket of the embedded object store holding
a real trail layout, GetImport statistics, ListImportFailures entries, retry, StopImport and ListImports."""
import gzip
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from trail_fixture import Trail, records  # noqa: E402

ACCOUNT = "111122223333"


def cli(server, *args, check=True):
    result = server.aws("cloudtrail", *args, check=check)
    return json.loads(result.stdout) if check and result.stdout.strip() else result


def wait_for(server, import_id, statuses=("COMPLETED", "FAILED", "STOPPED")):
    deadline = time.time() + 30
    while time.time() < deadline:
        job = cli(server, "get-import", "--import-id", import_id)
        if job["ImportStatus"] in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(f"import {import_id} did not finish: {job}")


def bucket_with_trail(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="history")
    trail = Trail("history")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    keys = []
    for hour in range(2):
        when = now - timedelta(hours=hour + 1)
        key = trail.log_key(when, f"file{hour}")
        s3.put_object(Bucket="history", Key=key, Body=gzip.compress(json.dumps({"Records": records(5, when)}).encode()))
        keys.append(key)
    bad = trail.log_key(now - timedelta(hours=3), "corrupt")
    s3.put_object(Bucket="history", Key=bad, Body=b"\x1f\x8bnot really gzip")
    plain = trail.log_key(now - timedelta(hours=3), "plain")[: -len(".gz")]
    s3.put_object(Bucket="history", Key=plain, Body=json.dumps({"Records": records(1, now)}).encode())
    digest = trail.digest_key(now)
    s3.put_object(Bucket="history", Key=digest, Body=gzip.compress(b"{}"))
    return keys, bad, plain


def source(uri="s3://history/AWSLogs/"):
    return json.dumps({"S3": {"S3LocationUri": uri, "S3BucketRegion": "us-east-1",
                              "S3BucketAccessRoleArn": f"arn:aws:iam::{ACCOUNT}:role/import"}})


def test_import_statistics_failures_and_retry(server):
    keys, bad, plain = bucket_with_trail(server)
    store = cli(server, "create-event-data-store", "--name", "history-store")["EventDataStoreArn"]
    started = cli(server, "start-import", "--destinations", store, "--import-source", source())
    assert started["ImportStatus"] == "INITIALIZING"
    assert started["Destinations"] == [store]
    job = wait_for(server, started["ImportId"])
    assert job["ImportStatus"] == "FAILED"
    stats = job["ImportStatistics"]
    assert stats["FilesCompleted"] == 2 and stats["EventsCompleted"] == 10 and stats["FailedEntries"] == 2

    failures = cli(server, "list-import-failures", "--import-id", started["ImportId"])["Failures"]
    assert {f["Location"] for f in failures} == {f"s3://history/{bad}", f"s3://history/{plain}"}
    assert all(f["Status"] == "FAILED" for f in failures)
    assert {f["ErrorType"] for f in failures} == {"InvalidFileFormat", "UnsupportedFileFormat"}

    retried = cli(server, "start-import", "--import-id", started["ImportId"])
    assert retried["ImportId"] == started["ImportId"]
    wait_for(server, started["ImportId"])

    listed = cli(server, "list-imports", "--destination", store)["Imports"]
    assert [i["ImportId"] for i in listed] == [started["ImportId"]]


def test_time_range_prunes_events(server):
    bucket_with_trail(server)
    store = cli(server, "create-event-data-store", "--name", "ranged")["EventDataStoreArn"]
    now = datetime.now(timezone.utc)
    start = int((now - timedelta(hours=1, minutes=30)).timestamp())
    started = cli(server, "start-import", "--destinations", store, "--import-source", source(),
                  "--start-event-time", str(start), "--end-event-time", str(int(now.timestamp())))
    job = wait_for(server, started["ImportId"])
    assert job["ImportStatistics"]["EventsCompleted"] == 5


def test_import_refusals(server):
    store = cli(server, "create-event-data-store", "--name", "target")["EventDataStoreArn"]
    missing = cli(server, "start-import", "--destinations", store, "--import-source", source("s3://no-such-bucket/"),
                  check=False)
    assert missing.returncode != 0 and "InvalidImportSourceException" in missing.stderr
    unknown = cli(server, "get-import", "--import-id", "00000000-0000-0000-0000-000000000000", check=False)
    assert unknown.returncode != 0 and "ImportNotFoundException" in unknown.stderr


def test_stop_import(server):
    bucket_with_trail(server)
    store = cli(server, "create-event-data-store", "--name", "stoppable")["EventDataStoreArn"]
    started = cli(server, "start-import", "--destinations", store, "--import-source", source())
    stopped = cli(server, "stop-import", "--import-id", started["ImportId"])
    assert stopped["ImportStatus"] in ("STOPPED", "COMPLETED", "FAILED")
    assert wait_for(server, started["ImportId"])["ImportStatus"] == stopped["ImportStatus"]
