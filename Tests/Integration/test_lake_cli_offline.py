"""`trailkeeper query` against a scripted CloudTrail endpoint: output formats, paging, exit codes, --timeout and
Ctrl-C (both send CancelQuery). Runs without event data stores; test_lake_cli.py covers the real server."""
import json
import os
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import BIN

ROWS = [[{"eventName": "ConsoleLogin"}, {"n": "2"}], [{"eventName": 'Describe,"X"'}, {"n": None}], [{"eventName": "GetObject"}, {"n": "7"}]]


class Endpoint(BaseHTTPRequestHandler):
    """Answers StartQuery/DescribeQuery/GetQueryResults/CancelQuery; the statement chooses the script."""
    calls = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        operation = self.headers["x-amz-target"].rsplit(".", 1)[1]
        body = json.loads(self.rfile.read(int(self.headers["content-length"])) or b"{}")
        assert self.headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
        Endpoint.calls.append((operation, body))
        status, out = 200, {}
        if operation == "StartQuery":
            statement = body["QueryStatement"]
            if "nosuch" in statement:
                status, out = 400, {"__type": "InvalidQueryStatementException", "message": "line 1:8: Column 'nosuch' cannot be resolved"}
            else:
                out = {"QueryId": "slow" if "slow" in statement else "fail" if "fail" in statement else "done"}
        elif operation == "DescribeQuery":
            if body["QueryId"] == "fail":
                out = {"QueryStatus": "FAILED", "ErrorMessage": "Division by zero"}
            elif body["QueryId"] == "slow":
                out = {"QueryStatus": "RUNNING", "QueryStatistics": {"EventsScanned": 5, "EventsMatched": 1}}
            else:
                out = {"QueryStatus": "FINISHED"}
        elif operation == "GetQueryResults":
            offset = int(body.get("NextToken", "0"))
            count = min(body.get("MaxQueryResults", 1000), 2)
            out = {"QueryStatus": "FINISHED", "QueryResultRows": ROWS[offset:offset + count]}
            if offset + count < len(ROWS):
                out["NextToken"] = str(offset + count)
        elif operation == "CancelQuery":
            out = {"QueryId": body["QueryId"], "QueryStatus": "CANCELLED"}
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("content-type", "application/x-amz-json-1.1")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def endpoint():
    if not os.path.exists(BIN):
        pytest.skip(f"{BIN} not built")
    Endpoint.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def env():
    values = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    values.update(AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null")
    return values


def query(endpoint, *args):
    return subprocess.run([BIN, "query", "--endpoint", endpoint, "--no-progress"] + list(args), env=env(),
                          capture_output=True, text=True, timeout=60)


def test_formats_and_paging(endpoint):
    table = query(endpoint, "SELECT done")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == ["eventName     n", "ConsoleLogin  2", 'Describe,"X"  NULL', "GetObject     7"]
    csv = subprocess.run([BIN, "query", "--endpoint", endpoint, "--no-progress", "--format", "csv", "SELECT done"], env=env(),
                         capture_output=True, timeout=60)
    assert csv.stdout == b'eventName,n\r\nConsoleLogin,2\r\n"Describe,""X""",\r\nGetObject,7\r\n'
    lines = query(endpoint, "SELECT done", "--format", "json").stdout.splitlines()
    assert [json.loads(line) for line in lines] == ROWS
    limited = query(endpoint, "SELECT done", "--format", "json", "--max-rows", "2")
    assert [json.loads(line) for line in limited.stdout.splitlines()] == ROWS[:2]
    pages = [body for operation, body in Endpoint.calls if operation == "GetQueryResults"]
    assert {"QueryId": "done", "MaxQueryResults": 1000, "NextToken": "2"} in pages


def test_exit_codes(endpoint):
    refused = query(endpoint, "SELECT nosuch")
    assert refused.returncode == 2
    assert refused.stderr == "Error: InvalidQueryStatementException: line 1:8: Column 'nosuch' cannot be resolved\n"
    failed = query(endpoint, "SELECT fail")
    assert failed.returncode == 1 and failed.stderr == "Error: FAILED: Division by zero (query fail)\n"
    delivered = query(endpoint, "SELECT done", "--delivery-s3-uri", "s3://bucket/prefix")
    assert delivered.returncode == 0
    assert ("StartQuery", {"QueryStatement": "SELECT done", "DeliveryS3Uri": "s3://bucket/prefix"}) in Endpoint.calls
    assert query(endpoint, "SELECT done", "--timeout", "soon").returncode == 64
    assert query(endpoint, "   ").returncode == 64


def test_timeout_and_interrupt_cancel_the_query(endpoint):
    started = time.time()
    timed = query(endpoint, "SELECT slow", "--timeout", "1s")
    assert timed.returncode == 1 and time.time() - started < 10
    assert timed.stderr.startswith("Error: CANCELLED: the query did not end within 1s")
    assert ("CancelQuery", {"QueryId": "slow"}) in Endpoint.calls
    Endpoint.calls = []
    process = subprocess.Popen([BIN, "query", "--endpoint", endpoint, "--no-progress", "SELECT slow"], env=env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while not any(operation == "DescribeQuery" for operation, _ in Endpoint.calls) and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 1 and stderr.startswith("Error: CANCELLED: interrupted")
    assert ("CancelQuery", {"QueryId": "slow"}) in Endpoint.calls
