"""The event-processing pipeline end to end with real components: moto server's S3 (with S3→SQS
notifications), SQS (redrive policy to a DLQ) and DynamoDB; an HTTP receiver and an aiosmtpd SMTP
receiver on loopback; the built `trailkeeper pipeline`, `dlq list` and `dlq redrive`."""
import glob
import gzip
import http.server
import json
import os
import signal
import subprocess
import threading
import time
import uuid

import boto3
import pytest

from conftest import ACCOUNT, BIN, free_port, record, shared_data

MONITORED = ["ConsoleLogin", "CreateUser", "StartInstances", "DeleteBucket", "PutBucketPolicy"]


def moto_endpoint():
    moto = os.environ.get("MOTO_ENDPOINT")
    if not moto:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("MOTO_ENDPOINT is not set")
        pytest.skip("needs moto server (MOTO_ENDPOINT)")
    return moto


def aws_env(moto):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL=moto, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    return env


def clients(moto):
    kw = dict(endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    return boto3.client("s3", **kw), boto3.client("sqs", **kw), boto3.client("dynamodb", **kw)


class Receiver:
    """An HTTP webhook receiver on loopback that records JSON bodies."""

    def __init__(self):
        self.bodies = []
        received = self.bodies

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length) or b"null"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


class Mailbox:
    """An aiosmtpd SMTP receiver on loopback."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        box = self.messages

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                box.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self):
        self.controller.stop()


def monitored_records(n, names=MONITORED, user="mallory"):
    out = []
    for i in range(n):
        r = record(name=names[i % len(names)], source="iam.amazonaws.com", user=user, read_only=False)
        r["sourceIPAddress"] = "203.0.113.9"
        out.append(r)
    return out


def gz(records):
    return gzip.compress(json.dumps({"Records": records}).encode())


def make_sqs_source(sqs, s3, max_receive=2, visibility=4):
    name = "ct-" + uuid.uuid4().hex[:8]
    dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": str(visibility),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive)}),
    })["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bucket = "trail-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    return bucket, url, dlq_url


def start_pipeline(args, env, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen([BIN, "pipeline"] + args, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def wait_for(condition, timeout=90, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def scan_all(ddb, table):
    items, kwargs = [], {"TableName": table}
    while True:
        page = ddb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def queue_count(sqs, url):
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_s3_to_sqs_to_dynamodb_with_alerts_dlq_and_test_event(tmp_path):
    moto = moto_endpoint()
    s3, sqs, ddb = clients(moto)
    bucket, url, dlq_url = make_sqs_source(sqs, s3)
    hook, mail = Receiver(), Mailbox()
    try:
        # Real CloudTrail files (Invictus) plus files with known monitored events; keys with characters
        # S3 URL-encodes in notifications; one corrupt gzip.
        expected = set()
        invictus = sorted(glob.glob(os.path.join(shared_data(), "invictus-ir-aws-dataset", "**", "*.json*"),
                                    recursive=True))[:3]
        for i, path in enumerate(invictus):
            body = open(path, "rb").read()
            doc = json.loads(gzip.decompress(body) if path.endswith(".gz") else body)
            for r in doc["Records"]:
                if r.get("eventName") in MONITORED:
                    expected.add((r["eventID"], "monitored-events"))
            s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2023/07/1{i}/real {i}.json.gz",
                          Body=body if path.endswith(".gz") else gzip.compress(body))
        crafted = monitored_records(40)
        for r in crafted:
            expected.add((r["eventID"], "monitored-events"))
        s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2024/01/02/odd key+with=chars.json.gz",
                      Body=gz(crafted[:20] + [record() for _ in range(30)]))
        s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2024/01/02/second.json.gz",
                      Body=gz(crafted[20:]))
        s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2024/01/02/corrupt.json.gz",
                      Body=gz(crafted[:5])[:40] + b"\x00garbage")

        rules = tmp_path / "monitored_events.json"
        rules.write_text(json.dumps({"monitoredEvents": MONITORED}))
        table = "findings-" + uuid.uuid4().hex[:6]
        data_dir = tmp_path / "data"
        log_path = tmp_path / "pipeline.log"
        proc = start_pipeline([
            "--queue", url, "--rules", str(rules), "--findings", f"dynamodb://{table}",
            "--alert", f"http://127.0.0.1:{hook.port}/hook",
            "--alert", f"smtp://127.0.0.1:{mail.port}?from=trailkeeper@example.com&to=soc@example.com",
            "--data-dir", str(data_dir), "--retry-delay", "1", "--wait-seconds", "1",
        ], aws_env(moto), log_path)
        try:
            wait_for(lambda: queue_count(sqs, dlq_url) == 1, what="the corrupt file in the DLQ")
            wait_for(lambda: len(scan_all(ddb, table)) >= len(expected), what="all findings")
            wait_for(lambda: hook.bodies and mail.messages, what="alerts")
            time.sleep(1.5)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log = log_path.read_text()

        items = scan_all(ddb, table)
        keys = [(i["eventID"]["S"], i["rule"]["S"]) for i in items]
        assert len(keys) == len(set(keys)), "a finding was stored twice"
        assert set(keys) == expected
        table_keys = ddb.describe_table(TableName=table)["Table"]["KeySchema"]
        assert {(k["AttributeName"], k["KeyType"]) for k in table_keys} == {("eventID", "HASH"), ("rule", "RANGE")}
        sample = next(i for i in items if i["eventID"]["S"] == crafted[0]["eventID"])
        assert sample["eventName"]["S"] == crafted[0]["eventName"]
        assert sample["who"]["S"] == f"arn:aws:iam::{ACCOUNT}:user/mallory"
        assert sample["sourceIPAddress"]["S"] == "203.0.113.9"
        assert sample["account"]["S"] == ACCOUNT
        assert json.loads(sample["record"]["S"])["eventID"] == crafted[0]["eventID"]

        # The corrupt file ended in the DLQ, the test event was skipped, the queue is drained.
        dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
        assert "corrupt.json.gz" in dead[0]["Body"]
        sqs.change_message_visibility(QueueUrl=dlq_url, ReceiptHandle=dead[0]["ReceiptHandle"], VisibilityTimeout=0)
        assert "s3:TestEvent skipped" in log
        assert "corrupt.json.gz" in log
        assert queue_count(sqs, url) == 0

        # Alerts: who did what, when, from where, which rule.
        text = json.dumps(hook.bodies)
        assert "monitored-events" in text and "mallory" in text and "203.0.113.9" in text
        mail_from, rcpts, content = mail.messages[0]
        assert mail_from == "trailkeeper@example.com" and rcpts == ["soc@example.com"]
        assert "monitored-events" in content

        # dlq list / redrive on the SQS queue.
        env = aws_env(moto)
        listed = subprocess.run([BIN, "dlq", "list", "--queue", url], env=env, capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert "corrupt.json.gz" in listed.stdout
        redriven = subprocess.run([BIN, "dlq", "redrive", "--queue", url], env=env, capture_output=True, text=True,
                                  timeout=60)
        assert redriven.returncode == 0, redriven.stderr
        wait_for(lambda: queue_count(sqs, dlq_url) == 0 and queue_count(sqs, url) == 1, timeout=30, what="redrive")
    finally:
        hook.close()
        mail.close()


def test_kill_9_mid_file_loses_and_duplicates_nothing(tmp_path):
    moto = moto_endpoint()
    s3, sqs, ddb = clients(moto)
    bucket, url, dlq_url = make_sqs_source(sqs, s3, max_receive=5, visibility=3)
    records = []
    for i in range(8000):
        records.append(monitored_records(1)[0] if i % 2 == 0 else record())
    expected = {(r["eventID"], "monitored-events") for r in records if r["eventName"] in MONITORED}
    s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2024/02/03/big.json.gz", Body=gz(records))
    rules = tmp_path / "monitored_events.json"
    rules.write_text(json.dumps({"monitoredEvents": MONITORED}))
    table = "findings-" + uuid.uuid4().hex[:6]
    args = ["--queue", url, "--rules", str(rules), "--findings", f"dynamodb://{table}",
            "--data-dir", str(tmp_path / "data"), "--retry-delay", "1", "--wait-seconds", "1"]
    first = start_pipeline(args, aws_env(moto), tmp_path / "first.log")
    try:
        def some_findings():
            try:
                ddb.describe_table(TableName=table)
                return len(scan_all(ddb, table)) > 0
            except ddb.exceptions.ResourceNotFoundException:
                return False
        wait_for(some_findings, what="the first findings")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    partial = len(scan_all(ddb, table))
    assert partial < len(expected), "the file was finished before the kill; make it bigger"
    second = start_pipeline(args, aws_env(moto), tmp_path / "second.log")
    try:
        wait_for(lambda: len(scan_all(ddb, table)) >= len(expected) and queue_count(sqs, url) == 0, timeout=120,
                 what="the file processed after restart")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    keys = [(i["eventID"]["S"], i["rule"]["S"]) for i in scan_all(ddb, table)]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected
    assert queue_count(sqs, dlq_url) == 0


def findings_rows(data_dir):
    import sqlite3

    path = os.path.join(data_dir, "findings.sqlite")
    if not os.path.exists(path):
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT event_id, rule, alert_state FROM findings").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def test_serve_runs_rules_on_the_journal_and_on_its_own_trail_files(make_server, tmp_path):
    hook = Receiver()
    try:
        rules = tmp_path / "rules.yaml"
        rules.write_text(
            "- name: iam-user-created\n"
            "  severity: HIGH\n"
            "  description: a new IAM user\n"
            "  eventPattern:\n"
            "    detail:\n"
            "      eventSource: [iam.amazonaws.com]\n"
            "      eventName: [CreateUser]\n")
        config = tmp_path / "config.yaml"
        config.write_text(
            "pipeline:\n"
            "  queue: embedded\n"
            f"  rules: [cis-aws-foundations, {rules}]\n"
            f"  alerts: ['http://127.0.0.1:{hook.port}/hook']\n"
            "  retry-delay: 1\n"
            "  wait-seconds: 1\n"
            "  alert-window: 2\n")
        server = make_server("--config", str(config), "--delivery-interval", "1s")
        server.aws("s3api", "create-bucket", "--bucket", "audit-logs")
        server.aws("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "audit-logs")
        server.aws("cloudtrail", "start-logging", "--name", "audit")

        created = record(name="CreateUser", source="iam.amazonaws.com", user="mallory", read_only=False)
        root = record(name="ConsoleLogin", source="signin.amazonaws.com")
        root["userIdentity"] = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root",
                                "accountId": ACCOUNT}
        root["eventType"] = "AwsConsoleSignIn"
        stop = record(name="StopLogging", source="cloudtrail.amazonaws.com", read_only=False)
        quiet = [record() for _ in range(20)]
        server.ingest([created, root, stop] + quiet)

        wait_for(lambda: hook.bodies and "mallory" in json.dumps(hook.bodies), timeout=30, what="the alert")
        rows = findings_rows(server.data_dir)
        by_event = {}
        for event_id, rule, _ in rows:
            by_event.setdefault(event_id, set()).add(rule)
        assert "iam-user-created" in by_event[created["eventID"]]
        assert len(by_event[root["eventID"]]) >= 1  # CIS root account usage
        assert len(by_event[stop["eventID"]]) >= 1  # CIS CloudTrail configuration changes
        assert not any(q["eventID"] in by_event for q in quiet)

        # The trail's own files reach the embedded queue and are processed; same findings, once.
        wait_for(lambda: "log file processed" in open(server.log_path).read(), timeout=60, what="a processed trail file")
        again = findings_rows(server.data_dir)
        keys = [(e, r) for e, r, _ in again]
        assert len(keys) == len(set(keys))
        assert set(keys) == {(e, r) for e, r, _ in rows}

        listed = subprocess.run([BIN, "dlq", "list", "--queue", "embedded", "--data-dir", server.data_dir],
                                capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert "0 dead letter(s)" in listed.stdout
    finally:
        hook.close()


def test_rules_test_command_prints_matches(tmp_path):
    events = tmp_path / "events.json"
    created = record(name="CreateUser", source="iam.amazonaws.com", user="mallory", read_only=False)
    events.write_text(json.dumps({"Records": [created, record()]}))
    rules = tmp_path / "monitored_events.json"
    rules.write_text(json.dumps({"monitoredEvents": MONITORED}))
    out = subprocess.run([BIN, "rules", "test", str(rules), str(events)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "CreateUser" in out.stdout and "monitored-events" in out.stdout
    assert "DescribeInstances" not in out.stdout


def test_until_empty_into_postgres(tmp_path):
    moto = moto_endpoint()
    pg = os.environ.get("TRAILKEEPER_POSTGRES_URL")
    if not pg:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("TRAILKEEPER_POSTGRES_URL is not set")
        pytest.skip("needs PostgreSQL (TRAILKEEPER_POSTGRES_URL)")
    s3, sqs, _ = clients(moto)
    bucket, url, _ = make_sqs_source(sqs, s3)
    crafted = monitored_records(25) + [record() for _ in range(25)]
    s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2024/03/04/pg.json.gz", Body=gz(crafted))
    rules = tmp_path / "monitored_events.json"
    rules.write_text(json.dumps({"monitoredEvents": MONITORED}))
    table = "findings_" + uuid.uuid4().hex[:8]
    for _ in range(2):  # the second run finds the queue empty and changes nothing
        out = subprocess.run([BIN, "pipeline", "--queue", url, "--rules", str(rules),
                              "--findings", f"{pg}?table={table}", "--data-dir", str(tmp_path / "data"),
                              "--wait-seconds", "1", "--until-empty"],
                             env=aws_env(moto), capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-3000:]
    rows = subprocess.run(["psql", pg, "-At", "-c", f"SELECT event_id, rule, who FROM {table}"],
                          capture_output=True, text=True, timeout=30)
    assert rows.returncode == 0, rows.stderr
    got = [line.split("|") for line in rows.stdout.splitlines() if line]
    assert sorted((e, r) for e, r, _ in got) == sorted((r["eventID"], "monitored-events") for r in crafted[:25])
    assert all(w == f"arn:aws:iam::{ACCOUNT}:user/mallory" for _, _, w in got)
