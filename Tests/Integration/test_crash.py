"""kill -9 while a client streams batches: every acknowledged event survives exactly once."""
import json
import os
import sqlite3
import threading
import time

import requests

from conftest import record


def test_kill_during_ingest_loses_no_acknowledged_event(make_server):
    server = make_server()
    acknowledged = []
    stop = threading.Event()
    errors = []

    def stream():
        while not stop.is_set():
            batch = [record() for _ in range(200)]
            try:
                r = server.signed("POST", "/v1/events", json.dumps({"Records": batch}).encode())
            except requests.RequestException:
                return  # the server died mid-request: this batch was never acknowledged
            if r.status_code == 200:
                body = r.json()
                assert body["stored"] == 200, body
                acknowledged.extend(e["eventID"] for e in batch)
            else:
                errors.append(r.status_code)

    threads = [threading.Thread(target=stream) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(3)
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 1000, f"only {len(acknowledged)} acknowledged before the kill"

    # Every acknowledged event is in the journal exactly once (read straight from the file).
    db = sqlite3.connect(f"file:{os.path.join(server.data_dir, 'journal.sqlite')}?mode=ro", uri=True)
    stored = [row[0] for row in db.execute("SELECT event_id FROM events")]
    db.close()
    assert len(stored) == len(set(stored)), "an event is stored twice"
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged events lost"

    restarted = make_server(data_dir=server.data_dir)
    stats = restarted.signed("GET", "/v1/stats").json()
    assert stats["eventCount"] == len(stored)
    client = restarted.client()
    step = max(1, len(acknowledged) // 300)
    for event_id in acknowledged[::step]:
        r = restarted.signed("GET", f"/v1/events/{event_id}")
        assert r.status_code == 200, event_id
    for event_id in acknowledged[::step]:
        found = client.lookup_events(LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": event_id}])
        assert len(found["Events"]) == 1, event_id
    # Re-sending what was acknowledged stores nothing new.
    before = restarted.signed("GET", "/v1/stats").json()["eventCount"]
    sample = [json.loads(restarted.signed("GET", f"/v1/events/{i}").content) for i in acknowledged[:200]]
    assert restarted.ingest(sample)["duplicates"] == 200
    assert restarted.signed("GET", "/v1/stats").json()["eventCount"] == before
