#!/usr/bin/env python3
"""CloudTrail Lake benchmark: Trailkeeper's event data store vs DuckDB over the same gzipped CloudTrail log files.

    python3 Benchmarks/lake/generate.py --events 10000000 --days 30 --out /tmp/lakebench/logs
    python3 Benchmarks/lake/run.py --logs /tmp/lakebench/logs --trailkeeper .build/release/trailkeeper

Trailkeeper side: `trailkeeper serve` on a temporary data dir; the log files are placed in a bucket of its embedded
object store (hard links: the store reads plain files), imported with StartImport into a new event data store (import
rate reported), then each query runs through the API (StartQuery → DescribeQuery polled every 5 ms →
GetQueryResults pages of 1000), timed end to end; ExecutionTimeInMillis is reported too. Store bytes per event (the
store's SQLite files) are compared with the gzipped files' bytes per event.

DuckDB side (pip `duckdb`, benchmark only): `read_json` over every `.json.gz` with an explicit column schema (DuckDB's
fastest honest set-up: no sampling) and `unnest(Records)`; the selective query is also run over the one day's folder
(what a user who knows the key layout would do). Both engines' answers are compared.

Queries: selective = one user's write events in one day; aggregations = count by eventName, count by userIdentity.arn.
"""
import argparse
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ACCOUNT = '123456789012'
USER = f'arn:aws:iam::{ACCOUNT}:user/user-042'
DUCK_COLUMNS = ("{'Records': 'STRUCT(eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR, readOnly BOOLEAN, "
                "userIdentity STRUCT(arn VARCHAR))[]'}")


def queries(store, day):
    start = f'{day} 00:00:00'
    end_day = time.strftime('%Y-%m-%d', time.gmtime(time.mktime(time.strptime(day, '%Y-%m-%d')) - time.timezone + 86400))
    return {
        'selective': (
            f"SELECT eventTime, eventName, eventSource FROM {store} WHERE userIdentity.arn = '{USER}' "
            f"AND readOnly = false AND eventTime >= '{start}' AND eventTime < '{end_day} 00:00:00'",
            f"SELECT r.eventTime, r.eventName, r.eventSource FROM (SELECT unnest(Records) AS r FROM {{src}}) "
            f"WHERE r.userIdentity.arn = '{USER}' AND r.readOnly = false AND r.eventTime >= '{day}T00:00:00Z' "
            f"AND r.eventTime < '{end_day}T00:00:00Z'"),
        'count by eventName': (
            f"SELECT eventName, count(*) FROM {store} GROUP BY eventName",
            "SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM {src}) GROUP BY r.eventName"),
        'count by userIdentity.arn': (
            f"SELECT userIdentity.arn, count(*) FROM {store} GROUP BY userIdentity.arn",
            "SELECT r.userIdentity.arn, count(*) FROM (SELECT unnest(Records) AS r FROM {src}) GROUP BY r.userIdentity.arn"),
    }


def normalise(rows):
    """Rows as sorted tuples of strings (timestamps compared as 'YYYY-MM-DD HH:MM:SS')."""
    out = []
    for row in rows:
        cells = []
        for v in row:
            s = str(v)
            if len(s) == 20 and s.endswith('Z') and s[10] == 'T':
                s = s[:10] + ' ' + s[11:19]
            if len(s) == 23 and s[10] == ' ' and s[19] == '.':
                s = s[:19]
            cells.append(s)
        out.append(tuple(cells))
    return sorted(out)


def run_duckdb(logs, day, repeat):
    import duckdb
    con = duckdb.connect()
    everything = os.path.join(logs, 'AWSLogs', '**', '*.json.gz')
    y, m, d = day.split('-')
    one_day = os.path.join(logs, 'AWSLogs', ACCOUNT, 'CloudTrail', '*', y, m, d, '*.json.gz')
    def src(pattern):
        return f"read_json('{pattern}', columns={DUCK_COLUMNS}, format='auto', maximum_object_size=268435456)"
    results = {}
    for name, (_, duck) in queries('x', day).items():
        variants = [('all files', everything)] + ([('day folder', one_day)] if name == 'selective' else [])
        for label, pattern in variants:
            times = []
            rows = None
            for _ in range(repeat):
                t = time.perf_counter()
                rows = con.execute(duck.format(src=src(pattern))).fetchall()
                times.append(time.perf_counter() - t)
            results[(name, label)] = {'seconds': times, 'rows': normalise(rows)}
            print(f'duckdb     {name:28s} {label:10s} {fmt(times)}  rows={len(rows)}', flush=True)
    return results


def fmt(times):
    return f'first {times[0]:8.3f} s  median {statistics.median(times):8.3f} s'


def start_server(binary, data):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, 'serve', '--data-dir', data, '--port', str(port), '--log-level', 'error'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f'http://127.0.0.1:{port}'
    for _ in range(600):
        try:
            urllib.request.urlopen(endpoint + '/health', timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    values = {}
    for line in open(os.path.join(data, 'credentials')):
        if '=' in line:
            key, value = line.split('=', 1)
            values[key.strip()] = value.strip()
    return server, endpoint, values['aws_access_key_id'], values['aws_secret_access_key']


def run_trailkeeper(args, day):
    import boto3
    data = args.data_dir or tempfile.mkdtemp(prefix='tk-lake-')
    server, endpoint, key_id, secret = start_server(args.trailkeeper, data)
    try:
        session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name='us-east-1')
        s3 = session.client('s3', endpoint_url=endpoint)
        ct = session.client('cloudtrail', endpoint_url=endpoint)
        s3.create_bucket(Bucket='lake-bench-logs')
        files = sorted(glob.glob(os.path.join(args.logs, 'AWSLogs', '**', '*.json.gz'), recursive=True))
        for path in files:
            target = os.path.join(data, 'objects', 'lake-bench-logs', os.path.relpath(path, args.logs))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
        store = ct.create_event_data_store(Name='lake-bench', RetentionPeriod=3653, TerminationProtectionEnabled=False)
        store_id = store['EventDataStoreArn'].split('/')[-1]
        t = time.perf_counter()
        imp = ct.start_import(Destinations=[store['EventDataStoreArn']],
                              ImportSource={'S3': {'S3LocationUri': 's3://lake-bench-logs/AWSLogs/',
                                                   'S3BucketRegion': 'us-east-1',
                                                   'S3BucketAccessRoleArn': f'arn:aws:iam::{ACCOUNT}:role/import'}})
        while True:
            state = ct.get_import(ImportId=imp['ImportId'])
            if state['ImportStatus'] not in ('INITIALIZING', 'IN_PROGRESS'):
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - t
        events = state['ImportStatistics'].get('EventsCompleted', 0)
        print(f'trailkeeper import {events} events from {len(files)} files in {seconds:.1f} s = '
              f'{events / seconds:,.0f} events/s, status {state["ImportStatus"]}', flush=True)
        store_bytes = sum(os.path.getsize(p) for p in glob.glob(os.path.join(data, 'lake', 'stores', store_id + '.sqlite*')))
        gz_bytes = sum(os.path.getsize(p) for p in files)
        print(f'storage    trailkeeper store {store_bytes / max(events, 1):7.1f} B/event   gzipped log files '
              f'{gz_bytes / max(events, 1):7.1f} B/event   ratio {store_bytes / max(gz_bytes, 1):.2f}', flush=True)
        results = {}
        for name, (sql, _) in queries(store_id, day).items():
            times, executions, rows = [], [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                qid = ct.start_query(QueryStatement=sql)['QueryId']
                while True:
                    d = ct.describe_query(QueryId=qid)
                    if d['QueryStatus'] not in ('QUEUED', 'RUNNING'):
                        break
                    time.sleep(0.005)
                if d['QueryStatus'] != 'FINISHED':
                    raise RuntimeError(f'{name}: {d}')
                rows, token = [], None
                while True:
                    kw = {'QueryId': qid, 'MaxQueryResults': 1000}
                    if token:
                        kw['NextToken'] = token
                    page = ct.get_query_results(**kw)
                    rows += [[list(c.values())[0] for c in r] for r in page.get('QueryResultRows', [])]
                    token = page.get('NextToken')
                    if not token:
                        break
                times.append(time.perf_counter() - t)
                executions.append(d['QueryStatistics'].get('ExecutionTimeInMillis', 0))
            results[name] = {'seconds': times, 'rows': normalise(rows)}
            print(f'trailkeeper {name:27s} {"":10s} {fmt(times)}  rows={len(rows)}  '
                  f'ExecutionTimeInMillis median {statistics.median(executions)}', flush=True)
        return results
    finally:
        server.terminate()
        server.wait()
        if not args.data_dir and not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--logs', required=True, help='output folder of generate.py')
    parser.add_argument('--trailkeeper', help='the trailkeeper binary (omit to run DuckDB only)')
    parser.add_argument('--data-dir', help='data dir for trailkeeper serve (default: a temporary one)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary data dir')
    parser.add_argument('--day', default='2026-10-15', help='the selective query\'s day')
    parser.add_argument('--repeat', type=int, default=3, help='runs per trailkeeper query')
    parser.add_argument('--duckdb-repeat', type=int, default=1, help='runs per DuckDB query')
    parser.add_argument('--threads', type=int, help='DuckDB threads (default: all cores)')
    args = parser.parse_args()
    ours = run_trailkeeper(args, args.day) if args.trailkeeper else None
    if args.threads:
        os.environ['DUCKDB_THREADS'] = str(args.threads)
    theirs = run_duckdb(args.logs, args.day, args.duckdb_repeat)
    if ours:
        print()
        print(f'{"query":28s} {"trailkeeper median":>20s} {"duckdb":>12s} {"speed-up":>9s}  answers')
        for (name, label), duck in theirs.items():
            mine = ours[name]
            ratio = statistics.median(duck['seconds']) / statistics.median(mine['seconds'])
            same = 'same' if mine['rows'] == duck['rows'] else 'DIFFER'
            print(f'{name + " (" + label + ")":40s} {statistics.median(mine["seconds"]):8.3f} s '
                  f'{statistics.median(duck["seconds"]):10.3f} s {ratio:8.1f}×  {same}')


if __name__ == '__main__':
    main()
