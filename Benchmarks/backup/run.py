#!/usr/bin/env python3
"""Backup benchmark: the seed's scheduled Lambda (sequential CopyObject of every old object) vs
`trailkeeper backup` against the same moto server, plus trailkeeper's unchanged second run and a
recompressed + encrypted (streamed GET → PUT) run.

moto cannot shift LastModified, so both run with threshold 0 days (every object is "old").

    python3 Benchmarks/backup/run.py --objects 600 --trailkeeper .build/release/trailkeeper

starts its own moto server (and then also reports the CPU seconds moto spent in each run: moto is
one Python process, so its CPU time is a floor for every run); or use a running one:

    moto_server -H 127.0.0.1 -p 5601 &
    python3 Benchmarks/backup/run.py --endpoint http://127.0.0.1:5601 [--moto-pid PID] ...
"""
import argparse
import datetime
import gzip
import json
import logging
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid

import boto3

# Whose CPU time the phases report: moto's, or `trailkeeper serve`'s with --against-trailkeeper.
SERVER_LABEL = 'moto'


def seed_lambda(s3, source_bucket, backup_bucket, threshold_days):
    """The seed's lambda_handler, faithfully, with the bucket names and threshold as parameters."""
    logger = logging.getLogger("seed")
    today = datetime.datetime.now(datetime.timezone.utc)
    paginator = s3.get_paginator('list_objects_v2')

    for page in paginator.paginate(Bucket=source_bucket):
        if 'Contents' in page:
            for obj in page['Contents']:
                key = obj['Key']
                last_modified = obj['LastModified']
                age = (today - last_modified).days

                if age >= threshold_days:
                    destination_key = f'cloudtrail-backup/{key}'
                    try:
                        copy_source = {'Bucket': source_bucket, 'Key': key}
                        s3.copy_object(
                            Bucket=backup_bucket,
                            Key=destination_key,
                            CopySource=copy_source
                        )
                        logger.info(f"Backed up: {key} -> {backup_bucket}/{destination_key}")
                    except Exception as e:
                        logger.error(f"Failed to backup {key}: {str(e)}")


def cloudtrail_objects(count):
    """CloudTrail-like log files (gzipped JSON, 2–20 KB) and one digest per hour, dated 100 days back."""
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=100)
    for i in range(count):
        t = start + datetime.timedelta(minutes=5 * i)
        stamp = t.strftime('%Y%m%dT%H%MZ')
        folder = t.strftime('AWSLogs/123456789012/CloudTrail/us-east-1/%Y/%m/%d')
        records = [{"eventVersion": "1.08", "eventTime": t.strftime('%Y-%m-%dT%H:%M:%SZ'), "eventSource": "s3.amazonaws.com",
                    "eventName": "GetObject", "awsRegion": "us-east-1", "eventID": str(uuid.uuid4()),
                    "requestParameters": {"bucketName": "b", "key": f"k{n}"}} for n in range(10 + i % 90)]
        body = gzip.compress(json.dumps({"Records": records}).encode())
        yield f"{folder}/123456789012_CloudTrail_us-east-1_{stamp}_{uuid.uuid4().hex[:16]}.json.gz", body


def start_moto():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            return proc, endpoint
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("moto_server did not start")


def cpu_seconds(pid):
    """User + system CPU seconds of a process (Linux /proc), or None."""
    if not pid:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phase:
    """Times a block, and moto's CPU seconds in it when its pid is known."""

    def __init__(self, moto_pid):
        self.moto_pid = moto_pid

    def __enter__(self):
        self.start, self.cpu = time.perf_counter(), cpu_seconds(self.moto_pid)
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        end = cpu_seconds(self.moto_pid)
        self.moto = None if end is None or self.cpu is None else end - self.cpu

    def moto_text(self):
        return "" if self.moto is None else f", {SERVER_LABEL} CPU {self.moto:5.2f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--endpoint', default=os.environ.get('MOTO_ENDPOINT'),
                        help='a running moto server (default: start one)')
    parser.add_argument('--moto-pid', type=int, help='the running moto server\'s pid, to report its CPU time')
    parser.add_argument('--objects', type=int, default=600)
    parser.add_argument('--trailkeeper', default='.build/release/trailkeeper')
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--against-trailkeeper', action='store_true',
                        help='run the same comparison against `trailkeeper serve` (its own S3 API over the embedded '
                             'store, on a temporary data dir) instead of moto: what the tools do when the S3 server is '
                             'not the bottleneck')
    args = parser.parse_args()
    args.credentials = ('test', 'test')
    if args.against_trailkeeper:
        global SERVER_LABEL
        SERVER_LABEL = 'server'
        server, args.endpoint, args.credentials = start_trailkeeper(args.trailkeeper)
        args.moto_pid = server.pid
        try:
            run(args)
        finally:
            server.kill()
            server.wait()
        return
    moto = None
    if not args.endpoint:
        moto, args.endpoint = start_moto()
        args.moto_pid = moto.pid
    try:
        run(args)
    finally:
        if moto:
            moto.kill()
            moto.wait()


def start_trailkeeper(binary):
    """`trailkeeper serve` on a free loopback port and a temporary data dir; its process, endpoint and the
    access key of its credentials file."""
    data = tempfile.mkdtemp(prefix='tk-bench-')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, 'serve', '--data-dir', data, '--port', str(port), '--log-level', 'error'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f'http://127.0.0.1:{port}'
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint + '/health', timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    values = {}
    for line in open(os.path.join(data, 'credentials')):
        if '=' in line:
            name, value = line.split('=', 1)
            values[name.strip()] = value.strip()
    return server, endpoint, (values['aws_access_key_id'], values['aws_secret_access_key'])


def run(args):
    key_id, secret = args.credentials
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION='us-east-1',
               AWS_REGION='us-east-1', AWS_ENDPOINT_URL=args.endpoint)
    s3 = boto3.client('s3', endpoint_url=args.endpoint, region_name='us-east-1', aws_access_key_id=key_id,
                      aws_secret_access_key=secret)
    run_id = uuid.uuid4().hex[:8]
    source, seed_backup, tk_backup = f'bk-src-{run_id}', f'bk-seed-{run_id}', f'bk-tk-{run_id}'
    for bucket in (source, seed_backup, tk_backup):
        s3.create_bucket(Bucket=bucket)
    total = 0
    for key, body in cloudtrail_objects(args.objects):
        s3.put_object(Bucket=source, Key=key, Body=body)
        total += len(body)
    print(f"{args.objects} objects, {total / 1e6:.1f} MB in s3://{source}")

    with Phase(args.moto_pid) as seed:
        seed_lambda(s3, source, seed_backup, 0)
    seed_count = sum(page.get('KeyCount', 0) for page in s3.get_paginator('list_objects_v2').paginate(Bucket=seed_backup))

    command = [args.trailkeeper, 'backup', '--source', f's3://{source}', '--destination',
               f's3://{tk_backup}/cloudtrail-backup', '--threshold-days', '0', '--concurrency', str(args.concurrency),
               '--json']
    with Phase(args.moto_pid) as tk_first:
        first = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
    with Phase(args.moto_pid) as tk_second:
        second = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
    with Phase(args.moto_pid) as seed_again:
        seed_lambda(s3, source, seed_backup, 0)
    with Phase(args.moto_pid) as listing:
        listed = sum(len(p.get('Contents', [])) for p in s3.get_paginator('list_objects_v2').paginate(Bucket=source))
    with tempfile.NamedTemporaryFile() as key:
        key.write(os.urandom(32))
        key.flush()
        sealed = f'bk-enc-{run_id}'
        s3.create_bucket(Bucket=sealed)
        transformed = [args.trailkeeper, 'backup', '--source', f's3://{source}', '--destination', f's3://{sealed}',
                       '--threshold-days', '0', '--concurrency', str(args.concurrency), '--recompress',
                       '--encrypt-key', key.name, '--json']
        with Phase(args.moto_pid) as tk_transformed:
            sealed_report = json.loads(subprocess.run(transformed, env=env, check=True, capture_output=True,
                                                      text=True).stdout)
        with Phase(args.moto_pid) as tk_transformed_again:
            sealed_again = json.loads(subprocess.run(transformed, env=env, check=True, capture_output=True,
                                                     text=True).stdout)

    print(f"seed Lambda (sequential CopyObject):      {seed.seconds:7.2f} s{seed.moto_text()}"
          f"  ({seed_count} objects at the destination)")
    print(f"trailkeeper backup, first run:           {tk_first.seconds:7.2f} s{tk_first.moto_text()}"
          f"  (copied {first['copied']}, failed {len(first['failed'])})  → {seed.seconds / tk_first.seconds:.1f}× the seed")
    print(f"seed Lambda, unchanged second run:       {seed_again.seconds:7.2f} s{seed_again.moto_text()}"
          "  (copies everything again)")
    print(f"trailkeeper backup, unchanged second run: {tk_second.seconds:6.2f} s{tk_second.moto_text()}"
          f"  (copied {second['copied']}, skipped {second['skipped']})"
          f"  → {seed_again.seconds / tk_second.seconds:.1f}× the seed's second run,"
          f" {tk_first.seconds / tk_second.seconds:.1f}× faster than its first run")
    print(f"  (one boto3 listing of the {listed} source objects alone: {listing.seconds:.2f} s{listing.moto_text()})")
    print(f"trailkeeper backup --recompress --encrypt-key (GET → PUT): {tk_transformed.seconds:.2f} s"
          f"{tk_transformed.moto_text()}  ({sealed_report['bytesSelected'] / 1e6:.2f} MB → "
          f"{sealed_report['bytesCopied'] / 1e6:.2f} MB), unchanged second run {tk_transformed_again.seconds:.2f} s"
          f"{tk_transformed_again.moto_text()} (skipped {sealed_again['skipped']}: the manifest, no HEADs)")


if __name__ == '__main__':
    main()
