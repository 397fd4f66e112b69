"""Signs the requests given on stdin with botocore (the AWS CLI's signer); prints the results."""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials

out = []
for case in json.load(sys.stdin):
    request = botocore.awsrequest.AWSRequest(method=case["method"], url=case["url"], headers=case["headers"],
                                             data=case["body"].encode())
    credentials = botocore.credentials.Credentials(case["key"], case["secret"], case.get("token"))
    signer = botocore.auth.S3SigV4Auth if case["service"] == "s3" else botocore.auth.SigV4Auth
    with mock.patch("botocore.auth.get_current_datetime", return_value=datetime.datetime(2024, 5, 1, 13, 2, 15)):
        signer(credentials, case["service"], case["region"]).add_auth(request)
    out.append({k: v for k, v in request.headers.items()})
json.dump(out, sys.stdout)
