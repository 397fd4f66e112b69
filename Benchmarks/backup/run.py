#!/usr/bin/env python3
"""Backup benchmark: the seed's scheduled Lambda (sequential CopyObject of every old object) vs
`trailkeeper backup` against the same moto server, plus trailkeeper's unchanged second run.

moto cannot shift LastModified, so both run with threshold 0 days (every object is "old").

    moto_server -H 127.0.0.1 -p 5601 &
    python3 Benchmarks/backup/run.py --endpoint http://127.0.0.1:5601 --objects 600 \
        --trailkeeper .build/release/trailkeeper
"""
import argparse
import datetime
import gzip
import json
import logging
import os
import subprocess
import time
import uuid

import boto3


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--endpoint', default=os.environ.get('MOTO_ENDPOINT', 'http://127.0.0.1:5601'))
    parser.add_argument('--objects', type=int, default=600)
    parser.add_argument('--trailkeeper', default='.build/release/trailkeeper')
    parser.add_argument('--concurrency', type=int, default=8)
    args = parser.parse_args()
    env = dict(os.environ, AWS_ACCESS_KEY_ID='test', AWS_SECRET_ACCESS_KEY='test', AWS_DEFAULT_REGION='us-east-1',
               AWS_REGION='us-east-1', AWS_ENDPOINT_URL=args.endpoint)
    s3 = boto3.client('s3', endpoint_url=args.endpoint, region_name='us-east-1', aws_access_key_id='test',
                      aws_secret_access_key='test')
    run = uuid.uuid4().hex[:8]
    source, seed_backup, tk_backup = f'bk-src-{run}', f'bk-seed-{run}', f'bk-tk-{run}'
    for bucket in (source, seed_backup, tk_backup):
        s3.create_bucket(Bucket=bucket)
    total = 0
    for key, body in cloudtrail_objects(args.objects):
        s3.put_object(Bucket=source, Key=key, Body=body)
        total += len(body)
    print(f"{args.objects} objects, {total / 1e6:.1f} MB in s3://{source}")

    t = time.perf_counter()
    seed_lambda(s3, source, seed_backup, 0)
    seed = time.perf_counter() - t
    seed_count = s3.list_objects_v2(Bucket=seed_backup).get('KeyCount', 0)

    command = [args.trailkeeper, 'backup', '--source', f's3://{source}', '--destination',
               f's3://{tk_backup}/cloudtrail-backup', '--threshold-days', '0', '--concurrency', str(args.concurrency),
               '--json']
    t = time.perf_counter()
    first = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
    tk_first = time.perf_counter() - t
    t = time.perf_counter()
    second = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
    tk_second = time.perf_counter() - t
    t = time.perf_counter()
    seed_lambda(s3, source, seed_backup, 0)
    seed_again = time.perf_counter() - t

    print(f"seed Lambda (sequential CopyObject):      {seed:7.2f} s  ({seed_count} objects at the destination)")
    print(f"trailkeeper backup, first run:           {tk_first:7.2f} s  (copied {first['copied']}, failed {len(first['failed'])})"
          f"  → {seed / tk_first:.1f}× the seed")
    print(f"seed Lambda, unchanged second run:       {seed_again:7.2f} s  (copies everything again)")
    print(f"trailkeeper backup, unchanged second run: {tk_second:6.2f} s  (copied {second['copied']}, skipped {second['skipped']})"
          f"  → {seed_again / tk_second:.1f}× the seed's second run")


if __name__ == '__main__':
    main()
