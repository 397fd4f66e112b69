"""CloudTrail Lake queries through the AWS CLI and boto3: paging, statistics, ListQueries, CancelQuery, limits,
restarts and delivery of results to S3 with a verifiable sign file."""
import base64
import gzip
import hashlib
import json
import os
import time

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from lake_query_support import ALIAS, all_rows, loaded_store, run


def test_cli_pages_results_with_max_query_results(server):
    loaded_store(server, count=30)
    out = server.aws("cloudtrail", "start-query", "--query-statement",
                     f"SELECT eventName, userIdentity.userName FROM {ALIAS} ORDER BY eventTime")
    query_id = json.loads(out.stdout)["QueryId"]
    assert len(query_id) == 36 and query_id == query_id.lower()
    client = server.client()
    run_status = None
    for _ in range(600):
        described = json.loads(server.aws("cloudtrail", "describe-query", "--query-id", query_id).stdout)
        run_status = described["QueryStatus"]
        if run_status not in ("QUEUED", "RUNNING"):
            break
    assert run_status == "FINISHED"
    stats = described["QueryStatistics"]
    assert stats["EventsMatched"] == 30 and stats["EventsScanned"] >= 30 and "CreationTime" in stats
    rows, token, pages = [], None, 0
    while True:
        args = ["cloudtrail", "get-query-results", "--query-id", query_id, "--max-query-results", "7"]
        if token:
            args += ["--next-token", token]
        page = json.loads(server.aws(*args).stdout)
        assert page["QueryStatistics"]["TotalResultsCount"] == 30
        assert page["QueryStatistics"]["ResultsCount"] == len(page["QueryResultRows"])
        rows += page["QueryResultRows"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 5 and len(rows) == 30
    assert rows[0] == [{"eventName": "ConsoleLogin"}, {"userName": "user0"}]
    assert rows[1] == [{"eventName": "DescribeInstances"}, {"userName": "user1"}]
    assert all_rows(client, query_id) == rows


def test_errors_have_aws_names(server):
    loaded_store(server, count=3)
    client = server.client()
    query_id, described = run(client, f"SELECT eventName FROM {ALIAS}")
    with pytest.raises(ClientError) as error:
        client.get_query_results(QueryId=query_id, MaxQueryResults=1001)
    assert error.value.response["Error"]["Code"] == "InvalidMaxResultsException"
    token = client.get_query_results(QueryId=query_id, MaxQueryResults=1)["NextToken"]
    other, _ = run(client, f"SELECT eventName FROM {ALIAS}")
    with pytest.raises(ClientError) as error:
        client.get_query_results(QueryId=other, NextToken=token)
    assert error.value.response["Error"]["Code"] == "InvalidNextTokenException"
    with pytest.raises(ClientError) as error:
        client.describe_query(QueryId="00000000-0000-4000-8000-000000000000")
    assert error.value.response["Error"]["Code"] == "QueryIdNotFoundException"
    with pytest.raises(ClientError) as error:
        client.cancel_query(QueryId=query_id)
    assert error.value.response["Error"]["Code"] == "InactiveQueryException"
    with pytest.raises(ClientError) as error:
        client.start_query(QueryStatement=f"SELECT nosuchcolumn FROM {ALIAS}")
    assert error.value.response["Error"]["Code"] == "InvalidQueryStatementException"
    with pytest.raises(ClientError) as error:
        client.start_query(QueryStatement="SELECT eventName FROM no_such_store")
    assert error.value.response["Error"]["Code"] == "EventDataStoreNotFoundException"
    with pytest.raises(ClientError) as error:
        client.list_queries(EventDataStore=ALIAS, QueryStatus="DONE")
    assert error.value.response["Error"]["Code"] == "InvalidQueryStatusException"


def test_list_queries_newest_first_with_filters(server):
    arn = loaded_store(server, count=3)
    client = server.client()
    ids = [run(client, f"SELECT eventName FROM {ALIAS} LIMIT {n}")[0] for n in (1, 2, 3)]
    listed = client.list_queries(EventDataStore=arn)["Queries"]
    mine = [q["QueryId"] for q in listed if q["QueryId"] in ids]
    assert mine == list(reversed(ids))
    assert all(q["QueryStatus"] == "FINISHED" for q in listed)
    page = client.list_queries(EventDataStore=arn, MaxResults=1)
    assert len(page["Queries"]) == 1 and "NextToken" in page
    assert client.list_queries(EventDataStore=arn, QueryStatus="CANCELLED")["Queries"] == []


def test_cancel_and_timeout_of_a_long_query(make_server):
    server = make_server("--config", _config(make_server, "lake:\n  query:\n    timeout: 2s\n"))
    loaded_store(server, count=200)
    client = server.client()
    heavy = f"SELECT count(*) FROM {ALIAS} a CROSS JOIN {ALIAS} b CROSS JOIN {ALIAS} c CROSS JOIN {ALIAS} d"
    query_id, described = run(client, heavy, timeout=30)
    assert described["QueryStatus"] == "TIMED_OUT"
    query_id = client.start_query(QueryStatement=heavy)["QueryId"]
    cancelled = client.cancel_query(QueryId=query_id)
    assert cancelled["QueryStatus"] == "CANCELLED"
    assert client.describe_query(QueryId=query_id)["QueryStatus"] == "CANCELLED"


def test_results_survive_a_restart(make_server):
    server = make_server()
    loaded_store(server, count=12)
    client = server.client()
    query_id, _ = run(client, f"SELECT eventName FROM {ALIAS}")
    before = all_rows(client, query_id, page=5)
    token = client.get_query_results(QueryId=query_id, MaxQueryResults=5)["NextToken"]
    server.kill()
    again = make_server(data_dir=server.data_dir)
    assert all_rows(again.client(), query_id, page=5) == before
    # Page tokens stay valid: their key is kept in the data directory.
    resumed = again.client().get_query_results(QueryId=query_id, MaxQueryResults=5, NextToken=token)
    assert resumed["QueryResultRows"] == before[5:10]
    assert again.client().describe_query(QueryId=query_id)["QueryStatus"] == "FINISHED"


def test_delivery_to_an_embedded_bucket_with_a_verifiable_sign_file(server):
    loaded_store(server, count=10)
    client = server.client()
    s3 = server.client("s3")
    s3.create_bucket(Bucket="lake-results")
    query_id, described = run(client, f"SELECT eventName, eventTime FROM {ALIAS}", DeliveryS3Uri="s3://lake-results/out")
    for _ in range(100):
        described = client.describe_query(QueryId=query_id)
        if described.get("DeliveryStatus") != "PENDING":
            break
    assert described["DeliveryStatus"] == "SUCCESS" and described["DeliveryS3Uri"] == "s3://lake-results/out"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake-results", Prefix="out/AWSLogs/")["Contents"]]
    folder = [k for k in keys if k.endswith("/result_sign.json")][0].rsplit("/", 1)[0]
    assert folder.startswith("out/AWSLogs/123456789012/CloudTrail-Lake/Query/") and folder.endswith("/" + query_id)
    sign = json.loads(s3.get_object(Bucket="lake-results", Key=folder + "/result_sign.json")["Body"].read())
    hashes_ = []
    rows = 0
    for entry in sign["files"]:
        body = s3.get_object(Bucket="lake-results", Key=folder + "/" + entry["fileName"])["Body"].read()
        assert hashlib.sha256(body).hexdigest() == entry["fileHashValue"]
        hashes_.append(entry["fileHashValue"])
        rows += len(gzip.decompress(body).decode().splitlines()) - 1
    assert rows == 10
    keys = client.list_public_keys()["PublicKeyList"]
    key = [k for k in keys if k["Fingerprint"] == sign["publicKeyFingerprint"]][0]
    public = _rsa_public_key(key["Value"])
    public.verify(bytes.fromhex(sign["hashSignature"]), " ".join(hashes_).encode(), padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(ClientError) as error:
        client.start_query(QueryStatement=f"SELECT eventName FROM {ALIAS}", DeliveryS3Uri="s3://no-such-bucket-here")
    assert error.value.response["Error"]["Code"] == "S3BucketDoesNotExistException"


def _rsa_public_key(der):
    """ListPublicKeys serves PKCS#1 RSAPublicKey DER; wrap it as PEM for `cryptography`."""
    pem = b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(der) + b"-----END RSA PUBLIC KEY-----\n"
    return serialization.load_pem_public_key(pem)


def _config(make_server, text):
    import tempfile
    path = os.path.join(tempfile.mkdtemp(prefix="tk-lake-config-"), "config.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path
