"""Lifecycle rules: the S3 API's ?lifecycle through the real AWS CLI, storage classes on the embedded store,
`trailkeeper lifecycle plan|run` with --now over time-shifted data, and the scheduled job inside `serve`."""
import json
import os
import subprocess
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import BIN
from test_s3_subset import out, s3cli

DAY = 86400
BIG = 200 * 1024  # above S3's 128 KiB default transition minimum


def s3client(server, validate=True):
    key, secret = server.credentials()
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}, parameter_validation=validate))


def trailkeeper(*args, check=True, env=None):
    result = subprocess.run([BIN, "lifecycle"] + list(args), capture_output=True, text=True, timeout=300, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"trailkeeper lifecycle {' '.join(args)} exited {result.returncode}: {result.stderr}{result.stdout}")
    return result


def cloudtrail_key(days_ago, n, now=None):
    """A CloudTrail log key dated `days_ago` days back."""
    when = (now or datetime.now(timezone.utc)) - timedelta(days=days_ago)
    return (f"AWSLogs/123456789012/CloudTrail/us-east-1/{when:%Y/%m/%d}/"
            f"123456789012_CloudTrail_us-east-1_{when:%Y%m%dT%H%MZ}_f{n}.json.gz")


def age(server, bucket, key, days):
    """Makes the object `days` old on disk (its file's mtime), as if written then."""
    path = os.path.join(server.data_dir, "objects", bucket, key)
    when = time.time() - days * DAY
    os.utime(path, (when, when))


def lifecycle_json(tmp_path, rules):
    path = tmp_path / "lifecycle.json"
    path.write_text(json.dumps({"Rules": rules}))
    return f"file://{path}"


PRODUCTION = {
    "ID": "production", "Filter": {"Prefix": "AWSLogs/"}, "Status": "Enabled",
    "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"},
                    {"Days": 365, "StorageClass": "DEEP_ARCHIVE"}],
    "Expiration": {"Days": 2555},
}


def test_lifecycle_configuration_through_the_aws_cli(server, tmp_path):
    s3cli(server, "s3api", "create-bucket", "--bucket", "trail-logs")
    missing = s3cli(server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", "trail-logs", check=False)
    assert missing.returncode != 0 and "NoSuchLifecycleConfiguration" in missing.stderr

    rules = [PRODUCTION, {"ID": "dev", "Filter": {"And": {"Prefix": "dev/", "Tags": [{"Key": "env", "Value": "dev"}]}},
                          "Status": "Disabled", "Expiration": {"Days": 90},
                          "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]
    put = out(s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "trail-logs",
                    "--lifecycle-configuration", lifecycle_json(tmp_path, rules)))
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = out(s3cli(server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", "trail-logs"))
    assert got["Rules"][0] == PRODUCTION
    assert got["Rules"][1]["Filter"] == {"And": {"Prefix": "dev/", "Tags": [{"Key": "env", "Value": "dev"}]}}
    assert got["Rules"][1]["Status"] == "Disabled"
    assert got["Rules"][1]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"

    # boto3 with the other size default; a rule without an ID gets one.
    client = s3client(server)
    answer = client.put_bucket_lifecycle_configuration(
        Bucket="trail-logs", TransitionDefaultMinimumObjectSize="varies_by_storage_class",
        LifecycleConfiguration={"Rules": [{"Filter": {}, "Status": "Enabled", "Expiration": {"Days": 90}}]})
    assert answer["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    got = client.get_bucket_lifecycle_configuration(Bucket="trail-logs")
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    assert got["Rules"][0]["ID"] and got["Rules"][0]["Expiration"] == {"Days": 90}

    # Refused as S3 refuses them, and the stored configuration stays.
    bad = s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "trail-logs",
                "--lifecycle-configuration", lifecycle_json(tmp_path, [{
                    "ID": "ia", "Filter": {"Prefix": ""}, "Status": "Enabled",
                    "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}]), check=False)
    assert bad.returncode != 0 and "InvalidArgument" in bad.stderr
    assert "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'" in bad.stderr
    unvalidated = s3client(server, validate=False)
    cases = [
        ({"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled"}]}, "InvalidRequest"),
        ({"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]}, "MalformedXML"),
        ({"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 0}}]},
         "InvalidArgument"),
        ({"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled",
                     "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                                     {"Days": 40, "StorageClass": "GLACIER"}]}]}, "InvalidArgument"),
        ({"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}},
                    {"ID": "x", "Filter": {"Prefix": "a"}, "Status": "Enabled", "Expiration": {"Days": 1}}]},
         "InvalidArgument"),
    ]
    for configuration, code in cases:
        with pytest.raises(ClientError) as error:
            unvalidated.put_bucket_lifecycle_configuration(Bucket="trail-logs", LifecycleConfiguration=configuration)
        assert error.value.response["Error"]["Code"] == code, configuration
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert client.get_bucket_lifecycle_configuration(Bucket="trail-logs")["Rules"][0]["Expiration"] == {"Days": 90}

    nobucket = s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "no-such-bucket",
                     "--lifecycle-configuration", lifecycle_json(tmp_path, [PRODUCTION]), check=False)
    assert "NoSuchBucket" in nobucket.stderr

    s3cli(server, "s3api", "delete-bucket-lifecycle", "--bucket", "trail-logs")
    gone = s3cli(server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", "trail-logs", check=False)
    assert "NoSuchLifecycleConfiguration" in gone.stderr
    s3cli(server, "s3api", "delete-bucket-lifecycle", "--bucket", "trail-logs")  # none: still 204

    # A configuration does not outlive its bucket.
    s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "trail-logs",
          "--lifecycle-configuration", lifecycle_json(tmp_path, [PRODUCTION]))
    s3cli(server, "s3api", "delete-bucket", "--bucket", "trail-logs")
    s3cli(server, "s3api", "create-bucket", "--bucket", "trail-logs")
    again = s3cli(server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", "trail-logs", check=False)
    assert "NoSuchLifecycleConfiguration" in again.stderr


def test_storage_classes_on_put_head_get_and_list(server, tmp_path):
    s3cli(server, "s3api", "create-bucket", "--bucket", "classes")
    body = tmp_path / "body"
    body.write_bytes(b"x" * 1000)
    s3cli(server, "s3api", "put-object", "--bucket", "classes", "--key", "cold/a.json", "--body", str(body),
          "--storage-class", "GLACIER")
    s3cli(server, "s3api", "put-object", "--bucket", "classes", "--key", "hot/b.json", "--body", str(body))
    head = out(s3cli(server, "s3api", "head-object", "--bucket", "classes", "--key", "cold/a.json"))
    assert head["StorageClass"] == "GLACIER" and head["ContentLength"] == 1000
    assert "StorageClass" not in out(s3cli(server, "s3api", "head-object", "--bucket", "classes", "--key", "hot/b.json"))
    listed = out(s3cli(server, "s3api", "list-objects-v2", "--bucket", "classes"))
    assert {o["Key"]: o["StorageClass"] for o in listed["Contents"]} == {"cold/a.json": "GLACIER",
                                                                        "hot/b.json": "STANDARD"}
    got = s3cli(server, "s3api", "get-object", "--bucket", "classes", "--key", "cold/a.json", str(tmp_path / "got"))
    assert out(got)["StorageClass"] == "GLACIER" and (tmp_path / "got").read_bytes() == b"x" * 1000
    # The bytes sit in the tier folder; the object's usual path still reads them.
    tier = os.path.join(server.data_dir, "objects-tiers", "GLACIER", "classes", "cold", "a.json")
    assert open(tier, "rb").read() == b"x" * 1000
    assert open(os.path.join(server.data_dir, "objects", "classes", "cold", "a.json"), "rb").read() == b"x" * 1000
    bad = s3cli(server, "s3api", "put-object", "--bucket", "classes", "--key", "c", "--body", str(body),
                "--storage-class", "OUTPOSTS", check=False)
    assert bad.returncode != 0 and "InvalidStorageClass" in bad.stderr


def put_time_shifted(server, bucket):
    """Objects 10, 100 and 400 days old by their keys (written now), and 100 and 400 days old by their files."""
    client = s3client(server)
    client.create_bucket(Bucket=bucket)
    keys = {"key10": cloudtrail_key(10, 1), "key100": cloudtrail_key(100, 2), "key400": cloudtrail_key(400, 3),
            "file100": "AWSLogs/plain/file100.json.gz", "file400": "AWSLogs/plain/file400.json.gz",
            "small400": "AWSLogs/plain/small400.json.gz"}
    for name, key in keys.items():
        client.put_object(Bucket=bucket, Key=key, Body=(name.encode() * BIG)[:1000 if name == "small400" else BIG])
    age(server, bucket, keys["file100"], 100)
    age(server, bucket, keys["file400"], 400)
    age(server, bucket, keys["small400"], 400)
    return keys


def planned(result):
    """key → 'FROM -> TO' or 'expire', from the text plan."""
    actions = {}
    for line in result.stdout.splitlines():
        if "  age " not in line:
            continue
        name, rest = line.split("  age ", 1)
        what = rest.split("  ")[1]
        actions[name.split("/", 1)[1]] = what.replace("transition ", "")
    return actions


def test_plan_and_run_with_a_controllable_clock(server, tmp_path):
    keys = put_time_shifted(server, "trail-logs")
    data = server.data_dir

    # By Last-Modified, now: the files dated back move; the small one stays (128 KiB minimum).
    plan = trailkeeper("plan", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data)
    assert planned(plan) == {keys["file100"]: "STANDARD -> GLACIER", keys["file400"]: "STANDARD -> DEEP_ARCHIVE"}
    assert "plan: would transition 2 (DEEP_ARCHIVE 1, GLACIER 1)" in plan.stdout
    assert "1 held back by the 128 KiB transition minimum" in plan.stdout
    assert f"age 400d" in plan.stdout

    # By key date; and the same keys seen 300 days later, or 95 days earlier.
    by_key = trailkeeper("plan", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data,
                         "--age-from", "key-date")
    assert planned(by_key) == {keys["key100"]: "STANDARD -> GLACIER", keys["key400"]: "STANDARD -> DEEP_ARCHIVE"}
    later = (datetime.now(timezone.utc) + timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert planned(trailkeeper("plan", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data,
                               "--age-from", "key-date", "--now", later)) == {
        keys["key10"]: "STANDARD -> GLACIER", keys["key100"]: "STANDARD -> DEEP_ARCHIVE",
        keys["key400"]: "STANDARD -> DEEP_ARCHIVE"}
    earlier = (datetime.now(timezone.utc) - timedelta(days=95)).strftime("%Y-%m-%d")
    assert planned(trailkeeper("plan", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data,
                               "--age-from", "key-date", "--now", earlier)) == {keys["key400"]: "STANDARD -> GLACIER"}
    far = (datetime.now(timezone.utc) + timedelta(days=2500)).strftime("%Y-%m-%d")
    expiring = planned(trailkeeper("plan", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data,
                                   "--now", far))
    assert expiring[keys["file400"]] == "expire (STANDARD)" and expiring[keys["key10"]] == "STANDARD -> DEEP_ARCHIVE"
    development = json.loads(trailkeeper("plan", "--preset", "development", "--bucket", "trail-logs", "--data-dir",
                                         data, "--json").stdout)
    assert development["dryRun"] and development["expired"] == 3 and development["seen"] == 6
    assert sorted(a["key"] for a in development["actions"]) == sorted(
        [keys["file100"], keys["file400"], keys["small400"]])

    # The plan changed nothing.
    head = out(s3cli(server, "s3api", "head-object", "--bucket", "trail-logs", "--key", keys["file400"]))
    assert "StorageClass" not in head

    # Run: the same report, carried out; reads still resolve; a second run has nothing to do.
    run = json.loads(trailkeeper("run", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data,
                                 "--json").stdout)
    assert run["transitioned"] == 2 and run["failed"] == {} and not run["dryRun"]
    assert run["bytes"] == 2 * BIG and run["transitionedTo"] == {"DEEP_ARCHIVE": 1, "GLACIER": 1}
    assert all(a["outcome"] == "done" for a in run["actions"])
    head = out(s3cli(server, "s3api", "head-object", "--bucket", "trail-logs", "--key", keys["file400"]))
    assert head["StorageClass"] == "DEEP_ARCHIVE"
    got = s3cli(server, "s3api", "get-object", "--bucket", "trail-logs", "--key", keys["file100"], str(tmp_path / "f"))
    assert out(got)["StorageClass"] == "GLACIER" and (tmp_path / "f").read_bytes() == (b"file100" * BIG)[:BIG]
    listed = out(s3cli(server, "s3api", "list-objects-v2", "--bucket", "trail-logs"))
    classes = {o["Key"]: o["StorageClass"] for o in listed["Contents"]}
    assert classes[keys["file100"]] == "GLACIER" and classes[keys["key100"]] == "STANDARD"
    second = trailkeeper("run", "--preset", "production", "--bucket", "trail-logs", "--data-dir", data)
    assert ", transitioned 0," in second.stdout and ", expired 0," in second.stdout

    # Rules set through the S3 API apply when no rules are named; their age by Last-Modified.
    s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "trail-logs",
          "--lifecycle-configuration", lifecycle_json(tmp_path, [{
              "ID": "expire-plain", "Filter": {"Prefix": "AWSLogs/plain/"}, "Status": "Enabled",
              "Expiration": {"Days": 365}}]))
    stored = json.loads(trailkeeper("run", "--data-dir", data, "--json").stdout)
    assert [(a["key"], a["action"], a["rule"]) for a in stored["actions"]] == [
        (keys["file400"], "expire", "expire-plain"), (keys["small400"], "expire", "expire-plain")]
    gone = s3cli(server, "s3api", "head-object", "--bucket", "trail-logs", "--key", keys["file400"], check=False)
    assert gone.returncode != 0
    assert not os.path.exists(os.path.join(data, "objects-tiers", "DEEP_ARCHIVE", "trail-logs", keys["file400"]))

    # Failures give a non-zero exit: rules for a bucket that does not exist.
    failed = trailkeeper("run", "--preset", "development", "--bucket", "no-such-bucket", "--data-dir", data,
                         check=False)
    assert failed.returncode == 1 and "no-such-bucket: failed: NoSuchBucket" in failed.stdout
    usage = trailkeeper("plan", "--preset", "staging", "--bucket", "b", "--data-dir", data, check=False)
    assert usage.returncode != 0 and "--preset must be production or development" in usage.stderr


def test_serve_runs_the_lifecycle_section_on_its_schedule(make_server, tmp_path):
    config = tmp_path / "trailkeeper.yaml"
    config.write_text(
        "lifecycle:\n"
        "  schedule: rate(1 minute)\n"
        "  rules:\n"
        "    - bucket: trail-logs\n"
        "      prefix: AWSLogs/\n"
        "      preset: production\n"
        "    - bucket: dev-logs\n"
        "      preset: development\n")
    server = make_server("--config", str(config))
    keys = put_time_shifted(server, "trail-logs")
    client = s3client(server)
    client.create_bucket(Bucket="dev-logs")
    client.put_object(Bucket="dev-logs", Key="old.json.gz", Body=b"old")
    client.put_object(Bucket="dev-logs", Key="new.json.gz", Body=b"new")
    age(server, "dev-logs", "old.json.gz", 100)
    # A rule set through the S3 API runs in the same job.
    s3cli(server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", "trail-logs",
          "--lifecycle-configuration", lifecycle_json(tmp_path, [{
              "ID": "small-to-glacier", "Filter": {"ObjectSizeLessThan": 2000}, "Status": "Enabled",
              "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]}]))

    def storage_class(bucket, key):
        result = s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", key, check=False)
        return out(result).get("StorageClass", "STANDARD") if result.returncode == 0 else None

    expected = {("trail-logs", keys["file400"]): "DEEP_ARCHIVE", ("trail-logs", keys["file100"]): "GLACIER",
                ("trail-logs", keys["key400"]): "STANDARD",  # by Last-Modified it is new
                ("trail-logs", keys["small400"]): "GLACIER",  # the API's rule, with its own size filter
                ("dev-logs", "new.json.gz"): "STANDARD", ("dev-logs", "old.json.gz"): None}  # expired
    # The first run comes at the next minute; one that started during the setup may have missed some of it.
    deadline = time.time() + 150
    while True:
        found = {where: storage_class(*where) for where in expected}
        if found == expected or time.time() > deadline:
            break
        time.sleep(3)
    log = open(server.log_path).read()
    assert found == expected, log[-3000:]
    assert "lifecycle report" in log and "lifecycle rules scheduled" in log


def test_plan_and_run_on_an_s3_bucket_of_moto(tmp_path):
    """--source s3://…: transitions are copies onto themselves with x-amz-storage-class; the original
    Last-Modified rides along; an archived object cannot be copied to another class."""
    moto = os.environ.get("MOTO_ENDPOINT")
    if not moto:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        pytest.skip("MOTO_ENDPOINT is not set")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL=moto, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")
    bucket = "tk-lifecycle-" + os.urandom(4).hex()
    s3.create_bucket(Bucket=bucket)
    keys = {days: cloudtrail_key(days, days) for days in (10, 100, 400)}
    for days, key in keys.items():
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * BIG, ContentType="application/x-gzip",
                      Metadata={"days": str(days)})
    s3.put_object(Bucket=bucket, Key="AWSLogs/archived.json.gz", Body=b"y" * BIG, StorageClass="GLACIER")
    args = ["--preset", "production", "--source", f"s3://{bucket}", "--age-from", "key-date"]
    plan = planned(trailkeeper("plan", *args, env=env))
    assert plan == {keys[100]: "STANDARD -> GLACIER", keys[400]: "STANDARD -> DEEP_ARCHIVE"}
    before = s3.head_object(Bucket=bucket, Key=keys[400])["LastModified"]
    run = json.loads(trailkeeper("run", *args, "--json", env=env).stdout)
    assert run["transitioned"] == 2 and run["failed"] == {}
    head = s3.head_object(Bucket=bucket, Key=keys[400])
    assert head["StorageClass"] == "DEEP_ARCHIVE" and head["ContentType"] == "application/x-gzip"
    assert head["Metadata"]["days"] == "400"
    kept = datetime.strptime(head["Metadata"]["trailkeeper-last-modified"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert abs(kept.replace(tzinfo=timezone.utc) - before).total_seconds() < 1
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed[keys[100]] == "GLACIER" and listed[keys[10]] == "STANDARD"
    # By Last-Modified, 400 days on, every object is due for Deep Archive; S3 copies no archived (GLACIER) object.
    later = (datetime.now(timezone.utc) + timedelta(days=400)).strftime("%Y-%m-%d")
    archived = json.loads(trailkeeper("run", "--preset", "production", "--source", f"s3://{bucket}", "--now", later,
                                      "--json", env=env).stdout)
    outcomes = {a["key"]: a["outcome"] for a in archived["actions"]}
    assert outcomes[keys[100]] == "skipped-archived" and outcomes["AWSLogs/archived.json.gz"] == "skipped-archived"
    assert outcomes[keys[10]] == "done" and archived["failed"] == {}


def test_noncurrent_versions_delete_markers_and_uploads_expire(server):
    """A versioned bucket's rules set through boto3: NoncurrentVersionExpiration (with
    NewerNoncurrentVersions), ExpiredObjectDeleteMarker and AbortIncompleteMultipartUpload, planned and
    carried out by `trailkeeper lifecycle` at a later --now."""
    s3 = s3client(server)
    bucket = "versioned-logs"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    written = [s3.put_object(Bucket=bucket, Key="AWSLogs/k.json", Body=body)["VersionId"]
               for body in (b"one", b"two", b"three")]
    s3.delete_object(Bucket=bucket, Key="AWSLogs/orphan.json")  # a delete marker with nothing under it
    s3.put_object(Bucket=bucket, Key="other/k.json", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other/k.json", Body=b"y")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="AWSLogs/big.gz")["UploadId"]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "versions", "Filter": {"Prefix": "AWSLogs/"}, "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 1},
        "Expiration": {"ExpiredObjectDeleteMarker": True},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
    data = server.data_dir
    later = (datetime.now(timezone.utc) + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")

    plan = json.loads(trailkeeper("plan", "--data-dir", data, "--bucket", bucket, "--now", later, "--json").stdout)
    actions = {(a["key"], a["action"]): a for a in plan["actions"]}
    # The oldest of k's two noncurrent versions goes; NewerNoncurrentVersions keeps the other.
    assert actions[("AWSLogs/k.json", "expire-noncurrent")]["versionId"] == written[0]
    assert actions[("AWSLogs/orphan.json", "remove-delete-marker")]["outcome"] == "planned"
    assert actions[("AWSLogs/big.gz", "abort-upload")]["uploadID"] == upload
    assert len(plan["actions"]) == 3 and plan["noncurrentExpired"] == 1
    assert len(s3.list_object_versions(Bucket=bucket, Prefix="AWSLogs/k.json")["Versions"]) == 3

    done = json.loads(trailkeeper("run", "--data-dir", data, "--bucket", bucket, "--now", later, "--json").stdout)
    assert (done["noncurrentExpired"], done["deleteMarkersRemoved"], done["uploadsAborted"]) == (1, 1, 1)
    listed = s3.list_object_versions(Bucket=bucket)
    kept = [(v["Key"], v["VersionId"]) for v in listed.get("Versions", [])]
    assert ("AWSLogs/k.json", written[0]) not in kept
    assert ("AWSLogs/k.json", written[1]) in kept and ("AWSLogs/k.json", written[2]) in kept
    assert [m["Key"] for m in listed.get("DeleteMarkers", [])] == []
    assert sum(1 for key, _ in kept if key == "other/k.json") == 2
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
