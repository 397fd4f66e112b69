"""A trail on real AWS-compatible services (moto server): log files and digests go to an S3 bucket on
moto through S3ObjectStore, CloudTrail's notification goes to an SNS topic on moto, an SQS queue
subscribed to it receives the notification in the SNS envelope, and the real
`aws cloudtrail validate-logs`, reading S3 on moto, validates the delivered files."""
import json
import os
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from conftest import ACCOUNT, record

MOTO = os.environ.get("MOTO_ENDPOINT")


def moto_client(service):
    return boto3.client(service, endpoint_url=MOTO, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def moto():
    if not MOTO:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        pytest.skip("MOTO_ENDPOINT is not set")
    return MOTO


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_trail_delivers_to_s3_and_notifies_sns_on_moto(moto, make_server, monkeypatch, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    bucket, topic_name, queue_name = f"tk-trail-{suffix}", f"tk-trail-topic-{suffix}", f"tk-trail-q-{suffix}"
    s3, sns, sqs = moto_client("s3"), moto_client("sns"), moto_client("sqs")
    s3.create_bucket(Bucket=bucket)
    topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    # The server reaches moto with these credentials; the CLI talks to the server with its own.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    config = tmp_path / "trailkeeper.yaml"
    config.write_text(f"s3-endpoint: {moto}\nsns-endpoint: {moto}\n")
    start = datetime.now(timezone.utc) - timedelta(minutes=2)
    server = make_server("--delivery-interval", "1s", "--digest-interval", "2s", "--config", str(config))

    out = server.aws("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", bucket,
                     "--enable-log-file-validation", "--sns-topic-name", topic_name)
    assert json.loads(out.stdout)["SnsTopicName"] == topic_name
    server.aws("cloudtrail", "start-logging", "--name", "audit")
    sent = [record() for _ in range(5)]
    server.ingest(sent)

    def notification():
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return got[0] if got else None

    message = wait_for(notification, what="the SNS notification on the subscribed queue")
    envelope = json.loads(message["Body"])
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == topic_arn
    body = json.loads(envelope["Message"])
    assert body["s3Bucket"] == bucket
    assert body["s3ObjectKey"] and all(k.startswith(f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/") for k in body["s3ObjectKey"])
    delivered = []
    for key in body["s3ObjectKey"]:
        import gzip
        delivered += [r["eventID"] for r in json.loads(gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))["Records"]]
    assert sorted(delivered) == sorted(r["eventID"] for r in sent)

    time.sleep(2.5)  # one more digest interval
    server.aws("cloudtrail", "stop-logging", "--name", "audit")  # final delivery and digest
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"AWSLogs/{ACCOUNT}/")
    keys = [o["Key"] for o in listed.get("Contents", [])]
    digests = [k for k in keys if "/CloudTrail-Digest/" in k]
    logs = [k for k in keys if "/CloudTrail/" in k]
    assert digests and logs
    head = s3.head_object(Bucket=bucket, Key=digests[-1])
    assert head["Metadata"]["signature-algorithm"] == "SHA256withRSA" and head["Metadata"]["signature"]

    # The real AWS CLI: CloudTrail calls to the server, S3 reads from moto.
    env = server.env()
    env["AWS_ENDPOINT_URL_S3"] = moto
    end = datetime.now(timezone.utc) + timedelta(seconds=2)
    r = subprocess.run(
        ["aws", "--endpoint-url", server.endpoint, "cloudtrail", "validate-logs", "--verbose",
         "--trail-arn", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit",
         "--start-time", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--end-time", end.strftime("%Y-%m-%dT%H:%M:%SZ")],
        env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert f"{len(digests)}/{len(digests)} digest files valid" in r.stdout
    assert f"{len(logs)}/{len(logs)} log files valid" in r.stdout
