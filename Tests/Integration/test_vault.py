"""The forensic vault: versioning and Object Lock through the S3 subset with the real AWS CLI,
`trailkeeper vault`, and termination protection of trails and their buckets."""
import glob
import hashlib
import json
import os
import subprocess
import uuid

import pytest

from conftest import BIN

LOCK_ID = "trailkeeper:termination-protection"


def s3api(server, *args, check=True):
    result = server.aws("s3api", *args, check=check)
    return json.loads(result.stdout) if check and result.stdout.strip() else result


def refused(server, *args):
    """Runs an s3api command that must fail; returns its stderr."""
    result = server.aws("s3api", *args, check=False)
    assert result.returncode != 0, f"s3api {args} succeeded: {result.stdout}"
    return result.stderr


def vault(server, *args, check=True, env_extra=None, endpoint=None):
    env = server.env()
    env.update(env_extra or {})
    result = subprocess.run(
        [BIN, "vault"] + list(args) + ["--endpoint", endpoint or server.endpoint],
        env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"vault {args}: {result.stdout}{result.stderr}"
    return result


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_versioning_keeps_what_overwrites_and_deletes_replace(server, tmp_path):
    s3api(server, "create-bucket", "--bucket", "logs")
    assert server.aws("s3api", "get-bucket-versioning", "--bucket", "logs").stdout.strip() == ""
    server.aws("s3api", "put-bucket-versioning", "--bucket", "logs", "--versioning-configuration", "Status=Enabled")
    assert s3api(server, "get-bucket-versioning", "--bucket", "logs")["Status"] == "Enabled"

    key = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/log 1.json.gz"
    v1 = s3api(server, "put-object", "--bucket", "logs", "--key", key, "--body", write(tmp_path, "a", b"first"))["VersionId"]
    v2 = s3api(server, "put-object", "--bucket", "logs", "--key", key, "--body", write(tmp_path, "b", b"second"))["VersionId"]
    assert v1 != v2
    out = str(tmp_path / "old")
    got = s3api(server, "get-object", "--bucket", "logs", "--key", key, "--version-id", v1, out)
    assert got["VersionId"] == v1
    assert open(out, "rb").read() == b"first"
    # The current version is a plain file at its key, as the layout promises.
    assert open(os.path.join(server.data_dir, "objects", "logs", key), "rb").read() == b"second"

    listed = s3api(server, "list-object-versions", "--bucket", "logs", "--prefix", "AWSLogs/")
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, True), (v1, False)]
    assert "DeleteMarkers" not in listed

    deleted = s3api(server, "delete-object", "--bucket", "logs", "--key", key)
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    assert "404" in refused(server, "head-object", "--bucket", "logs", "--key", key)
    listed = s3api(server, "list-object-versions", "--bucket", "logs")
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [marker]
    assert listed["DeleteMarkers"][0]["IsLatest"] is True
    assert [v["VersionId"] for v in listed["Versions"]] == [v2, v1]
    assert "Contents" not in s3api(server, "list-objects-v2", "--bucket", "logs")

    # Removing the marker brings the latest version back.
    s3api(server, "delete-object", "--bucket", "logs", "--key", key, "--version-id", marker)
    assert s3api(server, "head-object", "--bucket", "logs", "--key", key)["VersionId"] == v2

    # Paginated listing through the AWS CLI's own pagination (key and version-id markers).
    for i in range(5):
        s3api(server, "put-object", "--bucket", "logs", "--key", f"many/{i}", "--body", write(tmp_path, "m", b"m"))
    paged = s3api(server, "list-object-versions", "--bucket", "logs", "--page-size", "2")
    assert len(paged["Versions"]) == 7


def test_versions_are_addressed_by_tagging_acls_copies_attributes_and_batch_deletes(server, tmp_path):
    """Every subresource takes a versionId: tags of an older version, its ACL and attributes, a copy
    of it, and DeleteObjects removing one version and making a delete marker."""
    s3api(server, "create-bucket", "--bucket", "tagged")
    server.aws("s3api", "put-bucket-versioning", "--bucket", "tagged", "--versioning-configuration", "Status=Enabled")
    v1 = s3api(server, "put-object", "--bucket", "tagged", "--key", "k", "--body", write(tmp_path, "a", b"old"))["VersionId"]
    v2 = s3api(server, "put-object", "--bucket", "tagged", "--key", "k", "--body", write(tmp_path, "b", b"new"),
               "--tagging", "state=current")["VersionId"]
    tagged = s3api(server, "put-object-tagging", "--bucket", "tagged", "--key", "k", "--version-id", v1,
                   "--tagging", "TagSet=[{Key=state,Value=evidence}]")
    assert tagged["VersionId"] == v1
    old = s3api(server, "get-object-tagging", "--bucket", "tagged", "--key", "k", "--version-id", v1)
    assert old["TagSet"] == [{"Key": "state", "Value": "evidence"}] and old["VersionId"] == v1
    latest = s3api(server, "get-object-tagging", "--bucket", "tagged", "--key", "k")
    assert latest["TagSet"] == [{"Key": "state", "Value": "current"}] and latest["VersionId"] == v2
    server.aws("s3api", "delete-object-tagging", "--bucket", "tagged", "--key", "k", "--version-id", v1)
    assert s3api(server, "get-object-tagging", "--bucket", "tagged", "--key", "k", "--version-id", v1)["TagSet"] == []
    assert s3api(server, "get-object-tagging", "--bucket", "tagged", "--key", "k")["TagSet"] != []
    assert "NoSuchVersion" in refused(server, "get-object-tagging", "--bucket", "tagged", "--key", "k",
                                      "--version-id", "0" * 32)
    acl = s3api(server, "get-object-acl", "--bucket", "tagged", "--key", "k", "--version-id", v1)
    assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"
    attributes = s3api(server, "get-object-attributes", "--bucket", "tagged", "--key", "k", "--version-id", v1,
                       "--object-attributes", "ObjectSize", "ETag")
    assert attributes["ObjectSize"] == 3 and attributes["VersionId"] == v1

    copied = s3api(server, "copy-object", "--bucket", "tagged", "--key", "restored", "--copy-source", f"tagged/k?versionId={v1}")
    assert copied["CopySourceVersionId"] == v1 and copied["VersionId"]
    out = str(tmp_path / "restored")
    s3api(server, "get-object", "--bucket", "tagged", "--key", "restored", out)
    assert open(out, "rb").read() == b"old"

    deleted = s3api(server, "delete-objects", "--bucket", "tagged", "--delete",
                    json.dumps({"Objects": [{"Key": "k", "VersionId": v1}, {"Key": "restored"}]}))
    by_key = {d["Key"]: d for d in deleted["Deleted"]}
    assert by_key["k"]["VersionId"] == v1 and not by_key["k"].get("DeleteMarker")
    assert by_key["restored"]["DeleteMarker"] is True and by_key["restored"]["DeleteMarkerVersionId"]
    versions = s3api(server, "list-object-versions", "--bucket", "tagged")
    assert [v["VersionId"] for v in versions["Versions"] if v["Key"] == "k"] == [v2]
    assert [m["Key"] for m in versions["DeleteMarkers"]] == ["restored"]


def test_object_lock_refuses_deletes_of_locked_versions(server, tmp_path):
    s3api(server, "create-bucket", "--bucket", "vault", "--object-lock-enabled-for-bucket")
    assert s3api(server, "get-bucket-versioning", "--bucket", "vault")["Status"] == "Enabled"
    server.aws("s3api", "put-object-lock-configuration", "--bucket", "vault", "--object-lock-configuration",
               json.dumps({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}}))
    config = s3api(server, "get-object-lock-configuration", "--bucket", "vault")["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 1}
    assert "InvalidBucketState" in refused(
        server, "put-bucket-versioning", "--bucket", "vault", "--versioning-configuration", "Status=Suspended")

    evidence = os.urandom(4096)
    locked = s3api(server, "put-object", "--bucket", "vault", "--key", "digest.json.gz",
                   "--body", write(tmp_path, "e", evidence))["VersionId"]
    retention = s3api(server, "get-object-retention", "--bucket", "vault", "--key", "digest.json.gz",
                      "--version-id", locked)["Retention"]
    assert retention["Mode"] == "COMPLIANCE"

    # Nobody deletes it: not the admin key, not with the governance bypass.
    for extra in ([], ["--bypass-governance-retention"]):
        err = refused(server, "delete-object", "--bucket", "vault", "--key", "digest.json.gz", "--version-id", locked, *extra)
        assert "AccessDenied" in err
    assert "AccessDenied" in refused(
        server, "put-object-retention", "--bucket", "vault", "--key", "digest.json.gz", "--version-id", locked,
        "--retention", json.dumps({"Mode": "GOVERNANCE", "RetainUntilDate": retention["RetainUntilDate"]}))

    # An overwrite is a new version; the locked one stays byte-identical.
    s3api(server, "put-object", "--bucket", "vault", "--key", "digest.json.gz", "--body", write(tmp_path, "x", b"tampered"))
    out = str(tmp_path / "back")
    s3api(server, "get-object", "--bucket", "vault", "--key", "digest.json.gz", "--version-id", locked, out)
    assert hashlib.sha256(open(out, "rb").read()).digest() == hashlib.sha256(evidence).digest()
    on_disk = glob.glob(os.path.join(server.data_dir, "versions", "vault", "*", locked))
    assert len(on_disk) == 1 and open(on_disk[0], "rb").read() == evidence
    # A plain delete only adds a marker.
    assert s3api(server, "delete-object", "--bucket", "vault", "--key", "digest.json.gz")["DeleteMarker"] is True

    # Governance mode: refused without the bypass, allowed with it.
    governed = s3api(server, "put-object", "--bucket", "vault", "--key", "g", "--body", write(tmp_path, "g", b"g"),
                     "--object-lock-mode", "GOVERNANCE", "--object-lock-retain-until-date", "2099-01-01T00:00:00Z")["VersionId"]
    assert "AccessDenied" in refused(server, "delete-object", "--bucket", "vault", "--key", "g", "--version-id", governed)
    s3api(server, "delete-object", "--bucket", "vault", "--key", "g", "--version-id", governed, "--bypass-governance-retention")

    # A legal hold holds whatever the retention.
    held = s3api(server, "put-object", "--bucket", "vault", "--key", "h", "--body", write(tmp_path, "h", b"h"),
                 "--object-lock-mode", "GOVERNANCE", "--object-lock-retain-until-date", "2099-01-01T00:00:00Z")["VersionId"]
    server.aws("s3api", "put-object-legal-hold", "--bucket", "vault", "--key", "h", "--legal-hold", "Status=ON")
    assert s3api(server, "get-object-legal-hold", "--bucket", "vault", "--key", "h")["LegalHold"]["Status"] == "ON"
    assert "AccessDenied" in refused(
        server, "delete-object", "--bucket", "vault", "--key", "h", "--version-id", held, "--bypass-governance-retention")
    assert "BucketNotEmpty" in refused(server, "delete-bucket", "--bucket", "vault")


def test_trailkeeper_vault_commands(server, tmp_path):
    result = vault(server, "create", "evidence", "--mode", "governance", "--days", "30")
    assert "Object Lock Enabled" in result.stdout
    s3api(server, "put-object", "--bucket", "evidence", "--key", "k", "--body", write(tmp_path, "k", b"v1"))
    s3api(server, "put-object", "--bucket", "evidence", "--key", "k", "--body", write(tmp_path, "k2", b"v2"))

    status = json.loads(vault(server, "status", "evidence", "--json").stdout)
    assert status["versioning"] == "Enabled" and status["objectLock"] is True
    assert status["defaultRetention"] == "default retention GOVERNANCE 30 days"
    assert status["inventory"]["versions"] == 2 and status["inventory"]["governance"] == 2

    rows = json.loads(vault(server, "versions", "s3://evidence/", "--json").stdout)
    assert [r["isLatest"] for r in rows] == [True, False]
    assert all(r["lockMode"] == "GOVERNANCE" for r in rows)
    old = rows[1]["versionId"]
    text = vault(server, "versions", "s3://evidence/k").stdout
    assert old in text and "GOVERNANCE until" in text

    # Governance to compliance is a change only the bypass allows.
    denied = vault(server, "lock", "s3://evidence/k", "--version-id", old, "--until", "2099-01-01", check=False)
    assert denied.returncode == 1 and "AccessDenied" in denied.stderr
    vault(server, "lock", "s3://evidence/k", "--version-id", old, "--until", "2099-01-01", "--mode", "compliance",
          "--bypass-governance")
    retention = s3api(server, "get-object-retention", "--bucket", "evidence", "--key", "k", "--version-id", old)["Retention"]
    assert retention["Mode"] == "COMPLIANCE" and retention["RetainUntilDate"].startswith("2099-01-01")
    denied = vault(server, "delete", "s3://evidence/k", "--version-id", old, "--bypass-governance", check=False)
    assert denied.returncode == 1 and "AccessDenied" in denied.stderr
    shorten = vault(server, "lock", "s3://evidence/k", "--version-id", old, "--until", "2098-01-01", check=False)
    assert shorten.returncode != 0

    vault(server, "hold", "s3://evidence/k", "on", "--version-id", old)
    assert s3api(server, "get-object-legal-hold", "--bucket", "evidence", "--key", "k", "--version-id", old)["LegalHold"]["Status"] == "ON"

    restored = vault(server, "restore", "s3://evidence/k", "--version-id", old)
    assert "restored as" in restored.stdout
    out = str(tmp_path / "now")
    s3api(server, "get-object", "--bucket", "evidence", "--key", "k", out)
    assert open(out, "rb").read() == b"v1"
    assert json.loads(vault(server, "status", "evidence", "--json").stdout)["inventory"]["versions"] == 3

    marker = vault(server, "delete", "s3://evidence/k")
    assert "delete marker" in marker.stdout
    s3api(server, "create-bucket", "--bucket", "plain")
    vault(server, "versioning", "plain", "enable")
    vault(server, "configure", "plain", "--mode", "compliance", "--years", "7")
    config = s3api(server, "get-object-lock-configuration", "--bucket", "plain")["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Years": 7}


def test_termination_protection_of_trails_and_buckets(server):
    s3api(server, "create-bucket", "--bucket", "audit-logs")
    server.aws("cloudtrail", "create-trail", "--name", "org-audit", "--s3-bucket-name", "audit-logs",
               "--tags-list", f"Key={LOCK_ID},Value=true")
    result = server.aws("cloudtrail", "delete-trail", "--name", "org-audit", check=False)
    assert result.returncode != 0 and "OperationNotPermittedException" in result.stderr
    assert "AccessDenied" in refused(server, "delete-bucket", "--bucket", "audit-logs")
    assert "InvalidTagParameterException" in server.aws(
        "cloudtrail", "add-tags", "--resource-id", "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit",
        "--tags-list", f"Key={LOCK_ID},Value=maybe", check=False).stderr

    vault(server, "protect-trail", "org-audit", "--off")
    server.aws("cloudtrail", "delete-trail", "--name", "org-audit")
    s3api(server, "delete-bucket", "--bucket", "audit-logs")

    s3api(server, "create-bucket", "--bucket", "second-logs")
    server.aws("cloudtrail", "create-trail", "--name", "second", "--s3-bucket-name", "second-logs")
    vault(server, "protect-trail", "second")
    assert "OperationNotPermittedException" in server.aws("cloudtrail", "delete-trail", "--name", "second", check=False).stderr


def test_vault_commands_pass_through_to_another_s3(server, tmp_path):
    moto = os.environ.get("MOTO_ENDPOINT")
    if not moto:
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail("MOTO_ENDPOINT is not set")
        pytest.skip("needs moto server (MOTO_ENDPOINT)")
    bucket = "tk-vault-" + uuid.uuid4().hex[:8]
    # moto accepts any key: the server's credentials file signs.
    vault(server, "create", bucket, "--mode", "compliance", "--days", "1", endpoint=moto)
    import boto3
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    version = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
    rows = json.loads(vault(server, "versions", f"s3://{bucket}/", "--json", endpoint=moto).stdout)
    assert rows[0]["versionId"] == version and rows[0]["lockMode"] == "COMPLIANCE"
    denied = vault(server, "delete", f"s3://{bucket}/k", "--version-id", version, check=False, endpoint=moto)
    assert denied.returncode == 1 and "AccessDenied" in denied.stderr
