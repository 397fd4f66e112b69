"""SigV4 enforcement, error shapes for bad bodies, and metrics."""
import json

import pytest
import requests
from botocore.exceptions import ClientError

TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"


def test_unsigned_request_is_refused(server):
    r = requests.post(server.endpoint + "/", data="{}", headers={"X-Amz-Target": TARGET,
                                                                  "Content-Type": "application/x-amz-json-1.1"})
    assert r.status_code == 403
    assert r.json()["__type"] == "MissingAuthenticationTokenException"
    r2 = requests.post(server.endpoint + "/v1/events", data='{"Records":[]}')
    assert r2.status_code == 403


def test_unknown_key_and_wrong_secret_are_refused(server):
    with pytest.raises(ClientError) as unknown:
        server.client(key="AKIAUNKNOWN000000000", secret="x" * 40).lookup_events()
    assert unknown.value.response["Error"]["Code"] == "UnrecognizedClientException"
    key, _ = server.credentials()
    with pytest.raises(ClientError) as wrong:
        server.client(key=key, secret="y" * 40).lookup_events()
    assert wrong.value.response["Error"]["Code"] == "InvalidSignatureException"
    cli = server.aws("cloudtrail", "lookup-events", check=False)
    assert cli.returncode == 0


def test_malformed_json_gets_an_aws_error_and_the_server_goes_on(server):
    import botocore.auth, botocore.awsrequest, botocore.credentials
    key, secret = server.credentials()
    for body in [b"{not json", b"[1,2]", b'{"MaxResults": "many"}']:
        request = botocore.awsrequest.AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                                                 headers={"X-Amz-Target": TARGET,
                                                          "Content-Type": "application/x-amz-json-1.1"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "cloudtrail", "us-east-1").add_auth(request)
        prepared = request.prepare()
        r = requests.post(prepared.url, headers=dict(prepared.headers), data=body)
        assert r.status_code == 400
        assert r.json()["__type"] == "SerializationException"
    bad = server.signed("POST", "/v1/events", b'{"Records":[{')
    assert bad.status_code == 400 and "message" in bad.json()["error"]
    assert server.client().lookup_events(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_oversized_body_is_refused_clearly(server):
    big = json.dumps({"auditEvents": [{"id": "a", "eventData": "x" * 1_100_000}]}).encode()
    r = server.signed("POST", "/PutAuditEvents?channelArn=x", big, service="cloudtrail-data")
    assert r.status_code == 413
    assert r.json()["__type"] == "ValidationException"


def test_metrics_and_health(server):
    from conftest import record
    server.ingest([record(), record()])
    text = requests.get(server.endpoint + "/metrics").text
    assert "trailkeeper_ingested_events_total 2" in text
    assert "trailkeeper_journal_events 2" in text
    assert requests.get(server.endpoint + "/health").status_code == 200
