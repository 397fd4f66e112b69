"""Trails end to end: the real AWS CLI creates a bucket and a trail, events are ingested, and the
real `aws cloudtrail validate-logs` proves the delivered files intact, then detects each tampering."""
import glob
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
import rsa

from conftest import ACCOUNT, record

TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit"
TK = os.environ.get("TRAILKEEPER_BIN") or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), ".build", "release", "trailkeeper")


# Fixed end times per start time, so that the AWS CLI and trailkeeper validate the same range.
START_END = {}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def setup_trail(server, *extra):
    server.aws("s3api", "create-bucket", "--bucket", "audit-logs")
    out = server.aws("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "audit-logs",
                     "--enable-log-file-validation", *extra)
    assert json.loads(out.stdout)["TrailARN"] == TRAIL_ARN
    server.aws("cloudtrail", "start-logging", "--name", "audit")


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def objects_dir(server):
    return os.path.join(server.data_dir, "objects", "audit-logs")


def keys(server, folder):
    root = objects_dir(server)
    return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "AWSLogs", "*", folder, "**", "*.json.gz"), recursive=True))


def delivered_ids(server):
    ids = []
    for key in keys(server, "CloudTrail"):
        with open(os.path.join(objects_dir(server), key), "rb") as f:
            ids += [r["eventID"] for r in json.loads(gzip.decompress(f.read()))["Records"]]
    return ids


def validate(server, start, *extra, tool="aws", end=None):
    env = server.env()
    env["AWS_ENDPOINT_URL_S3"] = server.endpoint
    # An explicit end time, so that both tools report the same range.
    end = end or START_END.get(start)
    args = ["--trail-arn", TRAIL_ARN, "--start-time", iso(start), "--verbose", *extra]
    if end:
        args += ["--end-time", iso(end)]
    if tool == "aws":
        cmd = ["aws", "--endpoint-url", server.endpoint, "cloudtrail", "validate-logs"] + args
    else:
        cmd = [TK, "validate-logs", "--endpoint", server.endpoint] + args
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def summary(stdout):
    return [l for l in stdout.splitlines() if " files valid" in l or " files INVALID" in l or l.startswith("Results")]


def has_trailkeeper_validate():
    return subprocess.run([TK, "validate-logs", "--help"], capture_output=True).returncode == 0


def assert_same_verdict(server, start, code, out):
    """Our validate-logs must agree with the AWS CLI line for line."""
    if not has_trailkeeper_validate():
        pytest.fail("trailkeeper validate-logs is missing")
    code2, out2, err2 = validate(server, start, tool="trailkeeper")
    assert code2 == code, (out2, err2)
    assert summary(out2) == summary(out), (out2, out)


def ingest_over(server, rounds, per_round=50, pause=1.2):
    sent = []
    for _ in range(rounds):
        batch = [record() for _ in range(per_round)]
        server.ingest(batch)
        sent += [r["eventID"] for r in batch]
        time.sleep(pause)
    return sent


def test_trail_delivers_and_aws_cli_validates_then_detects_tampering(make_server):
    start = datetime.now(timezone.utc) - timedelta(minutes=2)
    server = make_server("--delivery-interval", "1s", "--digest-interval", "3s")
    setup_trail(server)
    status = json.loads(server.aws("cloudtrail", "get-trail-status", "--name", "audit").stdout)
    assert status["IsLogging"] is True
    sent = ingest_over(server, 4)
    wait_for(lambda: len(delivered_ids(server)) == len(sent), what="delivery")
    time.sleep(3.5)  # at least one more digest interval
    server.aws("cloudtrail", "stop-logging", "--name", "audit")  # final delivery and digest
    START_END[start] = datetime.now(timezone.utc) + timedelta(seconds=2)
    assert sorted(delivered_ids(server)) == sorted(sent)

    status = json.loads(server.aws("cloudtrail", "get-trail-status", "--name", "audit").stdout)
    assert status["IsLogging"] is False and "LatestDigestDeliveryTime" in status and "LatestDeliveryTime" in status

    logs, digests = keys(server, "CloudTrail"), keys(server, "CloudTrail-Digest")
    assert len(logs) >= 3 and len(digests) >= 2
    keys_out = json.loads(server.aws("cloudtrail", "list-public-keys").stdout)["PublicKeyList"]
    assert keys_out and all(k["Value"].startswith("MIIBCgKCAQEA") for k in keys_out)

    code, out, err = validate(server, start)
    assert code == 0, (out, err)
    assert f"{len(digests)}/{len(digests)} digest files valid" in out
    assert f"{len(logs)}/{len(logs)} log files valid" in out
    assert_same_verdict(server, start, code, out)
    # The same verdict straight from the data directory, without the server's APIs.
    r = subprocess.run([TK, "validate-logs", "--data-dir", server.data_dir, "--trail-arn", TRAIL_ARN, "--start-time", iso(start),
                        "--end-time", iso(START_END[start])], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout) == summary(out)

    root = objects_dir(server)
    backup = root + ".pristine"
    shutil.copytree(root, backup)

    def restore():
        shutil.rmtree(root)
        shutil.copytree(backup, root)

    def expect_invalid(line_part):
        code, out, err = validate(server, start)
        assert code == 1, (out, err)
        assert line_part in err, (out, err)
        assert_same_verdict(server, start, code, out)
        restore()

    # 1. A modified log file.
    victim = logs[len(logs) // 2]
    path = os.path.join(root, victim)
    content = json.loads(gzip.decompress(open(path, "rb").read()))
    content["Records"][0]["eventName"] = "NothingToSeeHere"
    open(path, "wb").write(gzip.compress(json.dumps(content).encode()))
    expect_invalid(f"Log file\ts3://audit-logs/{victim}\tINVALID: hash value doesn't match")

    # 2. A deleted log file.
    os.remove(os.path.join(root, victim))
    expect_invalid(f"Log file\ts3://audit-logs/{victim}\tINVALID: not found")

    # 3. A modified digest (its signature no longer matches).
    middle = digests[len(digests) // 2]
    path = os.path.join(root, middle)
    digest = json.loads(gzip.decompress(open(path, "rb").read()))
    digest["logFiles"] = digest["logFiles"][1:] if digest["logFiles"] else [{"s3Bucket": "audit-logs", "s3Object": "x", "hashValue": "0" * 64, "hashAlgorithm": "SHA-256", "newestEventTime": digest["digestEndTime"], "oldestEventTime": digest["digestEndTime"]}]
    open(path, "wb").write(gzip.compress(json.dumps(digest, separators=(",", ":")).encode()))
    expect_invalid(f"Digest file\ts3://audit-logs/{middle}\tINVALID: signature verification failed")

    # 4. A deleted digest: the chain points at it.
    os.remove(os.path.join(root, middle))
    expect_invalid(f"Digest file\ts3://audit-logs/{middle}\tINVALID: not found")

    # 5. A moved digest: the newest digest copied to a later key.
    newest = digests[-1]
    later_stamp = (datetime.strptime(newest[-24:-8], "%Y%m%dT%H%M%SZ") + timedelta(seconds=30)).strftime("%Y%m%dT%H%M%SZ")
    moved = newest[:-24] + later_stamp + newest[-8:]
    meta = server.client("s3").head_object(Bucket="audit-logs", Key=newest)["Metadata"]
    body = open(os.path.join(root, newest), "rb").read()
    server.client("s3").put_object(Bucket="audit-logs", Key=moved, Body=body, Metadata=meta)
    expect_invalid(f"Digest file\ts3://audit-logs/{moved}\tINVALID: has been moved from its original location")

    # 6. A digest re-signed by a key CloudTrail never published.
    public, private = rsa.newkeys(2048)
    der = public.save_pkcs1(format="DER")
    fingerprint = hashlib.md5(der).hexdigest()
    path = os.path.join(root, newest)
    digest = json.loads(gzip.decompress(open(path, "rb").read()))
    digest["digestPublicKeyFingerprint"] = fingerprint
    raw = json.dumps(digest, separators=(",", ":")).encode()
    signing = "\n".join([digest["digestEndTime"], f"audit-logs/{newest}", hashlib.sha256(raw).hexdigest(),
                         digest["previousDigestSignature"] or "null"])
    signature = rsa.sign(signing.encode(), private, "SHA-256").hex()
    server.client("s3").put_object(Bucket="audit-logs", Key=newest, Body=gzip.compress(raw),
                                   Metadata={"signature": signature, "signature-algorithm": "SHA256withRSA"})
    expect_invalid(f"Digest file\ts3://audit-logs/{newest}\tINVALID: public key not found in region us-east-1 for fingerprint {fingerprint}")


def test_kill_during_delivery_and_digests_keeps_each_event_once_and_the_chain_valid(make_server):
    start = datetime.now(timezone.utc) - timedelta(minutes=2)
    server = make_server("--delivery-interval", "1s", "--digest-interval", "2s")
    data_dir = server.data_dir
    setup_trail(server)
    acknowledged = []
    for round_ in range(5):
        # Ingest, let delivery and digests run, and kill the process at a different moment each round.
        acknowledged += ingest_over(server, 2, per_round=300, pause=0.3 + 0.37 * round_)
        time.sleep(0.15 * round_)
        server.kill()
        server = make_server("--delivery-interval", "1s", "--digest-interval", "2s", data_dir=data_dir)
    wait_for(lambda: len(delivered_ids(server)) >= len(acknowledged), what="delivery after restarts")
    time.sleep(2.5)
    server.aws("cloudtrail", "stop-logging", "--name", "audit")
    ids = delivered_ids(server)
    assert len(ids) == len(set(ids)), "an event was delivered twice"
    journal = sqlite3.connect(os.path.join(data_dir, "journal.sqlite"))
    journaled = {row[0] for row in journal.execute("SELECT event_id FROM events")}
    assert set(acknowledged) <= journaled
    assert set(ids) == journaled, "every journaled event is delivered exactly once"
    code, out, err = validate(server, start)
    assert code == 0, (out, err)
    assert "INVALID" not in out + err


def test_advanced_selectors_through_the_aws_cli(make_server):
    server = make_server("--delivery-interval", "1s", "--digest-interval", "1h")
    setup_trail(server)
    selectors = [{"Name": "acme writes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::acme/"]}]}]
    server.aws("cloudtrail", "put-event-selectors", "--trail-name", "audit", "--advanced-event-selectors", json.dumps(selectors))
    got = json.loads(server.aws("cloudtrail", "get-event-selectors", "--trail-name", "audit").stdout)
    assert got["AdvancedEventSelectors"][0]["Name"] == "acme writes"

    def s3(name, arn, read_only):
        return record(name=name, source="s3.amazonaws.com", read_only=read_only, management=False,
                      resources=[{"type": "AWS::S3::Object", "ARN": arn}])
    wanted = [s3("PutObject", f"arn:aws:s3:::acme/{i}", False) for i in range(5)]
    other = [record(), s3("GetObject", "arn:aws:s3:::acme/0", True), s3("PutObject", "arn:aws:s3:::other/0", False)]
    server.ingest(other + wanted)
    wait_for(lambda: len(delivered_ids(server)) >= len(wanted), what="delivery")
    time.sleep(1.5)
    assert sorted(delivered_ids(server)) == sorted(r["eventID"] for r in wanted)

    bad = server.aws("cloudtrail", "put-event-selectors", "--trail-name", "audit", "--advanced-event-selectors",
                     json.dumps([{"FieldSelectors": [{"Field": "eventName", "Equals": ["X"]}]}]), check=False)
    assert bad.returncode != 0 and "InvalidEventSelectorsException" in bad.stderr


def test_trails_persist_across_restarts(make_server):
    server = make_server()
    setup_trail(server, "--s3-key-prefix", "prod")
    data_dir = server.data_dir
    server.kill()
    server = make_server(data_dir=data_dir)
    trails = json.loads(server.aws("cloudtrail", "describe-trails").stdout)["trailList"]
    assert [(t["Name"], t["S3KeyPrefix"], t["LogFileValidationEnabled"]) for t in trails] == [("audit", "prod", True)]
    assert json.loads(server.aws("cloudtrail", "get-trail-status", "--name", "audit").stdout)["IsLogging"] is True
    missing = server.aws("cloudtrail", "get-trail", "--name", "nope", check=False)
    assert missing.returncode != 0 and "TrailNotFoundException" in missing.stderr
    no_bucket = server.aws("cloudtrail", "create-trail", "--name", "other", "--s3-bucket-name", "no-such-bucket", check=False)
    assert "S3BucketDoesNotExistException" in no_bucket.stderr


def test_delivery_notification_reaches_the_embedded_queue(make_server):
    server = make_server("--delivery-interval", "1s")
    setup_trail(server, "--sns-topic-name", "trail-events")
    server.ingest([record() for _ in range(5)])
    messages = wait_for(lambda: server.signed("GET", "/v1/queues/trail-events/messages?max=10").json()["Messages"],
                        what="a notification")
    envelope = json.loads(messages[0]["Body"])
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:trail-events"
    message = json.loads(envelope["Message"])
    assert message["s3Bucket"] == "audit-logs"
    assert message["s3ObjectKey"] == keys(server, "CloudTrail")
    gone = server.signed("DELETE", f"/v1/queues/trail-events/messages/{messages[0]['MessageId']}")
    assert gone.status_code == 204
