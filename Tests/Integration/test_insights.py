"""CloudTrail Insights end to end: a week of quiet CreateUser history plus a burst, posted with past
eventTimes to the real server; the AWS CLI enables Insights on a trail and finds one Start and one End
through lookup-events, list-insights-metric-data returns the counts, the trail bucket receives a
CloudTrail-Insight file that `aws cloudtrail validate-logs` accepts, and a webhook alert names the Start."""
import gzip
import json
import os
import time
from datetime import datetime, timedelta, timezone

from conftest import ACCOUNT, record
from test_pipeline import Receiver
from test_trails import TRAIL_ARN, iso, keys, objects_dir, validate, wait_for


def history(now):
    """Quiet CreateUser calls every 30 minutes for 7 days, and a 30-call burst in one minute that ends
    at least 10 minutes before now (so every minute of it, and two quiet minutes after, are final)."""
    burst_minute = (now - timedelta(minutes=20)).replace(second=0, microsecond=0)
    first = burst_minute - timedelta(days=7, hours=1)
    records = []
    t = first
    while t < burst_minute - timedelta(minutes=30):
        r = record(name="CreateUser", source="iam.amazonaws.com", user="alice", read_only=False, when=t)
        records.append(r)
        # Read-only noise: never counted by ApiCallRateInsight.
        records.append(record(name="ListUsers", source="iam.amazonaws.com", read_only=True, when=t + timedelta(seconds=7)))
        t += timedelta(minutes=30)
    burst = []
    for i in range(30):
        r = record(name="CreateUser", source="iam.amazonaws.com", user=f"intruder{i % 3}", read_only=False,
                   when=burst_minute + timedelta(seconds=i))
        r["sourceIPAddress"] = "203.0.113.66"
        burst.append(r)
    return records, burst, burst_minute


def lookup_insights(server, start):
    out = server.aws("cloudtrail", "lookup-events", "--event-category", "insight", "--start-time", iso(start),
                     "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateUser")
    return json.loads(out.stdout)["Events"]


def test_insights_on_a_trail_end_to_end(make_server, tmp_path):
    hook = Receiver()
    try:
        config = tmp_path / "config.yaml"
        config.write_text(
            "insights:\n"
            "  backfill: 30d\n"
            "  warmup: 0s\n"
            "  lateness: 1m\n"
            "  call-rate:\n"
            "    minimum-per-minute: 5\n"
            "pipeline:\n"
            "  queue: embedded\n"
            "  rules: [insights]\n"
            f"  alerts: ['http://127.0.0.1:{hook.port}/hook']\n"
            "  retry-delay: 1\n"
            "  wait-seconds: 1\n"
            "  alert-window: 2\n")
        server = make_server("--config", str(config), "--delivery-interval", "1s", "--digest-interval", "3s")
        start = datetime.now(timezone.utc) - timedelta(minutes=2)
        server.aws("s3api", "create-bucket", "--bucket", "audit-logs")
        server.aws("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "audit-logs",
                   "--enable-log-file-validation")
        server.aws("cloudtrail", "start-logging", "--name", "audit")

        # Not enabled yet.
        r = server.aws("cloudtrail", "get-insight-selectors", "--trail-name", "audit", check=False)
        assert r.returncode != 0 and "InsightNotEnabledException" in r.stderr

        now = datetime.now(timezone.utc)
        quiet, burst, burst_minute = history(now)
        for i in range(0, len(quiet), 500):
            server.ingest(quiet[i:i + 500])
        server.ingest(burst)

        # Malformed selectors are refused with AWS's exception.
        r = server.aws("cloudtrail", "put-insight-selectors", "--trail-name", "audit", "--insight-selectors",
                       '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiCallRateInsight"}]', check=False)
        assert r.returncode != 0 and "InvalidInsightSelectorsException" in r.stderr

        put = json.loads(server.aws("cloudtrail", "put-insight-selectors", "--trail-name", "audit",
                                    "--insight-selectors", '[{"InsightType":"ApiCallRateInsight"}]').stdout)
        assert put["TrailARN"] == TRAIL_ARN
        assert [s["InsightType"] for s in put["InsightSelectors"]] == ["ApiCallRateInsight"]
        got = json.loads(server.aws("cloudtrail", "get-insight-selectors", "--trail-name", "audit").stdout)
        assert got["InsightSelectors"] == put["InsightSelectors"]
        trail = json.loads(server.aws("cloudtrail", "get-trail", "--name", "audit").stdout)["Trail"]
        assert trail["HasInsightSelectors"] is True

        # One Start and one End, sharing their sharedEventID, found as Insights events.
        search_from = burst_minute - timedelta(days=1)
        events = wait_for(lambda: (lambda e: e if len(e) >= 2 else None)(lookup_insights(server, search_from)),
                          timeout=60, what="the Insights events")
        assert len(events) == 2
        bodies = [json.loads(e["CloudTrailEvent"]) for e in events]
        by_state = {b["insightDetails"]["state"]: b for b in bodies}
        assert set(by_state) == {"Start", "End"}
        s, e = by_state["Start"], by_state["End"]
        assert s["sharedEventID"] == e["sharedEventID"] and s["eventID"] != e["eventID"]
        assert s["eventType"] == "AwsCloudTrailInsight" and s["eventCategory"] == "Insight"
        assert s["recipientAccountId"] == ACCOUNT and s["awsRegion"] == "us-east-1"
        assert s["eventTime"] == iso(burst_minute)
        assert e["eventTime"] == iso(burst_minute + timedelta(minutes=1))
        details = s["insightDetails"]
        assert details["eventSource"] == "iam.amazonaws.com" and details["eventName"] == "CreateUser"
        assert details["insightType"] == "ApiCallRateInsight" and details["sourceEventCategory"] == "Management"
        stats = details["insightContext"]["statistics"]
        assert stats["insight"]["average"] == 30
        assert "insightDuration" not in stats
        assert e["insightDetails"]["insightContext"]["statistics"]["insightDuration"] == 1
        minute_of_day = burst_minute.hour * 60 + burst_minute.minute
        assert stats["baselineDuration"] == 10080 + minute_of_day
        arns = [a for a in details["insightContext"]["attributions"] if a["attribute"] == "userIdentityArn"][0]
        assert sorted(c["value"] for c in arns["insight"]) == [f"arn:aws:iam::{ACCOUNT}:user/intruder{i}" for i in range(3)]
        assert [c["value"] for c in arns["baseline"]] == [f"arn:aws:iam::{ACCOUNT}:user/alice"]
        assert all(ev["EventName"] == "CreateUser" for ev in events)

        # The per-minute counts behind them.
        window_start = burst_minute - timedelta(days=8)
        metrics = json.loads(server.aws(
            "cloudtrail", "list-insights-metric-data", "--trail-name", "audit", "--event-source", "iam.amazonaws.com",
            "--event-name", "CreateUser", "--insight-type", "ApiCallRateInsight", "--period", "60",
            "--data-type", "NonZeroData", "--start-time", iso(window_start),
            "--end-time", iso(burst_minute + timedelta(minutes=5))).stdout)
        assert metrics["TrailARN"] == TRAIL_ARN
        assert sum(metrics["Values"]) == len(quiet) // 2 + len(burst)
        stamps = [datetime.fromtimestamp(t, timezone.utc) if isinstance(t, (int, float)) else
                  datetime.fromisoformat(t) for t in metrics["Timestamps"]]
        assert dict(zip(stamps, metrics["Values"]))[burst_minute] == 30
        hourly = json.loads(server.aws(
            "cloudtrail", "list-insights-metric-data", "--trail-name", "audit", "--event-source", "iam.amazonaws.com",
            "--event-name", "CreateUser", "--insight-type", "ApiCallRateInsight", "--start-time", iso(window_start),
            "--end-time", iso(burst_minute + timedelta(minutes=5))).stdout)
        assert sum(hourly["Values"]) == sum(metrics["Values"])
        assert len(hourly["Values"]) >= 8 * 24  # FillWithZeros: one value per hour of the range

        # The trail's bucket receives a CloudTrail-Insight file holding both records.
        found = wait_for(lambda: keys(server, "CloudTrail-Insight"), timeout=60, what="an Insights file")
        delivered = []
        for key in found:
            assert key.startswith(f"AWSLogs/{ACCOUNT}/CloudTrail-Insight/us-east-1/")
            assert f"{ACCOUNT}_CloudTrail-Insight_us-east-1_" in key
            with open(os.path.join(objects_dir(server), key), "rb") as f:
                delivered += json.loads(gzip.decompress(f.read()))["Records"]
        assert sorted(r["eventID"] for r in delivered) == sorted([s["eventID"], e["eventID"]])

        # A webhook alert for the Start (built-in `insights` pack).
        wait_for(lambda: "insights-api-call-rate-start" in json.dumps(hook.bodies), timeout=60, what="the alert")

        # Digests list the Insights file, and validate-logs still passes.
        time.sleep(3.5)
        server.aws("cloudtrail", "stop-logging", "--name", "audit")
        end = datetime.now(timezone.utc) + timedelta(seconds=2)
        code, out, err = validate(server, start, end=end)
        assert code == 0, (out, err)
        assert "INVALID" not in out
        insight_lines = [line for line in out.splitlines() if "CloudTrail-Insight" in line and "valid" in line]
        assert insight_lines, out
    finally:
        hook.close()


def test_insights_on_an_event_data_store(make_server, tmp_path):
    """PutInsightSelectors on a store of management events with an Insight store as InsightsDestination: the
    destination receives the Start and End records, queried with Lake SQL."""
    config = tmp_path / "config.yaml"
    config.write_text("insights:\n  backfill: 30d\n  warmup: 0s\n  lateness: 1m\n  call-rate:\n    minimum-per-minute: 5\n")
    server = make_server("--config", str(config))
    client = server.client()
    source = client.create_event_data_store(Name="management", RetentionPeriod=3653, TerminationProtectionEnabled=False)
    destination = client.create_event_data_store(
        Name="insights", RetentionPeriod=3653, TerminationProtectionEnabled=False,
        AdvancedEventSelectors=[{"Name": "Insights events", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Insight"]}]}],
        TagsList=[{"Key": "trailkeeper:table-alias", "Value": "insight_store"}])
    src, dst = source["EventDataStoreArn"], destination["EventDataStoreArn"]
    selectors = '[{"InsightType":"ApiCallRateInsight"}]'

    r = server.aws("cloudtrail", "get-insight-selectors", "--event-data-store", src, check=False)
    assert r.returncode != 0 and "InsightNotEnabledException" in r.stderr
    r = server.aws("cloudtrail", "put-insight-selectors", "--event-data-store", src, "--insight-selectors", selectors,
                   check=False)
    assert r.returncode != 0 and "InvalidParameterCombinationException" in r.stderr
    r = server.aws("cloudtrail", "put-insight-selectors", "--event-data-store", src, "--insights-destination", src,
                   "--insight-selectors", selectors, check=False)
    assert r.returncode != 0 and "InvalidEventDataStoreCategoryException" in r.stderr
    r = server.aws("cloudtrail", "put-insight-selectors", "--event-data-store", src, "--insights-destination", dst,
                   "--insight-selectors", '[{"InsightType":"ApiCallRateInsight","EventCategories":["Data"]}]', check=False)
    assert r.returncode != 0 and "InvalidInsightSelectorsException" in r.stderr

    put = json.loads(server.aws("cloudtrail", "put-insight-selectors", "--event-data-store", src,
                                "--insights-destination", dst, "--insight-selectors", selectors).stdout)
    assert put["EventDataStoreArn"] == src and put["InsightsDestination"] == dst
    assert [s["InsightType"] for s in put["InsightSelectors"]] == ["ApiCallRateInsight"]
    got = json.loads(server.aws("cloudtrail", "get-insight-selectors", "--event-data-store", src).stdout)
    assert got == put

    quiet, burst, burst_minute = history(datetime.now(timezone.utc))
    for i in range(0, len(quiet), 500):
        server.ingest(quiet[i:i + 500])
    server.ingest(burst)

    def states():
        qid = client.start_query(QueryStatement=(
            "SELECT element_at(insightDetails, 'state') AS state, element_at(insightDetails, 'eventName') AS name, "
            "element_at(insightDetails, 'insightType') AS type, sharedEventID FROM insight_store ORDER BY eventTime"))["QueryId"]
        while client.describe_query(QueryId=qid)["QueryStatus"] in ("QUEUED", "RUNNING"):
            time.sleep(0.1)
        rows = [[list(c.values())[0] for c in row] for row in client.get_query_results(QueryId=qid)["QueryResultRows"]]
        return rows if len(rows) >= 2 else None

    rows = wait_for(states, timeout=90, what="the Insights events in the destination store")
    assert [r[0] for r in rows] == ["Start", "End"]
    assert all(r[1] == "CreateUser" and r[2] == "ApiCallRateInsight" for r in rows)
    assert rows[0][3] == rows[1][3]
