"""LookupEvents through the real AWS CLI and boto3."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import record


def cli_events(server, *args, region="us-east-1"):
    out = server.aws("cloudtrail", "lookup-events", *args, region=region)
    return json.loads(out.stdout)["Events"]


def test_lookup_by_each_attribute_with_cli_pagination(server):
    now = datetime.now(timezone.utc)
    target = [
        record(name="CreateUser", source="iam.amazonaws.com", user="mallory", key="AKIAMALLORY000000001",
               read_only=False, when=now - timedelta(seconds=i),
               resources=[{"ARN": "arn:aws:iam::123456789012:user/eve", "type": "AWS::IAM::User", "accountId": "123456789012"}])
        for i in range(170)
    ]
    noise = [record(when=now - timedelta(seconds=i)) for i in range(40)]
    result = server.ingest(target + noise)
    assert result["stored"] == 210
    expected = [r["eventID"] for r in target]  # newest first already

    for key, value in [("EventName", "CreateUser"), ("ReadOnly", "false"), ("Username", "mallory"),
                       ("ResourceType", "AWS::IAM::User"), ("ResourceName", "arn:aws:iam::123456789012:user/eve"),
                       ("EventSource", "iam.amazonaws.com"), ("AccessKeyId", "AKIAMALLORY000000001")]:
        # --page-size 50 makes the CLI follow NextToken over four pages.
        events = cli_events(server, "--lookup-attributes", f"AttributeKey={key},AttributeValue={value}",
                            "--page-size", "50")
        assert [e["EventId"] for e in events] == expected, key
    one = cli_events(server, "--lookup-attributes", f"AttributeKey=EventId,AttributeValue={target[7]['eventID']}")
    assert [e["EventId"] for e in one] == [target[7]["eventID"]]
    assert json.loads(one[0]["CloudTrailEvent"]) == target[7]
    assert one[0]["ReadOnly"] == "false" and one[0]["Username"] == "mallory"
    assert one[0]["Resources"] == [{"ResourceType": "AWS::IAM::User", "ResourceName": "arn:aws:iam::123456789012:user/eve"}]


def test_time_range_region_and_data_events(server):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    inside = record(name="RunInstances", when=now - timedelta(hours=2))
    before = record(name="RunInstances", when=now - timedelta(hours=5))
    west = record(name="RunInstances", region="eu-west-1", when=now - timedelta(hours=2))
    data = record(name="RunInstances", management=False, when=now - timedelta(hours=2))
    server.ingest([inside, before, west, data])
    attr = ["--lookup-attributes", "AttributeKey=EventName,AttributeValue=RunInstances"]
    start = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [e["EventId"] for e in cli_events(server, *attr, "--start-time", start, "--end-time", end)] == [inside["eventID"]]
    assert [e["EventId"] for e in cli_events(server, *attr)] == [inside["eventID"], before["eventID"]]
    assert [e["EventId"] for e in cli_events(server, *attr, region="eu-west-1")] == [west["eventID"]]


def test_boto3_paginator_walks_every_event_once(server):
    now = datetime.now(timezone.utc)
    records = [record(name="GetObject", when=now - timedelta(seconds=i // 3)) for i in range(130)]
    server.ingest(records)
    paginator = server.client().get_paginator("lookup_events")
    pages = list(paginator.paginate(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetObject"}],
                                    PaginationConfig={"PageSize": 50}))
    ids = [e["EventId"] for p in pages for e in p["Events"]]
    assert len(pages) == 3
    assert sorted(ids) == sorted(r["eventID"] for r in records) and len(set(ids)) == 130
    times = [e["EventTime"] for p in pages for e in p["Events"]]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("params,code", [
    ({"MaxResults": 0}, "InvalidMaxResultsException"),
    ({"MaxResults": 51}, "InvalidMaxResultsException"),
    ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "A"},
                           {"AttributeKey": "Username", "AttributeValue": "B"}]}, "InvalidLookupAttributesException"),
    ({"StartTime": datetime(2024, 2, 1, tzinfo=timezone.utc), "EndTime": datetime(2024, 1, 1, tzinfo=timezone.utc)},
     "InvalidTimeRangeException"),
    ({"NextToken": "not-a-token"}, "InvalidNextTokenException"),
    ({"EventCategory": "foo"}, "InvalidEventCategoryException"),
])
def test_bad_input_gets_aws_errors(server, params, code):
    client = server.client(validate=False)
    with pytest.raises(ClientError) as info:
        client.lookup_events(**params)
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # and the server goes on
    assert client.lookup_events(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_insight_category_is_separate(server):
    server.ingest([record()])
    assert server.client().lookup_events(EventCategory="insight")["Events"] == []
