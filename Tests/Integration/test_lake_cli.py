"""`trailkeeper query`: table, csv and json output, exit codes and --help."""
import csv
import io
import json
import subprocess

from conftest import BIN
from lake_query_support import ALIAS, loaded_store


def query(server, *args):
    return subprocess.run(
        [BIN, "query", "--endpoint", server.endpoint, "--no-progress"] + list(args),
        env=server.env(), capture_output=True, text=True, timeout=120,
    )


def test_formats(server):
    loaded_store(server, count=6)
    statement = f"SELECT eventName, count(*) AS n FROM {ALIAS} GROUP BY eventName ORDER BY eventName"
    as_json = query(server, statement, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert lines == [[{"eventName": "ConsoleLogin"}, {"n": "2"}], [{"eventName": "DescribeInstances"}, {"n": "4"}]]
    as_csv = query(server, statement, "--format", "csv")
    assert as_csv.returncode == 0
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["eventName", "n"], ["ConsoleLogin", "2"], ["DescribeInstances", "4"]]
    as_table = query(server, statement)
    assert as_table.returncode == 0
    assert as_table.stdout.splitlines() == ["eventName          n", "ConsoleLogin       2", "DescribeInstances  4"]
    limited = query(server, f"SELECT eventName FROM {ALIAS}", "--format", "json", "--max-rows", "4")
    assert len(limited.stdout.splitlines()) == 4


def test_exit_codes(server):
    loaded_store(server, count=3)
    refused = query(server, f"SELECT nosuch FROM {ALIAS}")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Error: InvalidQueryStatementException: line 1:")
    missing = query(server, "SELECT eventName FROM no_such_store")
    assert missing.returncode == 2 and "EventDataStoreNotFoundException" in missing.stderr
    failed = query(server, f"SELECT 1 / (count(*) - count(*)) FROM {ALIAS}")
    assert failed.returncode == 1 and failed.stderr.startswith("Error: FAILED: ")
    bad_option = query(server, "SELECT 1", "--format", "xml")
    assert bad_option.returncode == 64


def test_help():
    out = subprocess.run([BIN, "query", "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    for text in ("--endpoint", "--format", "--max-rows", "--timeout", "--delivery-s3-uri", "--no-progress", "--region",
                 "Exit status: 0 when the query FINISHED", "QueryResultRows"):
        assert text in " ".join(out.stdout.split()), text
