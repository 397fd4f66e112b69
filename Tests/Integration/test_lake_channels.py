"""CloudTrail Lake channels through the real AWS CLI: create-channel → put-audit-events (cloudtrail-data CLI),
ingestion status, update, ListChannels paging, delete, and ChannelExistsForEDSException."""
import json
import uuid

from conftest import ACCOUNT

ACTIVITY = json.dumps([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["ActivityAuditLog"]}]}])


def cli(server, *args, check=True):
    result = server.aws("cloudtrail", *args, check=check)
    return json.loads(result.stdout) if check and result.stdout.strip() else result


def event_data():
    return json.dumps({"version": "1.0", "userIdentity": {"type": "Employee", "principalId": "alice@example.com"},
                       "eventSource": "widgets.example.com", "eventName": "CreateWidget",
                       "eventTime": "2024-03-01T10:00:00Z", "UID": str(uuid.uuid4()), "recipientAccountId": ACCOUNT})


def activity_store(server, name):
    return cli(server, "create-event-data-store", "--name", name, "--advanced-event-selectors", ACTIVITY,
               "--no-termination-protection-enabled")["EventDataStoreArn"]


def test_channel_lifecycle_and_put_audit_events(server):
    store = activity_store(server, "partner-events")
    created = cli(server, "create-channel", "--name", "partner", "--source", "Custom",
                  "--destinations", f"Type=EVENT_DATA_STORE,Location={store}", "--tags", "Key=team,Value=sec")
    arn = created["ChannelArn"]
    assert arn.startswith(f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:channel/")
    assert created["Destinations"] == [{"Type": "EVENT_DATA_STORE", "Location": store}]
    assert created["Tags"] == [{"Key": "team", "Value": "sec"}]

    out = json.loads(server.aws("cloudtrail-data", "put-audit-events", "--channel-arn", arn, "--audit-events",
                                json.dumps([{"id": "one", "eventData": event_data()}])).stdout)
    assert [s["id"] for s in out["successful"]] == ["one"]
    event_id = out["successful"][0]["eventID"]
    stored = server.signed("GET", f"/v1/events/{event_id}").json()
    assert stored["metadata"]["channelARN"] == arn

    channel = cli(server, "get-channel", "--channel", arn)
    assert channel["Name"] == "partner" and channel["Source"] == "Custom"
    assert channel["Destinations"] == [{"Type": "EVENT_DATA_STORE", "Location": store}]
    assert channel["IngestionStatus"]["LatestIngestionSuccessEventID"] == event_id
    assert channel["SourceConfig"]["AdvancedEventSelectors"][0]["FieldSelectors"][0]["Equals"] == ["ActivityAuditLog"]

    refused = cli(server, "delete-event-data-store", "--event-data-store", store, check=False)
    assert refused.returncode != 0 and "ChannelExistsForEDSException" in refused.stderr

    other = activity_store(server, "other-events")
    updated = cli(server, "update-channel", "--channel", arn, "--name", "renamed",
                  "--destinations", f"Type=EVENT_DATA_STORE,Location={other}")
    assert updated["Name"] == "renamed" and updated["Destinations"][0]["Location"] == other
    server.aws("cloudtrail", "delete-event-data-store", "--event-data-store", store)

    server.aws("cloudtrail", "delete-channel", "--channel", arn)
    missing = cli(server, "get-channel", "--channel", arn, check=False)
    assert missing.returncode != 0 and "ChannelNotFoundException" in missing.stderr


def test_list_channels_pages_and_default_channel_stays(server):
    store = activity_store(server, "paged-events")
    for i in range(3):
        cli(server, "create-channel", "--name", f"channel-{i}", "--source", "Custom",
            "--destinations", f"Type=EVENT_DATA_STORE,Location={store}")
    client = server.client()
    names, token = [], None
    while True:
        page = client.list_channels(MaxResults=2, **({"NextToken": token} if token else {}))
        names += [c["Name"] for c in page["Channels"]]
        token = page.get("NextToken")
        if not token:
            break
    # The default channel first; the others in creation order, ties within a second in ARN order.
    assert names[0] == "trailkeeper-default"
    assert sorted(names[1:]) == ["channel-0", "channel-1", "channel-2"]
    default = client.list_channels()["Channels"][0]["ChannelArn"]
    refused = cli(server, "delete-channel", "--channel", default, check=False)
    assert refused.returncode != 0 and "OperationNotPermittedException" in refused.stderr


def test_create_channel_refusals(server):
    management = cli(server, "create-event-data-store", "--name", "mgmt")["EventDataStoreArn"]
    wrong = cli(server, "create-channel", "--name", "chan1", "--source", "Custom",
                "--destinations", f"Type=EVENT_DATA_STORE,Location={management}", check=False)
    assert wrong.returncode != 0 and "InvalidEventDataStoreCategoryException" in wrong.stderr
    store = activity_store(server, "ok-events")
    source = cli(server, "create-channel", "--name", "chan2", "--source", "CloudTrail",
                 "--destinations", f"Type=EVENT_DATA_STORE,Location={store}", check=False)
    assert source.returncode != 0 and "InvalidSourceException" in source.stderr
