"""Helpers shared by the CloudTrail Lake query integration tests: a store with events, and queries run to the end."""
import json
import time
from datetime import datetime, timedelta, timezone

from conftest import record

ALIAS = "event_data_store_ID"


def create_store(server, name="lake-queries", alias=ALIAS):
    """An event data store (all management events) carrying the table alias the AWS samples use."""
    out = server.aws(
        "cloudtrail", "create-event-data-store", "--name", name, "--no-termination-protection-enabled",
        "--tags-list", f"Key=trailkeeper:table-alias,Value={alias}",
    )
    return json.loads(out.stdout)["EventDataStoreArn"]


def events(count, start=None):
    """`count` management events, one a second from `start` (default: an hour ago); every third is ConsoleLogin."""
    start = start or datetime.now(timezone.utc) - timedelta(hours=1)
    return [
        record(name="ConsoleLogin" if i % 3 == 0 else "DescribeInstances",
               source="signin.amazonaws.com" if i % 3 == 0 else "ec2.amazonaws.com",
               user=f"user{i % 4}", when=start + timedelta(seconds=i))
        for i in range(count)
    ]


def run(client, statement, timeout=60, **extra):
    """StartQuery, DescribeQuery until terminal; returns (query id, final DescribeQuery)."""
    query_id = client.start_query(QueryStatement=statement, **extra)["QueryId"]
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = client.describe_query(QueryId=query_id)
        if described["QueryStatus"] not in ("QUEUED", "RUNNING"):
            return query_id, described
        time.sleep(0.1)
    raise AssertionError(f"query {query_id} did not end")


def all_rows(client, query_id, page=1000):
    rows, token = [], None
    while True:
        args = {"QueryId": query_id, "MaxQueryResults": page}
        if token:
            args["NextToken"] = token
        out = client.get_query_results(**args)
        rows += out["QueryResultRows"]
        token = out.get("NextToken")
        if not token:
            return rows


def wait_for_events(client, expected, alias=ALIAS, timeout=60):
    """Polls `count(*)` until the store holds `expected` events (live ingest is asynchronous)."""
    deadline = time.time() + timeout
    count = None
    while time.time() < deadline:
        query_id, described = run(client, f"SELECT count(*) AS n FROM {alias}")
        assert described["QueryStatus"] == "FINISHED", described
        count = int(all_rows(client, query_id)[0][0]["n"])
        if count >= expected:
            return count
        time.sleep(0.5)
    raise AssertionError(f"store holds {count} events, expected {expected}")


def loaded_store(server, count=30):
    """A store holding `count` events posted through /v1/events after its creation."""
    arn = create_store(server)
    server.ingest(events(count))
    wait_for_events(server.client(), count)
    return arn
