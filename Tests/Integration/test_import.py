"""`trailkeeper import` of real CloudTrail logs (Invictus IR data set), from disk and from S3 (moto)."""
import gzip
import json
import os
import subprocess
import uuid

import boto3
import pytest

from conftest import BIN, shared_data


def invictus_files():
    base = os.path.join(shared_data(), "invictus-ir-aws-dataset")
    files = []
    for root, _, names in os.walk(base):
        files += [os.path.join(root, n) for n in names if n.endswith(".json")]
    return sorted(files)


def original_records(files):
    """Each record with its exact original bytes (the files are AWS's compact one-line JSON)."""
    records = []
    for path in files:
        raw = open(path, "rb").read()
        decoder = json.JSONDecoder()
        text = raw.decode()
        start = text.index("[", text.index('"Records"')) + 1
        while True:
            while text[start] in " \n\r\t,":
                start += 1
            if text[start] == "]":
                break
            obj, end = decoder.raw_decode(text, start)
            records.append((obj, text[start:end].encode()))
            start = end
    return records


def run_import(server, *sources, env_extra=None):
    env = server.env()
    env.update(env_extra or {})
    result = subprocess.run([BIN, "import", *sources, "--endpoint", server.endpoint, "--quiet"],
                            env=env, capture_output=True, text=True, timeout=300)
    summary = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line and not line.startswith(" "))
    return result, summary


def test_invictus_import_is_complete_and_byte_identical(make_server):
    server = make_server("--retention-days", "100000")
    files = invictus_files()
    originals = original_records(files)
    assert len(originals) == 2900
    result, summary = run_import(server, os.path.join(shared_data(), "invictus-ir-aws-dataset"))
    assert result.returncode == 0, result.stderr + result.stdout
    assert summary["files"] == str(len(files))
    assert summary["events"] == "2900" and summary["stored"] == "2900" and summary["rejected"] == "0"

    again, summary2 = run_import(server, os.path.join(shared_data(), "invictus-ir-aws-dataset"))
    assert again.returncode == 0 and summary2["duplicates"] == "2900" and summary2["stored"] == "0"

    for obj, raw in originals:
        r = server.signed("GET", f"/v1/events/{obj['eventID']}")
        assert r.status_code == 200 and r.content == raw, obj["eventID"]

    # Event history: management events of each region, looked up by EventId with a client
    # signed for that region, carry the record byte for byte.
    clients = {}
    checked = 0
    for obj, raw in originals:
        if obj.get("managementEvent") is False or obj.get("eventCategory", "Management") != "Management":
            continue
        region = obj["awsRegion"]
        client = clients.setdefault(region, server.client(region=region))
        events = client.lookup_events(LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": obj["eventID"]}],
                                      StartTime=0)["Events"]
        assert len(events) == 1, obj["eventID"]
        assert events[0]["CloudTrailEvent"].encode() == raw
        assert json.loads(events[0]["CloudTrailEvent"]) == obj
        checked += 1
    assert checked > 2000


def test_import_from_s3(make_server):
    moto = os.environ.get("MOTO_ENDPOINT")
    if not moto:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("MOTO_ENDPOINT is not set")
        pytest.skip("needs moto server (MOTO_ENDPOINT)")
    server = make_server("--retention-days", "100000")
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    bucket = "trail-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket)
    files = invictus_files()[:2]
    plain = open(files[0], "rb").read()
    s3.put_object(Bucket=bucket, Key="AWSLogs/123/CloudTrail/us-east-1/2023/07/10/a b.json", Body=plain)
    s3.put_object(Bucket=bucket, Key="AWSLogs/123/CloudTrail/us-east-1/2023/07/10/second.json.gz",
                  Body=gzip.compress(open(files[1], "rb").read()))
    expected = len(json.loads(plain)["Records"]) + len(json.loads(open(files[1], "rb").read())["Records"])
    # moto accepts any key, so the server's credentials (the shared file) sign both sides.
    result, summary = run_import(server, f"s3://{bucket}/AWSLogs/", env_extra={"AWS_ENDPOINT_URL_S3": moto})
    assert result.returncode == 0, result.stderr + result.stdout
    assert summary["files"] == "2" and summary["stored"] == str(expected)
