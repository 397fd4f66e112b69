#!/usr/bin/env python3
"""validate-logs: the AWS CLI against trailkeeper on the same trail, through the same S3 server.

Builds a trail of --logs log files (hourly digests, --logs-per-hour files each) in an S3 server,
serves DescribeTrails/ListPublicKeys from a local CloudTrail endpoint, then times
`aws cloudtrail validate-logs` and `trailkeeper validate-logs` --repeat times each, checks that
every run printed exactly the CLI's bytes, and reports median wall times.

S3 servers (--s3): `moto` (MOTO_ENDPOINT, or a moto_server started here) and `trailkeeper` (a
`trailkeeper serve` started here on a temporary data directory, whose S3 API both tools then read;
trailkeeper also reads that data directory directly with --data-dir).

    python3 Benchmarks/validate_logs/run.py [--logs 300] [--repeat 3] [--s3 moto,trailkeeper]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Integration", "tools"))
from trail_fixture import FakeCloudTrail, Moto, SigningKey, Trail, build_chain, cli_env, free_port  # noqa: E402


class TrailkeeperS3:
    """A `trailkeeper serve` on a temporary data directory, used as an S3 server."""

    def __init__(self, binary):
        self.data_dir = tempfile.mkdtemp(prefix="tk-bench-")
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen([binary, "serve", "--data-dir", self.data_dir, "--port", str(port),
                                      "--account-id", "111122223333", "--log-level", "warning"],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.endpoint + "/health", timeout=1).status == 200:
                    break
            except Exception:
                time.sleep(0.1)
        else:
            raise RuntimeError("trailkeeper serve did not start")
        text = open(os.path.join(self.data_dir, "credentials")).read()
        values = dict(l.replace(" ", "").split("=", 1) for l in text.splitlines() if "=" in l)
        self.key_id, self.secret = values["aws_access_key_id"], values["aws_secret_access_key"]

    def client(self):
        import boto3
        client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                              aws_access_key_id=self.key_id, aws_secret_access_key=self.secret)
        # The server does not answer `Expect: 100-continue`, and botocore then waits a second per
        # PUT; the setup does without the header.
        client.meta.events.register("before-send.s3.PutObject", lambda request, **_: request.headers.pop("Expect", None) and None)
        return client

    def env(self):
        return cli_env(self.endpoint, AWS_ACCESS_KEY_ID=self.key_id, AWS_SECRET_ACCESS_KEY=self.secret)

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def bench(server_name, s3, env, args, extra_tools):
    bucket = "bench-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    key = SigningKey()
    trail = Trail(bucket)
    hours = -(-args.logs // args.logs_per_hour)
    first_end = datetime(2024, 5, 1, 1, 2, 15, tzinfo=timezone.utc)
    t = time.time()
    chain = build_chain(s3, trail, key, first_end, hours, args.logs_per_hour, records_per_log=args.records)
    sizes = [s3.head_object(Bucket=bucket, Key=k)["ContentLength"] for k in chain["logs"][:5]]
    print(f"\n== S3 server: {server_name}. Trail: {len(chain['logs'])} log files ({args.records} records, "
          f"~{sum(sizes) // len(sizes)} bytes gzipped each), {len(chain['digests'])} digests; built in "
          f"{time.time() - t:.1f} s", flush=True)
    fake = FakeCloudTrail([trail], [key])
    keys_file = os.path.join(tempfile.mkdtemp(), "public-keys.json")
    with open(keys_file, "w") as f:
        json.dump({"PublicKeyList": [key.list_entry()]}, f)
    try:
        end = (first_end + timedelta(hours=hours + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        common = ["--trail-arn", trail.arn, "--start-time", "2024-05-01T00:00:00Z", "--end-time", end]
        if args.verbose:
            common.append("--verbose")
        tk = [args.binary, "validate-logs"]
        tools = {
            "aws cloudtrail validate-logs": ["aws", "cloudtrail", "validate-logs", "--endpoint-url", fake.endpoint] + common,
            "trailkeeper validate-logs": tk + ["--endpoint-url", fake.endpoint] + common,
            "trailkeeper ... --public-keys F --s3-bucket B": tk + ["--public-keys", keys_file, "--s3-bucket", bucket] + common,
        }
        for name, extra in extra_tools(keys_file, bucket).items():
            tools[name] = tk + extra + common
        results, outputs = {}, {}
        for name, cmd in tools.items():
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                r = subprocess.run(cmd, env=env, capture_output=True, text=True)
                times.append(time.perf_counter() - t)
                outputs.setdefault(name, (r.returncode, r.stdout, r.stderr))
                if (r.returncode, r.stdout, r.stderr) != outputs[name]:
                    sys.exit(f"{name}: runs differ")
            results[name] = times
        reference = outputs["aws cloudtrail validate-logs"]
        if reference[0] != 0:
            sys.exit(f"the AWS CLI failed: {reference}")
        for name, output in outputs.items():
            if output != reference:
                sys.exit(f"{name} output differs from the AWS CLI's:\n{output}\n---\n{reference}")
        summary = [l for l in reference[1].splitlines() if "files valid" in l]
        print(f"identical output from every tool ({', '.join(summary)})")
        base = statistics.median(results["aws cloudtrail validate-logs"])
        print(f"{'tool':48} {'median s':>9} {'min s':>7} {'speedup':>8}")
        for name, times in results.items():
            median = statistics.median(times)
            print(f"{name:48} {median:9.3f} {min(times):7.3f} {base / median:7.1f}x")
        return {"s3": server_name, "logs": len(chain["logs"]), "digests": len(chain["digests"]),
                "median_seconds": {n: round(statistics.median(t), 3) for n, t in results.items()}}
    finally:
        fake.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--logs", type=int, default=300, help="log files in the trail")
    p.add_argument("--logs-per-hour", type=int, default=12, help="log files per hourly digest")
    p.add_argument("--records", type=int, default=50, help="records per log file")
    p.add_argument("--repeat", type=int, default=3, help="runs of each tool")
    p.add_argument("--s3", default="moto,trailkeeper", help="S3 servers to run against: moto, trailkeeper")
    p.add_argument("--binary", default=os.environ.get("TRAILKEEPER_BIN", os.path.join(ROOT, ".build", "release", "trailkeeper")))
    p.add_argument("--verbose", action="store_true", help="pass --verbose to both tools")
    args = p.parse_args()
    report = []
    for server_name in args.s3.split(","):
        if server_name == "moto":
            moto = Moto()
            try:
                report.append(bench("moto", moto.client(), cli_env(moto.endpoint), args, lambda f, b: {}))
            finally:
                moto.close()
        elif server_name == "trailkeeper":
            server = TrailkeeperS3(args.binary)
            try:
                report.append(bench(
                    "trailkeeper serve", server.client(), server.env(), args,
                    lambda f, b: {"trailkeeper ... --data-dir D --public-keys F --s3-bucket B":
                                  ["--data-dir", server.data_dir, "--public-keys", f, "--s3-bucket", b]}))
            finally:
                server.close()
        else:
            sys.exit(f"unknown S3 server {server_name}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
