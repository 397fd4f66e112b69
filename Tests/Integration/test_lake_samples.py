"""The CloudTrail Lake sample queries of AWS's user guide (../shared/data/awsdocs-cloudtrail-user-guide-examples/lake-sql)
run unchanged against a live server and return the right answers.

The samples name their table with AWS's placeholders (`event_data_store_ID`, `eds-ID`, a UUID); the store carries
them as table aliases (tag `trailkeeper:table-alias`). Events are posted to the journal with historical eventTimes
and reach the store through live ingestion; every expected answer is computed here, independently, from the
posted records.
"""
import json
import os
import subprocess
import time
import uuid
from collections import Counter

import pytest

from conftest import ACCOUNT, BIN

SAMPLES = os.path.join(os.environ.get("TRAILKEEPER_SHARED_DATA", "/work/shared/data"),
                       "awsdocs-cloudtrail-user-guide-examples", "lake-sql")
ALIASES = "event_data_store_ID,eds-ID,5e2676f8-9fce-46ef-8142-3e36a94e6691"


def ev(name, when, source="s3.amazonaws.com", region="us-east-1", principal="AIDAEXAMPLEPRINCIPAL", user="alice",
       identity_type="IAMUser", request=None, response=None, event_id=None, read_only=False):
    identity = {"type": identity_type, "accountId": ACCOUNT}
    if identity_type == "AWSService":
        identity = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}
    else:
        identity.update(principalId=principal, arn=f"arn:aws:iam::{ACCOUNT}:user/{user}", userName=user)
    return {
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": when, "eventSource": source,
        "eventName": name, "awsRegion": region, "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
        "requestParameters": request, "responseElements": response, "requestID": str(uuid.uuid4()),
        "eventID": event_id or str(uuid.uuid4()), "readOnly": read_only, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }


def corpus():
    r = []
    # query-lake-examples__0: CreateBucket on 2023-01-22 with a principal id.
    r += [ev("CreateBucket", "2023-01-22T09:15:00Z", principal="principal_ID"),
          ev("CreateBucket", "2023-01-22T23:59:59Z", principal="AROAEXAMPLE:worker"),
          ev("CreateBucket", "2023-01-21T12:00:00Z", principal="principal_ID"),          # other day
          ev("CreateBucket", "2023-01-22T10:00:00Z", identity_type="AWSService")]         # no principal
    # query-lake-examples__2: bob on 2023-01-22 (the documented rows), bob the next day, alice the same day.
    r += [ev("DescribeQuery", "2023-01-22T16:53:53Z", source="cloudtrail.amazonaws.com", user="bob",
             event_id="0212ff1d-2e13-4a5c-9b2a-2e1c0e7ad8f0", read_only=True),
          ev("ListBuckets", "2023-01-22T20:25:01Z", user="bob", event_id="5d7f4b4e-8f23-4d6d-9fd1-3a9d0b8a3c21",
             read_only=True),
          ev("ListBuckets", "2023-01-23T00:00:01Z", user="bob", read_only=True),
          ev("ListBuckets", "2023-01-22T11:00:00Z", user="alice", read_only=True)]
    # query-lake-examples__6: ConsoleLogin in two of three regions.
    r += [ev("ConsoleLogin", "2022-02-08T19:54:44Z", source="signin.amazonaws.com", region="us-east-1",
             user="example-identity"),
          ev("ConsoleLogin", "2022-01-21T16:38:27Z", source="signin.amazonaws.com", region="us-west-2",
             user="example-identity"),
          ev("ConsoleLogin", "2022-01-21T16:40:00Z", source="signin.amazonaws.com", region="eu-west-1")]
    # query-create-edit-query__1: ConsoleLogin by principals with and without Alice.
    r += [ev("ConsoleLogin", "2022-01-10T08:00:00Z", source="signin.amazonaws.com", principal="AIDAAlice"),
          ev("ConsoleLogin", "2022-01-11T08:00:00Z", source="signin.amazonaws.com", principal="AIDAAlice"),
          ev("ConsoleLogin", "2022-01-12T08:00:00Z", source="signin.amazonaws.com", principal="AROAEXAMPLE:Alice"),
          ev("ConsoleLogin", "2022-01-12T09:00:00Z", source="signin.amazonaws.com", principal="AIDABob"),
          ev("GetUser", "2022-01-12T09:30:00Z", source="iam.amazonaws.com", principal="AIDAAlice", read_only=True)]
    # query-lake-examples__8: StartQuery with and without responseElements.
    r += [ev("StartQuery", "2023-01-10T10:00:00Z", source="cloudtrail.amazonaws.com",
             request={"queryStatement": "SELECT eventID FROM eds WHERE eventName = 'PutObject'"},
             response={"queryId": "6fd5a9a8-d30f-4ec5-b4d9-4f3a6f2d9f0e"}),
          ev("StartQuery", "2023-01-11T10:00:00Z", source="cloudtrail.amazonaws.com",
             request={"queryStatement": "SELECT count(*) FROM eds"}, response=None),
          ev("StartQuery", "2023-02-02T10:00:00Z", source="cloudtrail.amazonaws.com",
             request={"queryStatement": "SELECT 1 FROM eds"}, response={"queryId": "later"})]
    # query-lake-examples__4: distinct counts since 2023-01-01 (no ties among the top rows).
    r += [ev("PutObject", f"2023-03-01T00:{m:02d}:00Z") for m in range(6)]
    r += [ev("DescribeTable", f"2023-03-02T00:{m:02d}:00Z", source="dynamodb.amazonaws.com", read_only=True)
          for m in range(5)]
    r += [ev("AssumeRole", "2022-12-31T23:00:00Z", source="sts.amazonaws.com")]                  # before 2023
    return r


def ts(text):
    return text[:10] + " " + text[11:19] + ".000"


def expected(records):
    def when(rec):
        return ts(rec["eventTime"])[:19]
    out = {}
    out["query-lake-examples__0.sql"] = sorted(
        [[r["userIdentity"]["principalId"], r["eventName"]] for r in records
         if r["userIdentity"].get("principalId") and "2023-01-22 00:00:00" < when(r) < "2023-01-23 00:00:00"
         and r["eventName"] == "CreateBucket"])
    out["query-lake-examples__2.sql"] = sorted(
        [[r["eventID"], r["eventName"], r["eventSource"], ts(r["eventTime"])] for r in records
         if r["userIdentity"].get("userName") == "bob" and "2023-01-22 00:00:00" < when(r) < "2023-01-23 00:00:00"])
    counts = Counter((r["eventSource"], r["eventName"]) for r in records if when(r) > "2023-01-01 00:00:00")
    out["query-lake-examples__4.sql"] = sorted([[s, n, str(c)] for (s, n), c in counts.items()])
    out["query-lake-examples__6.sql"] = sorted(
        [[ts(r["eventTime"]), r["userIdentity"].get("arn"), r["awsRegion"]] for r in records
         if r["awsRegion"] in ("us-east-1", "us-west-2") and r["eventName"] == "ConsoleLogin"])
    out["query-lake-examples__8.sql"] = sorted(
        [[r["responseElements"]["queryId"], r["requestParameters"]["queryStatement"]] for r in records
         if r["eventName"] == "StartQuery" and r["eventSource"] == "cloudtrail.amazonaws.com"
         and r["responseElements"] is not None and "2023-01-01 00:00:00" < when(r) < "2023-02-01 00:00:00"])
    alice = Counter(r["userIdentity"]["principalId"] for r in records
                    if "Alice" in r["userIdentity"].get("principalId", "") and r["eventName"] == "ConsoleLogin")
    out["query-create-edit-query__1.sql"] = sorted([[p, str(c)] for p, c in alice.items()])
    out["query-create-edit-query__0.sql"] = sorted(
        r["eventID"] for r in records if "2022-01-05 13:51:00" <= when(r) <= "2022-01-19 13:51:00")
    return out


def run_query(client, sql, page=7):
    qid = client.start_query(QueryStatement=sql)["QueryId"]
    deadline = time.time() + 60
    while True:
        d = client.describe_query(QueryId=qid)
        if d["QueryStatus"] not in ("QUEUED", "RUNNING"):
            break
        assert time.time() < deadline, d
        time.sleep(0.05)
    assert d["QueryStatus"] == "FINISHED", d
    rows, token, columns = [], None, None
    while True:
        kw = {"QueryId": qid, "MaxQueryResults": page}
        if token:
            kw["NextToken"] = token
        result = client.get_query_results(**kw)
        for row in result.get("QueryResultRows", []):
            assert all(len(cell) == 1 for cell in row), row
            columns = [list(cell)[0] for cell in row]
            rows.append([list(cell.values())[0] for cell in row])
        token = result.get("NextToken")
        if not token:
            break
    assert result["QueryStatistics"]["TotalResultsCount"] == len(rows)
    return rows, columns, d


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    from conftest import Server
    server = Server(str(tmp_path_factory.mktemp("lake-samples"))).start()
    client = server.client()
    store = client.create_event_data_store(
        Name="samples", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": ALIASES}])
    records = corpus()
    server.ingest(records)
    deadline = time.time() + 30
    while True:
        rows, _, _ = run_query(client, "SELECT count(*) FROM event_data_store_ID")
        if rows == [[str(len(records))]]:
            break
        assert time.time() < deadline, rows
        time.sleep(0.2)
    yield server, client, store, records
    server.kill()


@pytest.mark.parametrize("name", sorted(os.listdir(SAMPLES)))
def test_sample_query_runs_unchanged_with_the_right_answer(lake, name):
    server, client, store, records = lake
    sql = open(os.path.join(SAMPLES, name)).read()
    rows, columns, described = run_query(client, sql)
    want = expected(records)[name]
    if name == "query-create-edit-query__0.sql":
        assert "eventid" in [c.lower() for c in columns]
        index = [c.lower() for c in columns].index("eventid")
        assert sorted(r[index] for r in rows) == want
        return
    if name == "query-lake-examples__4.sql":
        assert columns == ["eventSource", "eventName", "apiCount"]
        counts = [int(r[2]) for r in rows]
        assert counts == sorted(counts, reverse=True)          # ORDER BY apiCount DESC
    assert sorted(rows) == want
    stats = described["QueryStatistics"]
    assert stats["EventsScanned"] >= stats["EventsMatched"] >= 0


def test_sample_queries_through_the_aws_cli(lake):
    server, client, store, records = lake
    sql = open(os.path.join(SAMPLES, "query-lake-examples__2.sql")).read()
    started = json.loads(server.aws("cloudtrail", "start-query", "--query-statement", sql).stdout)
    qid = started["QueryId"]
    assert len(qid) == 36
    for _ in range(300):
        described = json.loads(server.aws("cloudtrail", "describe-query", "--query-id", qid).stdout)
        if described["QueryStatus"] not in ("QUEUED", "RUNNING"):
            break
        time.sleep(0.1)
    assert described["QueryStatus"] == "FINISHED"
    result = json.loads(server.aws("cloudtrail", "get-query-results", "--query-id", qid).stdout)
    rows = sorted([list(c.values())[0] for c in row] for row in result["QueryResultRows"])
    assert rows == expected(records)["query-lake-examples__2.sql"]
    assert [list(c)[0] for c in result["QueryResultRows"][0]] == ["eventID", "eventName", "eventSource", "eventTime"]


def test_sample_query_through_trailkeeper_query(lake):
    server, client, store, records = lake
    sql = open(os.path.join(SAMPLES, "query-lake-examples__6.sql")).read()
    env = server.env()
    out = subprocess.run([BIN, "query", sql, "--endpoint", server.endpoint, "--format", "json", "--no-progress"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = sorted([list(c.values())[0] for c in json.loads(line)] for line in out.stdout.splitlines() if line.strip())
    assert rows == expected(records)["query-lake-examples__6.sql"]
