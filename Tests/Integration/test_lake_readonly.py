"""Bad or hostile Lake queries are refused with AWS's exception names, and leave the store's events as they were."""
import pytest
from botocore.exceptions import ClientError

from lake_query_support import ALIAS, all_rows, loaded_store, run

REFUSED = [
    ("SELEC eventName FROM " + ALIAS, "InvalidQueryStatementException"),
    (f"SELECT nosuch FROM {ALIAS}", "InvalidQueryStatementException"),
    (f"SELECT no_such_function(eventName) FROM {ALIAS}", "InvalidQueryStatementException"),
    (f"SELECT load_extension('x') FROM {ALIAS}", "InvalidQueryStatementException"),
    (f"DELETE FROM {ALIAS}", "InvalidQueryStatementException"),
    (f"DROP TABLE {ALIAS}", "InvalidQueryStatementException"),
    (f"INSERT INTO {ALIAS} VALUES (1)", "InvalidQueryStatementException"),
    ("PRAGMA writable_schema = 1", "InvalidQueryStatementException"),
    ("ATTACH DATABASE '/tmp/x.sqlite' AS x", "InvalidQueryStatementException"),
    (f"SELECT eventName FROM {ALIAS}; DELETE FROM {ALIAS}", "InvalidQueryStatementException"),
    (f"SELECT eventName FROM {ALIAS} WHERE eventName = '' OR 1=1; DROP TABLE events; --'", "InvalidQueryStatementException"),
    (f"WITH x AS (SELECT eventName FROM {ALIAS}) SELECT * FROM x", "InvalidQueryStatementException"),
    (f"SELECT eventName FROM {ALIAS} WHERE eventName IN (SELECT eventName FROM {ALIAS})", "InvalidQueryStatementException"),
    ("SELECT name FROM sqlite_master", "EventDataStoreNotFoundException"),
    ("SELECT eventName FROM main", "EventDataStoreNotFoundException"),
    ("SELECT eventName FROM arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "EventDataStoreARNInvalidException"),
    ("", "InvalidParameterException"),
]


def test_refusals_leave_the_store_unchanged(server):
    loaded_store(server, count=9)
    client = server.client(validate=False)
    query_id, _ = run(client, f"SELECT eventID, eventName FROM {ALIAS} ORDER BY eventID")
    before = all_rows(client, query_id)
    for statement, code in REFUSED:
        with pytest.raises(ClientError) as error:
            client.start_query(QueryStatement=statement)
        assert error.value.response["Error"]["Code"] == code, statement
        if code == "InvalidQueryStatementException":
            assert error.value.response["Error"]["Message"], statement
    # A literal carrying SQL is a value, nothing more.
    injected, described = run(client, f"SELECT eventName FROM {ALIAS} WHERE eventName = 'x'' OR 1=1; DROP TABLE events; --'")
    assert described["QueryStatus"] == "FINISHED" and all_rows(client, injected) == []
    query_id, _ = run(client, f"SELECT eventID, eventName FROM {ALIAS} ORDER BY eventID")
    assert all_rows(client, query_id) == before and len(before) == 9


def test_a_deleted_store_refuses_queries(server):
    arn = loaded_store(server, count=3)
    client = server.client()
    query_id, _ = run(client, f"SELECT eventName FROM {ALIAS}")
    client.delete_event_data_store(EventDataStore=arn)
    for call in (lambda: client.start_query(QueryStatement=f"SELECT eventName FROM {ALIAS}"),
                 lambda: client.describe_query(QueryId=query_id),
                 lambda: client.get_query_results(QueryId=query_id)):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "InactiveEventDataStoreException"


def test_huge_results_fail_with_a_message(make_server, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("lake:\n  query:\n    max-result-rows: 5\n")
    server = make_server("--config", str(config))
    loaded_store(server, count=12)
    client = server.client()
    query_id, described = run(client, f"SELECT eventName FROM {ALIAS}")
    assert described["QueryStatus"] == "FAILED"
    assert "exceed" in described["ErrorMessage"]
