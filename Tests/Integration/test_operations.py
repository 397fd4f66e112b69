"""The CLI's lookup, graceful shutdown, and what the logs must never contain."""
import json
import signal
import subprocess
import threading
import time

import requests

from conftest import BIN, record


def test_lookup_command_prints_a_table_and_json(server):
    records = [record(name="CreateBucket", user=f"user{i}") for i in range(60)]
    server.ingest(records)
    table = subprocess.run([BIN, "lookup", "--endpoint", server.endpoint, "--lookup-attribute", "EventName=CreateBucket",
                            "--max-items", "55"], env=server.env(), capture_output=True, text=True, timeout=60)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["EventTime", "EventName", "Username", "EventSource", "EventId"]
    assert len(lines) == 56 and all("CreateBucket" in l for l in lines[1:])
    raw = subprocess.run([BIN, "lookup", "--endpoint", server.endpoint, "--lookup-attribute", "EventName=CreateBucket",
                          "--max-items", "100", "--json"], env=server.env(), capture_output=True, text=True, timeout=60)
    assert raw.returncode == 0, raw.stderr
    printed = [json.loads(l) for l in raw.stdout.splitlines()]
    assert sorted(r["eventID"] for r in printed) == sorted(r["eventID"] for r in records)
    bad = subprocess.run([BIN, "lookup", "--endpoint", server.endpoint, "--lookup-attribute", "Color=red"],
                         env=server.env(), capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "InvalidLookupAttributesException" in bad.stderr


def test_sigterm_drains_in_flight_ingests(make_server):
    server = make_server()
    results = []

    def send():
        batch = [record() for _ in range(3000)]
        try:
            r = server.signed("POST", "/v1/events", json.dumps({"Records": batch}).encode())
        except requests.RequestException:
            return  # refused after shutdown began: never acknowledged
        results.append((r.status_code, [e["eventID"] for e in batch]))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(timeout=60)
    assert server.proc.wait(timeout=30) == 0
    acknowledged = [i for status, ids in results if status == 200 for i in ids]
    restarted = make_server(data_dir=server.data_dir)
    for event_id in acknowledged:
        assert restarted.signed("GET", f"/v1/events/{event_id}").status_code == 200
    assert "journal closed" in open(server.log_path).read()


def test_secrets_never_reach_the_log(server):
    key, secret = server.credentials()
    server.ingest([record()])
    server.client().lookup_events(MaxResults=1)
    requests.post(server.endpoint + "/", data="{}", headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x, Signature=deadbeef"})
    log = open(server.log_path).read()
    assert secret not in log
    assert "Signature=" not in log


def test_request_latency_metrics(server):
    server.client().lookup_events(MaxResults=1)
    text = requests.get(server.endpoint + "/metrics").text
    assert "hb_request_duration" in text or "http_server_request_duration" in text
