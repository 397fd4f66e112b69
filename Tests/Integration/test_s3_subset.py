"""The S3 REST subset of the server, driven by the real AWS CLI (and boto3), over the file store."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import chunk_signed_put  # noqa: E402


def s3cli(server, *args, check=True, config=None):
    """Runs `aws <args>` against the server through AWS_ENDPOINT_URL_S3 (no --endpoint-url)."""
    env = server.env()
    env["AWS_ENDPOINT_URL_S3"] = server.endpoint
    if config:
        env["AWS_CONFIG_FILE"] = config
    result = subprocess.run(["aws", "--output", "json"] + list(args), env=env, capture_output=True, text=True,
                            timeout=180)
    if check and result.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
    return result


def out(result):
    return json.loads(result.stdout) if result.stdout.strip() else None


def s3client(server, secret=None):
    key, real = server.credentials()
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret or real, config=Config(retries={"max_attempts": 1}))


def files_under(root):
    found = []
    for directory, _, names in os.walk(root):
        for name in names:
            found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


@pytest.fixture
def bucket(server):
    s3cli(server, "s3api", "create-bucket", "--bucket", "trail-bucket")
    return "trail-bucket"


def test_bucket_lifecycle(server):
    created = out(s3cli(server, "s3api", "create-bucket", "--bucket", "logs-us"))
    assert created["Location"] == "/logs-us"
    s3cli(server, "s3api", "create-bucket", "--bucket", "logs-eu",
          "--create-bucket-configuration", "LocationConstraint=eu-west-1")
    assert out(s3cli(server, "s3api", "get-bucket-location", "--bucket", "logs-us"))["LocationConstraint"] is None
    assert out(s3cli(server, "s3api", "get-bucket-location", "--bucket", "logs-eu"))["LocationConstraint"] == "eu-west-1"
    s3cli(server, "s3api", "head-bucket", "--bucket", "logs-eu")
    listed = out(s3cli(server, "s3api", "list-buckets"))
    assert [b["Name"] for b in listed["Buckets"]] == ["logs-eu", "logs-us"]
    assert "logs-us" in s3cli(server, "s3", "ls").stdout

    again = s3cli(server, "s3api", "create-bucket", "--bucket", "logs-us", check=False)
    assert again.returncode != 0 and "BucketAlreadyOwnedByYou" in again.stderr
    bad = s3cli(server, "s3api", "create-bucket", "--bucket", "metrics", check=False)
    assert bad.returncode != 0
    missing = s3cli(server, "s3api", "head-bucket", "--bucket", "no-such-bucket", check=False)
    assert missing.returncode != 0 and "404" in missing.stderr

    s3cli(server, "s3", "mb", "s3://made-by-mb")
    s3cli(server, "s3", "rb", "s3://made-by-mb")
    s3cli(server, "s3api", "delete-bucket", "--bucket", "logs-eu")
    assert [b["Name"] for b in out(s3cli(server, "s3api", "list-buckets"))["Buckets"]] == ["logs-us"]
    assert os.path.isdir(os.path.join(server.data_dir, "objects", "logs-us"))
    assert not os.path.exists(os.path.join(server.data_dir, "objects", "logs-eu"))


def test_cp_up_and_down(server, bucket, tmp_path):
    small = write(tmp_path / "small.json", b'{"Records":[]}\n')
    big_bytes = os.urandom(5 * 1024 * 1024 + 123)
    big = write(tmp_path / "big.bin", big_bytes)
    s3cli(server, "s3", "cp", str(small), f"s3://{bucket}/AWSLogs/1/small.json")
    s3cli(server, "s3", "cp", str(big), f"s3://{bucket}/AWSLogs/1/big.bin")

    # The objects are plain files under DATA_DIR/objects, and nothing else is there.
    objects = os.path.join(server.data_dir, "objects")
    assert files_under(objects) == ["trail-bucket/AWSLogs/1/big.bin", "trail-bucket/AWSLogs/1/small.json"]
    assert open(os.path.join(objects, bucket, "AWSLogs/1/big.bin"), "rb").read() == big_bytes

    s3cli(server, "s3", "cp", f"s3://{bucket}/AWSLogs/1/small.json", str(tmp_path / "small.back"))
    s3cli(server, "s3", "cp", f"s3://{bucket}/AWSLogs/1/big.bin", str(tmp_path / "big.back"))
    assert open(tmp_path / "small.back", "rb").read() == b'{"Records":[]}\n'
    assert open(tmp_path / "big.back", "rb").read() == big_bytes

    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "AWSLogs/1/big.bin"))
    assert head["ContentLength"] == len(big_bytes)
    assert head["ETag"] == '"%s"' % hashlib.md5(big_bytes).hexdigest()


def test_large_object_through_ranged_downloads(server, bucket, tmp_path):
    """Over the CLI's 8 MB threshold a download is many concurrent ranged GETs; a single PUT stores it."""
    data = os.urandom(20 * 1024 * 1024 + 7)
    s3client(server).put_object(Bucket=bucket, Key="big/twenty.bin", Body=data)
    s3cli(server, "s3", "cp", f"s3://{bucket}/big/twenty.bin", str(tmp_path / "twenty.back"))
    assert open(tmp_path / "twenty.back", "rb").read() == data


def test_ls_recursive_prefix_and_delimiter(server, bucket, tmp_path):
    src = write(tmp_path / "f", b"x")
    for key in ["a-c", "a/b", "a/c/d", "a0", "b/x.json", "top.txt"]:
        s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/{key}")
    recursive = s3cli(server, "s3", "ls", f"s3://{bucket}/", "--recursive").stdout.splitlines()
    assert [line.split()[-1] for line in recursive] == ["a-c", "a/b", "a/c/d", "a0", "b/x.json", "top.txt"]
    top = s3cli(server, "s3", "ls", f"s3://{bucket}/").stdout.splitlines()
    assert [line.split()[-1] for line in top] == ["a/", "b/", "a-c", "a0", "top.txt"]
    inside = s3cli(server, "s3", "ls", f"s3://{bucket}/a/").stdout.splitlines()
    assert [line.split()[-1] for line in inside] == ["c/", "b"]
    listed = out(s3cli(server, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "a", "--delimiter", "/"))
    assert [c["Key"] for c in listed["Contents"]] == ["a-c", "a0"]
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["a/"]


def test_list_objects_v1_and_v2_pagination(server, bucket):
    client = s3client(server)
    keys = [f"logs/{i:03d}.json" for i in range(9)] + ["logs/sub/x.json", "other"]
    for key in keys:
        client.put_object(Bucket=bucket, Key=key, Body=b"{}")
    v1 = out(s3cli(server, "s3api", "list-objects", "--bucket", bucket, "--marker", "logs/004.json"))
    assert [c["Key"] for c in v1["Contents"]] == keys[5:]
    v1_pages = out(s3cli(server, "s3api", "list-objects", "--bucket", bucket, "--page-size", "2"))
    assert [c["Key"] for c in v1_pages["Contents"]] == sorted(keys)
    grouped = client.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=1)
    assert grouped["IsTruncated"] and grouped["NextMarker"] == "logs/"

    seen, token = [], None
    while True:
        args = ["s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "logs/", "--page-size", "2",
                "--max-items", "3"]
        if token:
            args += ["--starting-token", token]
        page = out(s3cli(server, *args))
        seen += [c["Key"] for c in page.get("Contents", [])]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(k for k in keys if k.startswith("logs/"))
    paginator = client.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
    assert [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])] == ["logs/"]
    assert [c["Key"] for page in pages for c in page.get("Contents", [])] == ["other"]


def test_range_and_metadata(server, bucket, tmp_path):
    body = write(tmp_path / "d.json", b"0123456789abcdef")
    s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "digest.json", "--body", str(body),
          "--content-type", "application/json", "--metadata", "Signature=abc123,signing-algorithm=SHA256withRSA")
    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "digest.json"))
    assert head["Metadata"] == {"signature": "abc123", "signing-algorithm": "SHA256withRSA"}
    assert head["ContentType"] == "application/json"
    assert head["ContentLength"] == 16
    assert head["ETag"] == '"%s"' % hashlib.md5(b"0123456789abcdef").hexdigest()
    # Metadata lives outside the key tree.
    assert files_under(os.path.join(server.data_dir, "objects", bucket)) == ["digest.json"]
    ranged = out(s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "digest.json",
                       "--range", "bytes=2-5", str(tmp_path / "part")))
    assert ranged["ContentRange"] == "bytes 2-5/16"
    assert open(tmp_path / "part", "rb").read() == b"2345"
    tail = out(s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "digest.json",
                     "--range", "bytes=-3", str(tmp_path / "tail")))
    assert ranged["ContentLength"] == 4 and tail["ContentRange"] == "bytes 13-15/16"
    bad = s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "digest.json", "--range", "bytes=99-",
                str(tmp_path / "none"), check=False)
    assert bad.returncode != 0 and "InvalidRange" in bad.stderr


def test_delete_object(server, bucket, tmp_path):
    src = write(tmp_path / "f", b"x")
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/deep/er/file.json")
    s3cli(server, "s3api", "delete-object", "--bucket", bucket, "--key", "deep/er/file.json")
    gone = s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "deep/er/file.json", check=False)
    assert gone.returncode != 0 and "404" in gone.stderr
    # Empty parent directories go too; the bucket's stays.
    assert os.listdir(os.path.join(server.data_dir, "objects", bucket)) == []
    s3cli(server, "s3api", "delete-object", "--bucket", bucket, "--key", "never/existed")
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/again")
    s3cli(server, "s3", "rm", f"s3://{bucket}/again")
    assert s3cli(server, "s3", "ls", f"s3://{bucket}/").stdout == ""


def test_errors(server, bucket, tmp_path):
    missing_key = s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "nope", str(tmp_path / "x"),
                        check=False)
    assert missing_key.returncode != 0 and "NoSuchKey" in missing_key.stderr
    missing_bucket = s3cli(server, "s3api", "list-objects-v2", "--bucket", "no-such-bucket", check=False)
    assert missing_bucket.returncode != 0 and "NoSuchBucket" in missing_bucket.stderr
    not_empty = s3cli(server, "s3", "cp", str(write(tmp_path / "f", b"x")), f"s3://{bucket}/k")
    assert not_empty.returncode == 0
    refused = s3cli(server, "s3api", "delete-bucket", "--bucket", bucket, check=False)
    assert "BucketNotEmpty" in refused.stderr

    with pytest.raises(ClientError) as wrong:
        s3client(server, secret="x" * 40).list_objects_v2(Bucket=bucket)
    assert wrong.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert wrong.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    credentials = tmp_path / "wrong-credentials"
    key, _ = server.credentials()
    credentials.write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {'y' * 40}\n")
    env = server.env()
    env.update(AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_ENDPOINT_URL_S3=server.endpoint)
    cli = subprocess.run(["aws", "s3", "ls", f"s3://{bucket}/"], env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode != 0 and "SignatureDoesNotMatch" in cli.stderr

    unsigned = requests.get(f"{server.endpoint}/{bucket}")
    assert unsigned.status_code == 403
    assert "<Code>AccessDenied</Code>" in unsigned.text and unsigned.headers["x-amz-request-id"]
    bad_key = s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "a//b", check=False)
    assert bad_key.returncode != 0 and "InvalidArgument" in bad_key.stderr


def test_keys_with_spaces_unicode_and_symbols(server, bucket, tmp_path):
    src = write(tmp_path / "f", "ünïcödé body".encode())
    key = "dir with space/é ü+plus%percent&amp=eq.txt"
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/{key}")
    listed = s3cli(server, "s3", "ls", f"s3://{bucket}/", "--recursive").stdout
    assert key in listed
    v1 = out(s3cli(server, "s3api", "list-objects", "--bucket", bucket, "--prefix", "dir with space/"))
    assert [c["Key"] for c in v1["Contents"]] == [key]
    s3cli(server, "s3", "cp", f"s3://{bucket}/{key}", str(tmp_path / "back"))
    assert open(tmp_path / "back", "rb").read() == "ünïcödé body".encode()
    assert os.path.isfile(os.path.join(server.data_dir, "objects", bucket, key))
    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", key))
    assert head["ContentLength"] == len("ünïcödé body".encode())


def test_changes_on_disk_are_visible(server, bucket, tmp_path):
    src = write(tmp_path / "f", b'{"Records":[1]}')
    s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "t.json", "--body", str(src),
          "--metadata", "signature=abc")
    path = os.path.join(server.data_dir, "objects", bucket, "t.json")
    with open(path, "wb") as f:
        f.write(b'{"Records":[1,2,3]}')
    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "t.json"))
    assert head["ContentLength"] == len(b'{"Records":[1,2,3]}')
    assert head["ETag"] == '"%s"' % hashlib.md5(b'{"Records":[1,2,3]}').hexdigest()
    assert head["Metadata"] == {"signature": "abc"}
    # A file dropped in by hand is an object too.
    write(os.path.join(server.data_dir, "objects", bucket, "dropped.json"), b"{}")
    listed = out(s3cli(server, "s3api", "list-objects-v2", "--bucket", bucket))
    assert [c["Key"] for c in listed["Contents"]] == ["dropped.json", "t.json"]


def test_objects_survive_a_restart_and_other_routes_still_answer(make_server, tmp_path):
    data_dir = tempfile.mkdtemp(prefix="tk-s3-")
    try:
        server = make_server(data_dir=data_dir)
        s3cli(server, "s3api", "create-bucket", "--bucket", "persist-bucket")
        src = write(tmp_path / "f", b"kept")
        s3cli(server, "s3", "cp", str(src), "s3://persist-bucket/k")
        assert requests.get(server.endpoint + "/health").json() == {"status": "ok"}
        assert "Events" in json.loads(server.aws("cloudtrail", "lookup-events").stdout)
        server.kill()
        again = make_server(data_dir=data_dir)
        s3cli(again, "s3", "cp", "s3://persist-bucket/k", str(tmp_path / "back"))
        assert open(tmp_path / "back", "rb").read() == b"kept"
    finally:
        import shutil
        shutil.rmtree(data_dir, ignore_errors=True)


# --- ACLs, tagging, configurations, chunk-signed bodies ---


def failure(result, code):
    """Whether an `aws` run failed with S3's error `code`."""
    return result.returncode != 0 and f"({code})" in result.stderr


def test_acls_are_the_owners_full_control(server, bucket, tmp_path):
    src = write(tmp_path / "f", b"acl body")
    s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", str(src))
    owner = out(s3cli(server, "s3api", "list-buckets"))["Owner"]
    for args in (["get-bucket-acl", "--bucket", bucket], ["get-object-acl", "--bucket", bucket, "--key", "k"]):
        acl = out(s3cli(server, "s3api", *args))
        assert acl["Owner"] == owner
        assert acl["Grants"] == [{"Grantee": dict(owner, Type="CanonicalUser"), "Permission": "FULL_CONTROL"}]

    s3cli(server, "s3api", "put-object-acl", "--bucket", bucket, "--key", "k", "--acl", "private")
    s3cli(server, "s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "private")
    s3cli(server, "s3api", "put-object-acl", "--bucket", bucket, "--key", "k", "--acl", "bucket-owner-full-control")
    refused = s3cli(server, "s3api", "put-object-acl", "--bucket", bucket, "--key", "k", "--acl", "public-read",
                    check=False)
    assert failure(refused, "AccessControlListNotSupported") and "The bucket does not allow ACLs" in refused.stderr
    assert failure(s3cli(server, "s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "public-read-write",
                         check=False), "AccessControlListNotSupported")
    assert failure(s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "public", "--body", str(src),
                         "--acl", "public-read", check=False), "AccessControlListNotSupported")
    assert failure(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "public", check=False), "404")
    ownership = out(s3cli(server, "s3api", "get-bucket-ownership-controls", "--bucket", bucket))
    assert ownership["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_object_and_bucket_tagging(server, bucket, tmp_path):
    src = write(tmp_path / "f", b"tagged")
    s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "t", "--body", str(src),
          "--tagging", "team=audit&retain=7%20years")
    tags = out(s3cli(server, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "t"))["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("retain", "7 years"), ("team", "audit")]
    got = out(s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "t", str(tmp_path / "back")))
    assert got["TagCount"] == 2

    s3cli(server, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "t",
          "--tagging", "TagSet=[{Key=classification,Value=internal}]")
    tags = out(s3cli(server, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "t"))["TagSet"]
    assert tags == [{"Key": "classification", "Value": "internal"}]
    s3cli(server, "s3api", "delete-object-tagging", "--bucket", bucket, "--key", "t")
    assert out(s3cli(server, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "t"))["TagSet"] == []
    assert "TagCount" not in out(s3cli(server, "s3api", "get-object", "--bucket", bucket, "--key", "t",
                                       str(tmp_path / "back")))

    eleven = ",".join(f"{{Key=k{i},Value=v}}" for i in range(11))
    assert failure(s3cli(server, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "t",
                         "--tagging", f"TagSet=[{eleven}]", check=False), "BadRequest")
    assert failure(s3cli(server, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "t",
                         "--tagging", "TagSet=[{Key=aws:x,Value=v}]", check=False), "InvalidTag")

    assert failure(s3cli(server, "s3api", "get-bucket-tagging", "--bucket", bucket, check=False), "NoSuchTagSet")
    s3cli(server, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "TagSet=[{Key=cost,Value=42}]")
    assert out(s3cli(server, "s3api", "get-bucket-tagging", "--bucket", bucket))["TagSet"] == [
        {"Key": "cost", "Value": "42"}]
    # Kept with the bucket's file, next to its region.
    with open(os.path.join(server.data_dir, "buckets", bucket + ".json")) as f:
        assert json.load(f)["tags"] == {"cost": "42"}
    s3cli(server, "s3api", "delete-bucket-tagging", "--bucket", bucket)
    assert failure(s3cli(server, "s3api", "get-bucket-tagging", "--bucket", bucket, check=False), "NoSuchTagSet")


def test_configurations_answer_the_true_state(server, bucket):
    def fails(code, *args):
        return failure(s3cli(server, "s3api", *args, "--bucket", bucket, check=False), code)

    assert fails("NoSuchBucketPolicy", "get-bucket-policy")
    assert fails("NoSuchBucketPolicy", "get-bucket-policy-status")
    assert fails("NoSuchCORSConfiguration", "get-bucket-cors")
    assert fails("NoSuchWebsiteConfiguration", "get-bucket-website")
    assert fails("ReplicationConfigurationNotFoundError", "get-bucket-replication")
    assert fails("ServerSideEncryptionConfigurationNotFoundError", "get-bucket-encryption")
    block = out(s3cli(server, "s3api", "get-public-access-block", "--bucket", bucket))
    assert block["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert out(s3cli(server, "s3api", "get-bucket-request-payment", "--bucket", bucket))["Payer"] == "BucketOwner"
    assert out(s3cli(server, "s3api", "get-bucket-logging", "--bucket", bucket)) is None or \
        "LoggingEnabled" not in out(s3cli(server, "s3api", "get-bucket-logging", "--bucket", bucket))
    assert "Status" not in (out(s3cli(server, "s3api", "get-bucket-accelerate-configuration", "--bucket", bucket)) or {})

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    refused = s3cli(server, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", policy, check=False)
    assert failure(refused, "InvalidRequest") and "DATA_DIR/credentials" in refused.stderr
    assert fails("NoSuchBucketPolicy", "get-bucket-policy")
    s3cli(server, "s3api", "delete-bucket-policy", "--bucket", bucket)
    s3cli(server, "s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
          "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
    assert fails("InvalidRequest", "put-public-access-block", "--public-access-block-configuration",
                 "BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
    assert fails("InvalidRequest", "delete-public-access-block")
    assert fails("InvalidRequest", "put-bucket-encryption", "--server-side-encryption-configuration",
                 '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}')


def test_chunk_signed_uploads(server, bucket):
    key, secret = server.credentials()
    data = os.urandom(200_000)

    def put(name, **options):
        return chunk_signed_put.put_chunk_signed(server.endpoint, bucket, name, data, key, secret, **options)

    ok = put("plain.bin")
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    assert open(os.path.join(server.data_dir, "objects", bucket, "plain.bin"), "rb").read() == data
    with_trailer = put("trailer.bin", trailer_crc32=True, chunk_size=8192)
    assert with_trailer.status_code == 200, with_trailer.text
    assert with_trailer.headers["x-amz-checksum-crc32"] == chunk_signed_put.crc32_base64(data)
    assert s3client(server).get_object(Bucket=bucket, Key="trailer.bin")["Body"].read() == data

    def flip_second_chunk(body):
        index = body.index(b"\r\n10000;chunk-signature=") + 2 + len(b"10000;chunk-signature=") + 64 + 2 + 5
        return body[:index] + bytes([body[index] ^ 1]) + body[index + 1:]

    def change_trailer(body):
        good = chunk_signed_put.crc32_base64(data).encode()
        return body.replace(b"x-amz-checksum-crc32:" + good, b"x-amz-checksum-crc32:" + b"A" * len(good))

    for name, response in [
        ("tampered-chunk", put("tampered-chunk", tamper=flip_second_chunk)),
        ("tampered-trailer", put("tampered-trailer", trailer_crc32=True, tamper=change_trailer)),
        ("wrong-secret", chunk_signed_put.put_chunk_signed(server.endpoint, bucket, "wrong-secret", data, key,
                                                           "x" * 40)),
    ]:
        assert response.status_code == 403, (name, response.text)
        assert "<Code>SignatureDoesNotMatch</Code>" in response.text
        assert not os.path.exists(os.path.join(server.data_dir, "objects", bucket, name))


def test_chunk_signer_reproduces_the_aws_example():
    """The script's chain is AWS's own (sigv4-streaming, Example: PUT Object)."""
    import datetime
    headers, body, seed = chunk_signed_put.signed_chunked_request(
        "s3.amazonaws.com", "/examplebucket/chunkObject.txt", b"a" * 66560, "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        when=datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc),
        extra_headers={"x-amz-storage-class": "REDUCED_REDUNDANCY"})
    assert seed == "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    assert headers["content-length"] == "66824" and len(body) == 66824
    assert b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" in body
    assert b"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" in body
    assert body.endswith(b"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n")

# Multipart uploads, copies, batch deletes (the AWS CLI's and boto3's own transfer code).

MIB = 1024 * 1024


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def s3_raw(server, method, path, body=b"", headers=None):
    """A SigV4-signed S3 request with any body (botocore's S3 signer, payload hash signed)."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    key, secret = server.credentials()
    request = botocore.awsrequest.AWSRequest(method=method, url=server.endpoint + path, data=body,
                                             headers=headers or {})
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(key, secret), "s3", "us-east-1").add_auth(request)
    prepared = request.prepare()
    return requests.request(method, prepared.url, headers=dict(prepared.headers), data=body, timeout=60)


def test_boto3_upload_file_in_5mib_parts(server, bucket, tmp_path):
    from boto3.s3.transfer import TransferConfig
    source = write(tmp_path / "twenty.bin", os.urandom(20 * MIB))
    client = s3client(server)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    client.upload_file(str(source), bucket, "mp/twenty.bin", Config=config,
                       ExtraArgs={"Metadata": {"origin": "boto3"}, "ContentType": "application/octet-stream"})
    head = client.head_object(Bucket=bucket, Key="mp/twenty.bin")
    assert head["ETag"].endswith('-4"')
    assert head["ContentLength"] == 20 * MIB
    assert head["Metadata"] == {"origin": "boto3"}
    client.download_file(bucket, "mp/twenty.bin", str(tmp_path / "back.bin"), Config=config)
    assert sha256_of(tmp_path / "back.bin") == sha256_of(source)
    # The object is a plain file; the parts are gone.
    assert files_under(os.path.join(server.data_dir, "objects")) == ["trail-bucket/mp/twenty.bin"]
    assert files_under(os.path.join(server.data_dir, "tmp")) == []
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    attributes = client.get_object_attributes(Bucket=bucket, Key="mp/twenty.bin",
                                               ObjectAttributes=["ETag", "ObjectParts", "ObjectSize", "StorageClass"])
    assert attributes["ObjectParts"]["TotalPartsCount"] == 4
    assert [p["Size"] for p in attributes["ObjectParts"]["Parts"]] == [5 * MIB] * 4
    assert attributes["ObjectSize"] == 20 * MIB and attributes["StorageClass"] == "STANDARD"
    assert '"%s"' % attributes["ETag"] == head["ETag"]
    part = client.get_object(Bucket=bucket, Key="mp/twenty.bin", PartNumber=2)
    assert part["PartsCount"] == 4 and part["ContentRange"] == f"bytes {5 * MIB}-{10 * MIB - 1}/{20 * MIB}"
    assert part["Body"].read() == open(source, "rb").read()[5 * MIB:10 * MIB]


def test_cli_cp_of_17_mib_up_and_down(server, bucket, tmp_path):
    data = os.urandom(17 * MIB)
    source = write(tmp_path / "seventeen.bin", data)
    s3cli(server, "s3", "cp", str(source), f"s3://{bucket}/cli/seventeen.bin")
    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "cli/seventeen.bin"))
    assert head["ETag"].endswith('-3"')  # the CLI's 8 MiB parts
    s3cli(server, "s3", "cp", f"s3://{bucket}/cli/seventeen.bin", str(tmp_path / "back.bin"))
    assert sha256_of(tmp_path / "back.bin") == hashlib.sha256(data).hexdigest()
    # A server-side copy of a multipart-sized object: the CLI copies it with UploadPartCopy.
    s3cli(server, "s3", "cp", f"s3://{bucket}/cli/seventeen.bin", f"s3://{bucket}/cli/copy.bin")
    s3cli(server, "s3", "cp", f"s3://{bucket}/cli/copy.bin", str(tmp_path / "copy.bin"))
    assert sha256_of(tmp_path / "copy.bin") == hashlib.sha256(data).hexdigest()


def test_list_and_abort_multipart_uploads(server, bucket, tmp_path):
    created = out(s3cli(server, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "pending/a b.bin",
                        "--storage-class", "STANDARD_IA"))
    upload_id = created["UploadId"]
    other = out(s3cli(server, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "pending/c"))["UploadId"]
    part = write(tmp_path / "part", b"p" * 1000)
    uploaded = out(s3cli(server, "s3api", "upload-part", "--bucket", bucket, "--key", "pending/a b.bin",
                         "--part-number", "1", "--upload-id", upload_id, "--body", str(part)))
    assert uploaded["ETag"] == '"%s"' % hashlib.md5(b"p" * 1000).hexdigest()
    listed = out(s3cli(server, "s3api", "list-multipart-uploads", "--bucket", bucket, "--prefix", "pending/"))
    assert [(u["Key"], u["UploadId"]) for u in listed["Uploads"]] == [("pending/a b.bin", upload_id),
                                                                      ("pending/c", other)]
    assert listed["Uploads"][0]["StorageClass"] == "STANDARD_IA"
    parts = out(s3cli(server, "s3api", "list-parts", "--bucket", bucket, "--key", "pending/a b.bin",
                      "--upload-id", upload_id))
    assert [(p["PartNumber"], p["Size"]) for p in parts["Parts"]] == [(1, 1000)]
    for key, uid in [("pending/a b.bin", upload_id), ("pending/c", other)]:
        s3cli(server, "s3api", "abort-multipart-upload", "--bucket", bucket, "--key", key, "--upload-id", uid)
    after = out(s3cli(server, "s3api", "list-multipart-uploads", "--bucket", bucket))
    assert after is None or after.get("Uploads", []) == []
    again = s3cli(server, "s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "pending/c",
                  "--upload-id", other, check=False)
    assert again.returncode != 0 and "NoSuchUpload" in again.stderr
    assert os.listdir(os.path.join(server.data_dir, "tmp", "uploads")) == []


def test_an_upload_survives_a_restart(make_server, tmp_path):
    data_dir = tempfile.mkdtemp(prefix="tk-s3-mp-")
    try:
        server = make_server(data_dir=data_dir)
        client = s3client(server)
        client.create_bucket(Bucket="restart-bucket")
        upload_id = client.create_multipart_upload(Bucket="restart-bucket", Key="k")["UploadId"]
        first = os.urandom(5 * MIB)
        etag1 = client.upload_part(Bucket="restart-bucket", Key="k", UploadId=upload_id, PartNumber=1,
                                   Body=first)["ETag"]
        server.kill()
        server = make_server(data_dir=data_dir)
        client = s3client(server)
        etag2 = client.upload_part(Bucket="restart-bucket", Key="k", UploadId=upload_id, PartNumber=2,
                                   Body=b"tail")["ETag"]
        client.complete_multipart_upload(Bucket="restart-bucket", Key="k", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": etag1}, {"PartNumber": 2, "ETag": etag2}]})
        assert client.get_object(Bucket="restart-bucket", Key="k")["Body"].read() == first + b"tail"
    finally:
        import shutil
        shutil.rmtree(data_dir, ignore_errors=True)


def test_rm_recursive_and_delete_objects(server, bucket, tmp_path):
    """`aws s3 rm --recursive` (AWS CLI v1 deletes key by key), then DeleteObjects from the CLI and boto3."""
    src = write(tmp_path / "f", b"x")
    keys = ["logs/2024/a.json", "logs/2024/b.json", "logs/c d.json", "keep.json"]
    for key in keys:
        s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/{key}")
    removed = s3cli(server, "s3", "rm", f"s3://{bucket}/logs/", "--recursive")
    assert removed.stdout.count("delete:") == 3
    listed = out(s3cli(server, "s3api", "list-objects-v2", "--bucket", bucket))
    assert [c["Key"] for c in listed["Contents"]] == ["keep.json"]
    assert not os.path.exists(os.path.join(server.data_dir, "objects", bucket, "logs"))

    for key in ["x", "y"]:
        s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/{key}")
    deleted = out(s3cli(server, "s3api", "delete-objects", "--bucket", bucket, "--delete",
                        json.dumps({"Objects": [{"Key": "x"}, {"Key": "y"}, {"Key": "never"},
                                                {"Key": "keep.json", "VersionId": "111"}]})))
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["never", "x", "y"]
    assert [(e["Key"], e["Code"]) for e in deleted["Errors"]] == [("keep.json", "InvalidArgument")]
    quiet = s3client(server).delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "keep.json"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert s3cli(server, "s3", "ls", f"s3://{bucket}/").stdout == ""
    # Without Content-MD5 or a checksum S3 refuses the request.
    body = b'<Delete><Object><Key>a</Key></Object></Delete>'
    refused = s3_raw(server, "POST", f"/{bucket}?delete", body)
    assert refused.status_code == 400 and "<Code>InvalidRequest</Code>" in refused.text


def test_cp_between_keys_and_metadata_directive(server, bucket, tmp_path):
    src = write(tmp_path / "d.json", b'{"Records":[]}')
    s3cli(server, "s3api", "put-object", "--bucket", bucket, "--key", "orig.json", "--body", str(src),
          "--content-type", "application/json", "--metadata", "signature=abc")
    s3cli(server, "s3", "cp", f"s3://{bucket}/orig.json", f"s3://{bucket}/copy.json")
    head = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "copy.json"))
    assert head["Metadata"] == {"signature": "abc"} and head["ContentType"] == "application/json"
    assert head["ETag"] == '"%s"' % hashlib.md5(b'{"Records":[]}').hexdigest()
    s3cli(server, "s3api", "copy-object", "--bucket", bucket, "--key", "replaced.json",
          "--copy-source", f"{bucket}/orig.json", "--metadata-directive", "REPLACE",
          "--metadata", "owner=ops", "--content-type", "text/plain", "--storage-class", "STANDARD_IA",
          "--tagging-directive", "REPLACE", "--tagging", "team=ops")
    replaced = out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "replaced.json"))
    assert replaced["Metadata"] == {"owner": "ops"} and replaced["ContentType"] == "text/plain"
    assert replaced["StorageClass"] == "STANDARD_IA"
    tags = out(s3cli(server, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "replaced.json"))["TagSet"]
    assert tags == [{"Key": "team", "Value": "ops"}]
    # In place with REPLACE (what `aws s3 cp --metadata-directive REPLACE` onto itself does).
    s3cli(server, "s3", "cp", f"s3://{bucket}/orig.json", f"s3://{bucket}/orig.json",
          "--metadata-directive", "REPLACE", "--metadata", "v=2")
    assert out(s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "orig.json"))["Metadata"] == {"v": "2"}
    itself = s3cli(server, "s3api", "copy-object", "--bucket", bucket, "--key", "orig.json",
                   "--copy-source", f"{bucket}/orig.json", check=False)
    assert itself.returncode != 0 and "InvalidRequest" in itself.stderr
    failed = s3cli(server, "s3api", "copy-object", "--bucket", bucket, "--key", "x.json",
                   "--copy-source", f"{bucket}/orig.json", "--copy-source-if-match", '"0000"', check=False)
    assert failed.returncode != 0 and "PreconditionFailed" in failed.stderr
    versioned = s3cli(server, "s3api", "copy-object", "--bucket", bucket, "--key", "x.json",
                      "--copy-source", f"{bucket}/orig.json?versionId=abc", check=False)
    assert versioned.returncode != 0 and "InvalidArgument" in versioned.stderr


def test_multipart_bad_input(server, bucket):
    client = s3client(server)
    upload_id = client.create_multipart_upload(Bucket=bucket, Key="bad")["UploadId"]
    etag = client.upload_part(Bucket=bucket, Key="bad", UploadId=upload_id, PartNumber=1, Body=b"a" * 1024)["ETag"]
    etag2 = client.upload_part(Bucket=bucket, Key="bad", UploadId=upload_id, PartNumber=2, Body=b"b" * 1024)["ETag"]

    def complete(parts, uid=upload_id):
        with pytest.raises(ClientError) as failure:
            client.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=uid,
                                             MultipartUpload={"Parts": parts})
        return failure.value.response

    wrong = complete([{"PartNumber": 1, "ETag": '"%s"' % ("0" * 32)}])
    assert wrong["Error"]["Code"] == "InvalidPart" and wrong["ResponseMetadata"]["HTTPStatusCode"] == 400
    small = complete([{"PartNumber": 1, "ETag": etag}, {"PartNumber": 2, "ETag": etag2}])
    assert small["Error"]["Code"] == "EntityTooSmall"
    unknown = complete([{"PartNumber": 1, "ETag": etag}], uid="f" * 32)
    assert unknown["Error"]["Code"] == "NoSuchUpload" and unknown["ResponseMetadata"]["HTTPStatusCode"] == 404
    malformed = s3_raw(server, "POST", f"/{bucket}/bad?uploadId={upload_id}", b"<CompleteMultipartUpload><Part>")
    assert malformed.status_code == 400 and "<Code>MalformedXML</Code>" in malformed.text
    # The upload is still whole after all that.
    client.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert client.get_object(Bucket=bucket, Key="bad")["Body"].read() == b"a" * 1024


def test_uploads_with_expect_100_continue_do_not_wait(server, bucket):
    """botocore sends `Expect: 100-continue` with every file-like body and waits up to 1 s for it."""
    import io
    import time
    client = s3client(server)
    client.put_object(Bucket=bucket, Key="warm", Body=io.BytesIO(b"w"))
    started = time.monotonic()
    for i in range(8):
        client.put_object(Bucket=bucket, Key=f"fast/{i}", Body=io.BytesIO(os.urandom(64 * 1024)))
    assert time.monotonic() - started < 4, "each upload waited for 100 Continue"
