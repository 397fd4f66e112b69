"""Signs the requests described on stdin with botocore, at a fixed time, and prints the results.

Input: a JSON list of cases, each {"kind": "header" | "presign", "method", "url", "headers": [[name, value], ...],
"body", "service", "region", "key", "secret", "token" (optional), "time" (Unix seconds), "expires" (presign only)}.
Output: a JSON list, one per case: {"headers": [[name, value], ...]} for "header", {"url": "..."} for "presign".
Only the example keys of the tests pass through here; nothing is written anywhere but stdout.
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials


def sign(case):
    request = botocore.awsrequest.AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode())
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders keeps repeated names
    credentials = botocore.credentials.Credentials(case["key"], case["secret"], case.get("token"))
    s3 = case["service"] == "s3"
    if case["kind"] == "presign":
        signer_class = botocore.auth.S3SigV4QueryAuth if s3 else botocore.auth.SigV4QueryAuth
        signer = signer_class(credentials, case["service"], case["region"], expires=case["expires"])
    else:
        signer_class = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
        signer = signer_class(credentials, case["service"], case["region"])
    now = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        signer.add_auth(request)
    if case["kind"] == "presign":
        return {"url": request.url}
    return {"headers": [[name, value] for name, value in request.headers.items()]}


json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)
