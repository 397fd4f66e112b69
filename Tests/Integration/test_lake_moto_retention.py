"""CloudTrail Lake against real components: an import of the Invictus IR trail (real delivered CloudTrail files,
gzipped into their real key layout) from a bucket on moto S3 (`s3-endpoint`), answers checked against the records
themselves; retention judged on eventTime; advanced event selectors routing live events into stores."""
import gzip
import json
import os
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from conftest import ACCOUNT, record

MOTO = os.environ.get("MOTO_ENDPOINT")
DATA = os.environ.get("TRAILKEEPER_SHARED_DATA", "/work/shared/data")
INVICTUS = os.path.join(DATA, "invictus-ir-aws-dataset", "CloudTrail")


def query(client, sql):
    qid = client.start_query(QueryStatement=sql)["QueryId"]
    deadline = time.time() + 120
    while True:
        d = client.describe_query(QueryId=qid)
        if d["QueryStatus"] not in ("QUEUED", "RUNNING"):
            break
        assert time.time() < deadline
        time.sleep(0.1)
    assert d["QueryStatus"] == "FINISHED", d
    rows, token = [], None
    while True:
        page = client.get_query_results(QueryId=qid, **({"NextToken": token} if token else {}))
        rows += [[list(c.values())[0] for c in r] for r in page.get("QueryResultRows", [])]
        token = page.get("NextToken")
        if not token:
            return rows


def wait_rows(client, sql, want, timeout=30):
    deadline = time.time() + timeout
    while True:
        rows = query(client, sql)
        if rows == want or time.time() > deadline:
            return rows
        time.sleep(0.3)


@pytest.fixture
def moto():
    if not MOTO:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("MOTO_ENDPOINT is required")
        pytest.skip("MOTO_ENDPOINT not set")
    return MOTO


def test_import_of_the_invictus_trail_from_moto(moto, make_server, monkeypatch, tmp_path):
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    bucket = f"invictus-{int(time.time() * 1000)}"
    s3.create_bucket(Bucket=bucket)
    records = []
    for name in sorted(os.listdir(INVICTUS)):
        body = open(os.path.join(INVICTUS, name), "rb").read()
        records += json.loads(body)["Records"]
        # <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json → the key CloudTrail delivered it under.
        account, _, region, stamp, _ = name.split("_", 4)
        key = f"AWSLogs/{account}/CloudTrail/{region}/{stamp[0:4]}/{stamp[4:6]}/{stamp[6:8]}/{name}.gz"
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(body))
    assert len(records) == 2900
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    config = tmp_path / "config.yaml"
    config.write_text(f"s3-endpoint: {moto}\n")
    server = make_server("--config", str(config))
    client = server.client()
    store = client.create_event_data_store(
        Name="invictus", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": "invictus"}])
    started = json.loads(server.aws(
        "cloudtrail", "start-import", "--destinations", store["EventDataStoreArn"], "--import-source",
        json.dumps({"S3": {"S3LocationUri": f"s3://{bucket}/AWSLogs/", "S3BucketRegion": "us-east-1",
                           "S3BucketAccessRoleArn": f"arn:aws:iam::{ACCOUNT}:role/import"}})).stdout)
    deadline = time.time() + 120
    while True:
        job = client.get_import(ImportId=started["ImportId"])
        if job["ImportStatus"] not in ("INITIALIZING", "IN_PROGRESS"):
            break
        assert time.time() < deadline, job
        time.sleep(0.3)
    assert job["ImportStatus"] == "COMPLETED", job
    assert job["ImportStatistics"]["FilesCompleted"] == 55
    assert job["ImportStatistics"]["EventsCompleted"] == 2900
    assert client.list_import_failures(ImportId=started["ImportId"])["Failures"] == []

    assert query(client, "SELECT count(*) FROM invictus") == [["2900"]]
    by_name = Counter(r["eventName"] for r in records)
    rows = query(client, "SELECT eventName, count(*) AS n FROM invictus GROUP BY eventName ORDER BY n DESC, eventName")
    assert {name: int(n) for name, n in rows} == dict(by_name)
    assert [int(n) for _, n in rows] == sorted(by_name.values(), reverse=True)
    errors = Counter(r["errorCode"] for r in records if r.get("errorCode"))
    rows = query(client, "SELECT errorCode, count(*) FROM invictus WHERE errorCode IS NOT NULL GROUP BY errorCode")
    assert {code: int(n) for code, n in rows} == dict(errors)
    buckets = Counter((r.get("requestParameters") or {}).get("bucketName") for r in records
                      if r["eventSource"] == "s3.amazonaws.com" and (r.get("requestParameters") or {}).get("bucketName"))
    rows = query(client, "SELECT element_at(requestParameters, 'bucketName') AS b, count(*) FROM invictus "
                         "WHERE eventSource = 's3.amazonaws.com' AND element_at(requestParameters, 'bucketName') IS NOT NULL "
                         "GROUP BY element_at(requestParameters, 'bucketName')")
    assert {b: int(n) for b, n in rows} == dict(buckets)
    users = Counter(r["userIdentity"].get("arn") for r in records
                    if r["userIdentity"].get("type") == "IAMUser" and "2023-07-10T12:00:00Z" <= r["eventTime"] < "2023-07-10T12:10:00Z")
    rows = query(client, "SELECT userIdentity.arn, count(*) FROM invictus WHERE userIdentity.type = 'IAMUser' "
                         "AND eventTime >= '2023-07-10 12:00:00' AND eventTime < '2023-07-10 12:10:00' GROUP BY 1")
    assert {a: int(n) for a, n in rows} == dict(users)


def test_retention_is_judged_on_event_time(server):
    client = server.client()
    client.create_event_data_store(Name="week", RetentionPeriod=7, TerminationProtectionEnabled=False,
                                   TagsList=[{"Key": "trailkeeper:table-alias", "Value": "week"}])
    client.create_event_data_store(Name="decade", RetentionPeriod=3653, TerminationProtectionEnabled=False,
                                   TagsList=[{"Key": "trailkeeper:table-alias", "Value": "decade"}])
    now = datetime.now(timezone.utc)
    old = [record("CreateUser", "iam.amazonaws.com", read_only=False, when=now - timedelta(days=d)) for d in (8, 30, 400)]
    recent = [record("CreateUser", "iam.amazonaws.com", read_only=False, when=now - timedelta(days=d)) for d in (0, 1, 6)]
    server.ingest(old + recent)
    assert wait_rows(client, "SELECT count(*) FROM decade", [["6"]]) == [["6"]]
    # Events outside a 7-day retention never enter the store.
    assert query(client, "SELECT count(*) FROM week") == [["3"]]
    want = sorted(r["eventID"] for r in recent)
    assert sorted(r[0] for r in query(client, "SELECT eventID FROM week")) == want


def test_advanced_selectors_route_live_events(server):
    client = server.client()
    client.create_event_data_store(
        Name="writes", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": "writes"}],
        AdvancedEventSelectors=[{"Name": "write management events", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}])
    client.create_event_data_store(
        Name="s3data", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": "s3data"}],
        AdvancedEventSelectors=[{"Name": "S3 data events", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}])
    client.create_event_data_store(
        Name="bob", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": "bob"}],
        AdvancedEventSelectors=[{"Name": "bob", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "userIdentity.arn", "Equals": [f"arn:aws:iam::{ACCOUNT}:user/bob"]}]}])
    events = [record("DescribeInstances", read_only=True), record("RunInstances", read_only=False),
              record("CreateUser", "iam.amazonaws.com", read_only=False, user="bob"),
              record("GetObject", "s3.amazonaws.com", management=False,
                     resources=[{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/k"}]),
              record("ListUsers", "iam.amazonaws.com", read_only=True, user="bob")]
    events[3]["resources"] = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/k"}]
    server.ingest(events)
    assert sorted(r[0] for r in wait_rows(client, "SELECT eventName FROM writes ORDER BY eventName",
                                          [["CreateUser"], ["RunInstances"]])) == ["CreateUser", "RunInstances"]
    assert query(client, "SELECT eventName FROM s3data") == [["GetObject"]]
    assert sorted(r[0] for r in query(client, "SELECT eventName FROM bob")) == ["CreateUser", "ListUsers"]
