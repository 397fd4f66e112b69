"""CloudTrail Data PutAuditEvents through the real `aws cloudtrail-data` CLI."""
import base64
import hashlib
import json
import uuid

from conftest import ACCOUNT


def event_data(name="CreateWidget", recipient=ACCOUNT, **extra):
    data = {"version": "1.0", "userIdentity": {"type": "Employee", "principalId": "alice@example.com",
                                                 "details": {"team": "ops"}},
            "eventSource": "widgets.example.com", "eventTime": "2024-03-01T10:00:00Z", "UID": str(uuid.uuid4()),
            "recipientAccountId": recipient, "requestParameters": {"size": 3}, "sourceIPAddress": "203.0.113.9"}
    if name is not None:
        data["eventName"] = name
    data.update(extra)
    return json.dumps(data)


def channel_arn(server):
    channels = json.loads(server.aws("cloudtrail", "list-channels").stdout)["Channels"]
    assert len(channels) == 1
    return channels[0]["ChannelArn"]


def put(server, arn, events, check=True):
    return server.aws("cloudtrail-data", "put-audit-events", "--channel-arn", arn,
                      "--audit-events", json.dumps(events), check=check)


def test_default_channel_is_listed_and_described(server):
    arn = channel_arn(server)
    assert arn.startswith(f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:channel/")
    channel = json.loads(server.aws("cloudtrail", "get-channel", "--channel", arn).stdout)
    assert channel["ChannelArn"] == arn and channel["Name"] == "trailkeeper-default"


def test_good_and_bad_events_in_one_call(server):
    arn = channel_arn(server)
    good = event_data()
    checksum = base64.b64encode(hashlib.sha256(good.encode()).digest()).decode()
    events = [
        {"id": "good", "eventData": good, "eventDataChecksum": checksum},
        {"id": "badsum", "eventData": event_data(), "eventDataChecksum": checksum},
        {"id": "noname", "eventData": event_data(name=None)},
        {"id": "stranger", "eventData": event_data(recipient="999999999999")},
        {"id": "notjson", "eventData": "{nope"},
        {"id": "toolong", "eventData": event_data(errorCode="x" * 300)},
    ]
    out = json.loads(put(server, arn, events).stdout)
    assert [s["id"] for s in out["successful"]] == ["good"]
    assert {f["id"]: f["errorCode"] for f in out["failed"]} == {
        "badsum": "InvalidChecksum", "noname": "FieldNotFound", "stranger": "InvalidRecipient",
        "notjson": "InvalidData", "toolong": "FieldTooLong"}
    event_id = out["successful"][0]["eventID"]
    stored = server.signed("GET", f"/v1/events/{event_id}")
    assert stored.status_code == 200
    body = stored.json()
    assert body["eventData"] == json.loads(good)
    assert body["eventCategory"] == "ActivityAuditLog" and body["eventType"] == "ActivityLog"
    assert body["metadata"]["channelARN"] == arn and body["recipientAccountId"] == ACCOUNT


def test_request_level_errors(server):
    arn = channel_arn(server)
    one = {"id": "a", "eventData": event_data()}
    dup = put(server, arn, [one, one], check=False)
    assert dup.returncode != 0 and "DuplicatedAuditEventId" in dup.stderr
    missing = put(server, arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000", [one], check=False)
    assert missing.returncode != 0 and "ChannelNotFound" in missing.stderr
    # The server keeps serving.
    assert json.loads(put(server, arn, [one]).stdout)["successful"][0]["id"] == "a"


def test_retried_call_stores_the_event_once(server):
    arn = channel_arn(server)
    data = event_data()
    first = json.loads(put(server, arn, [{"id": "r", "eventData": data}]).stdout)
    second = json.loads(put(server, arn, [{"id": "r", "eventData": data}]).stdout)
    assert first["successful"][0]["eventID"] == second["successful"][0]["eventID"]
    stats = server.signed("GET", "/v1/stats").json()
    assert stats["eventCount"] == 1
