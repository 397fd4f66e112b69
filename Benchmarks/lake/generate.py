#!/usr/bin/env python3
"""Writes synthetic CloudTrail log files (gzipped `{"Records":[...]}`, CloudTrail's own object-key layout) for the
Lake benchmark. Seeded and independent draws per event: user (500), eventName (60, Zipf-like weights, each with its
eventSource and readOnly), region (4), errorCode (~3 %), source IP, user agent, request parameters.

    python3 Benchmarks/lake/generate.py --events 10000000 --days 30 --out /tmp/lakebench/logs

Prints one JSON line: events, files, gzip bytes, uncompressed bytes, the first day (for the selective query).
"""
import argparse
import datetime
import gzip
import json
import multiprocessing
import os
import random
import uuid

ACCOUNT = '123456789012'
REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']
SERVICES = {
    's3.amazonaws.com': ['GetObject', 'PutObject', 'ListBuckets', 'GetBucketAcl', 'PutBucketPolicy', 'DeleteObject',
                         'CreateBucket', 'HeadBucket', 'GetBucketLocation', 'ListObjects'],
    'ec2.amazonaws.com': ['DescribeInstances', 'RunInstances', 'TerminateInstances', 'DescribeVolumes',
                          'CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'DescribeSubnets', 'CreateTags',
                          'DescribeImages', 'StopInstances'],
    'iam.amazonaws.com': ['GetUser', 'ListUsers', 'CreateUser', 'AttachUserPolicy', 'CreateAccessKey', 'ListRoles',
                          'GetRole', 'PassRole', 'DeleteUser', 'PutRolePolicy'],
    'sts.amazonaws.com': ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken', 'AssumeRoleWithWebIdentity',
                          'DecodeAuthorizationMessage', 'GetAccessKeyInfo', 'GetFederationToken',
                          'AssumeRoleWithSAML', 'TagSession', 'SetSourceIdentity'],
    'dynamodb.amazonaws.com': ['DescribeTable', 'ListTables', 'CreateTable', 'UpdateTable', 'DeleteTable',
                               'DescribeContinuousBackups', 'TagResource', 'ListTagsOfResource', 'CreateBackup',
                               'DescribeTimeToLive'],
    'kms.amazonaws.com': ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ListKeys', 'CreateKey',
                          'ScheduleKeyDeletion', 'ListAliases', 'GetKeyPolicy', 'PutKeyPolicy'],
}
READ_PREFIXES = ('Get', 'List', 'Describe', 'Head', 'Decrypt', 'Lookup')
ERRORS = ['AccessDenied', 'ThrottlingException', 'Client.UnauthorizedOperation', 'NoSuchKey', 'ValidationException']
AGENTS = ['aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22 prompt/off command/s3.cp',
          'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#legacy',
          'console.amazonaws.com', 'aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux api/s3#1.47.7',
          'Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0']


def catalogue():
    names = []
    for source, events in SERVICES.items():
        for name in events:
            names.append((source, name, name.startswith(READ_PREFIXES)))
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(names))]
    return names, weights


def user(index):
    return f'arn:aws:iam::{ACCOUNT}:user/user-{index:03d}', f'user-{index:03d}', f'AIDA{index:016d}'


def record(rng, when, names, weights):
    source, name, read_only = rng.choices(names, weights)[0]
    u = rng.randrange(500)
    arn, username, principal = user(u)
    region = rng.choice(REGIONS)
    error = rng.choice(ERRORS) if rng.random() < 0.03 else None
    ip = f'203.0.{u % 256}.{rng.randrange(1, 255)}'
    bucket = f'bucket-{rng.randrange(40):02d}'
    params = {'bucketName': bucket, 'key': f'data/{rng.randrange(100000)}.parquet'} if source == 's3.amazonaws.com' \
        else {'resourceId': f'r-{rng.getrandbits(40):010x}', 'maxResults': rng.randrange(1, 1000)}
    rec = {
        'eventVersion': '1.09',
        'userIdentity': {'type': 'IAMUser', 'principalId': principal, 'arn': arn, 'accountId': ACCOUNT,
                         'accessKeyId': f'AKIA{u:016d}', 'userName': username},
        'eventTime': when.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'eventSource': source, 'eventName': name, 'awsRegion': region, 'sourceIPAddress': ip,
        'userAgent': rng.choice(AGENTS), 'requestParameters': params,
        'responseElements': None, 'requestID': str(uuid.UUID(int=rng.getrandbits(128))),
        'eventID': str(uuid.UUID(int=rng.getrandbits(128))), 'readOnly': read_only, 'eventType': 'AwsApiCall',
        'managementEvent': True, 'recipientAccountId': ACCOUNT, 'eventCategory': 'Management',
        'tlsDetails': {'tlsVersion': 'TLSv1.3', 'cipherSuite': 'TLS_AES_128_GCM_SHA256',
                       'clientProvidedHostHeader': source.replace('amazonaws.com', f'{region}.amazonaws.com')},
    }
    if error:
        rec['errorCode'] = error
        rec['errorMessage'] = f'User: {arn} is not authorized to perform: {name}'
    return rec


def write_day(job):
    out, day_start, count, per_file, seed = job
    rng = random.Random(seed)
    names, weights = catalogue()
    seconds = sorted(rng.randrange(86400) for _ in range(count))
    files = gz_bytes = raw_bytes = 0
    for first in range(0, count, per_file):
        chunk = seconds[first:first + per_file]
        stamp = day_start + datetime.timedelta(seconds=chunk[0])
        records = [record(rng, day_start + datetime.timedelta(seconds=s), names, weights) for s in chunk]
        body = json.dumps({'Records': records}, separators=(',', ':')).encode()
        folder = os.path.join(out, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', stamp.strftime('%Y/%m/%d'))
        os.makedirs(folder, exist_ok=True)
        name = f'{ACCOUNT}_CloudTrail_us-east-1_{stamp.strftime("%Y%m%dT%H%MZ")}_{rng.getrandbits(64):016X}.json.gz'
        data = gzip.compress(body, compresslevel=6, mtime=0)
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data)
        files += 1
        gz_bytes += len(data)
        raw_bytes += len(body)
    return files, gz_bytes, raw_bytes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--events', type=int, default=1_000_000)
    parser.add_argument('--days', type=int, default=30)
    parser.add_argument('--per-file', type=int, default=5000)
    parser.add_argument('--first-day', default='2026-10-01')
    parser.add_argument('--seed', type=int, default=6)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    first = datetime.datetime.strptime(args.first_day, '%Y-%m-%d').replace(tzinfo=datetime.timezone.utc)
    base, extra = divmod(args.events, args.days)
    jobs = [(args.out, first + datetime.timedelta(days=d), base + (1 if d < extra else 0), args.per_file, args.seed * 1000 + d)
            for d in range(args.days)]
    with multiprocessing.Pool(os.cpu_count()) as pool:
        results = pool.map(write_day, jobs)
    print(json.dumps({'events': args.events, 'files': sum(r[0] for r in results),
                      'gzip_bytes': sum(r[1] for r in results), 'json_bytes': sum(r[2] for r in results),
                      'first_day': args.first_day, 'days': args.days}))


if __name__ == '__main__':
    main()
