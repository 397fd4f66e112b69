#!/usr/bin/env python3
"""Event → alert latency: events ingested through the API at a fixed rate, a rule matching a share
of them, alerts at a webhook on loopback. Latency = webhook arrival − the moment the batch holding
the event was sent. Run from the repository root after `swift build -c release --product trailkeeper`:

    python3 Benchmarks/alert_latency/run.py --rate 10000 --seconds 30 --match-every 100
"""
import argparse
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TRAILKEEPER_BIN", os.path.join(ROOT, ".build", "release", "trailkeeper"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=10000, help="events per second")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--batch", type=int, default=500, help="events per POST /v1/events")
    ap.add_argument("--match-every", type=int, default=100, help="one event in N matches the rule")
    args = ap.parse_args()

    arrivals = {}
    lock = threading.Lock()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            now = time.time()
            try:
                doc = json.loads(body)
            except ValueError:
                doc = {}
            ids = doc.get("eventIDs") or [f.get("eventID") for f in doc.get("findings", []) if isinstance(f, dict)]
            if not ids and "eventID" in doc:
                ids = [doc["eventID"]]
            with lock:
                for i in ids:
                    arrivals.setdefault(i, now)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    hook_port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    data_dir = tempfile.mkdtemp(prefix="tk-alert-bench-")
    rules = os.path.join(data_dir, "rules.yaml")
    with open(rules, "w") as f:
        f.write("- name: user-created\n  severity: HIGH\n  eventNames: [CreateUser]\n")
    config = os.path.join(data_dir, "config.yaml")
    with open(config, "w") as f:
        f.write("pipeline:\n  queue: embedded\n  rules: [%s]\n  alerts: ['http://127.0.0.1:%d/hook']\n"
                "  alerts-per-window: 1000000\n" % (rules, hook_port))
    port = free_port()
    log = open(os.path.join(data_dir, "server.log"), "wb")
    server = subprocess.Popen([BIN, "serve", "--data-dir", data_dir, "--port", str(port), "--config", config,
                               "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                log.close()
                sys.exit("server exited: " + open(os.path.join(data_dir, "server.log")).read()[-2000:])
            try:
                if requests.get(endpoint + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        creds = dict(l.strip().replace(" ", "").split("=", 1) for l in open(os.path.join(data_dir, "credentials")) if "=" in l)
        credentials = botocore.credentials.Credentials(creds["aws_access_key_id"], creds["aws_secret_access_key"])
        session = requests.Session()

        when = (datetime.now(timezone.utc) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        template = {
            "eventVersion": "1.09",
            "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/bench",
                             "accountId": "123456789012", "userName": "bench"},
            "eventTime": when, "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
            "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "bench",
            "requestParameters": None, "responseElements": None, "readOnly": True, "eventType": "AwsApiCall",
            "managementEvent": True, "recipientAccountId": "123456789012", "eventCategory": "Management",
        }
        sent = {}
        batches = args.rate * args.seconds // args.batch
        interval = args.batch / args.rate
        start = time.time()
        n = 0
        late = 0
        for b in range(batches):
            due = start + b * interval
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            else:
                late += 1
            records = []
            matching = []
            for _ in range(args.batch):
                r = dict(template)
                r["eventID"] = str(uuid.uuid4())
                r["requestID"] = r["eventID"]
                if n % args.match_every == 0:
                    r["eventName"] = "CreateUser"
                    r["eventSource"] = "iam.amazonaws.com"
                    r["readOnly"] = False
                    matching.append(r["eventID"])
                records.append(r)
                n += 1
            body = json.dumps({"Records": records}).encode()
            request = botocore.awsrequest.AWSRequest(method="POST", url=endpoint + "/v1/events", data=body)
            botocore.auth.SigV4Auth(credentials, "trailkeeper", "us-east-1").add_auth(request)
            t0 = time.time()
            response = session.post(endpoint + "/v1/events", data=body, headers=dict(request.headers), timeout=60)
            response.raise_for_status()
            for i in matching:
                sent[i] = t0
        elapsed = time.time() - start
        deadline = time.time() + 30
        while time.time() < deadline:
            with lock:
                if len(arrivals) >= len(sent):
                    break
            time.sleep(0.2)
        with lock:
            latencies = sorted(arrivals[i] - sent[i] for i in sent if i in arrivals)
        missing = len(sent) - len(latencies)

        def pct(p):
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

        print(json.dumps({
            "events": n, "achieved_rate": round(n / elapsed), "target_rate": args.rate, "late_batches": late,
            "alerts_expected": len(sent), "alerts_missing": missing,
            "latency_ms": {"p50": round(pct(0.50), 1), "p90": round(pct(0.90), 1), "p99": round(pct(0.99), 1),
                           "max": round(latencies[-1] * 1000, 1) if latencies else None},
        }, indent=2))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        httpd.shutdown()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
