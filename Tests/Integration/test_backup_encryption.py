"""Recompressed and encrypted backups with the real binary: S3 (moto) → S3 copies that are AES-256-GCM
envelopes, an unchanged second run, `backup restore` and `backup decrypt` giving the originals back,
tampering and wrong keys refused, and a CloudTrail digest chain that `aws cloudtrail validate-logs`
still verifies after a backup, the loss of the originals and a restore."""
import gzip
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from backup_fixture import backup, bucket, listing, put_logs  # noqa: E402
from conftest import BIN  # noqa: E402
from test_pipeline import aws_env, moto_endpoint  # noqa: E402
from trail_fixture import FakeCloudTrail, SigningKey, Trail, build_chain, cli_env  # noqa: E402

MAGIC = b"TKBKENC\x01"


@pytest.fixture
def s3():
    import boto3
    return boto3.client("s3", endpoint_url=moto_endpoint(), region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "backup.key"
    path.write_text(os.urandom(32).hex() + "\n")
    return str(path)


def test_encrypted_recompressed_backup_restores(s3, key_file, tmp_path):
    env = aws_env(moto_endpoint())
    src, dst, back = bucket(s3), bucket(s3), bucket(s3)
    objects = put_logs(s3, src, 12)
    args = ["--source", f"s3://{src}/AWSLogs", "--destination", f"s3://{dst}/vault", "--threshold-days", "85",
            "--age-from", "key-date", "--recompress", "--encrypt-key", key_file, "--json"]
    code, report, err = backup(BIN, args, env)
    assert code == 0, err
    assert report["copied"] == 12 and report["failed"] == {}
    listed = listing(s3, dst, "vault/")
    # The manifest of transformed copies sits beside them, under .trailkeeper/.
    assert ".trailkeeper/backup-manifest.json.gz" in listed
    stored = [k for k in listed if not k.startswith(".trailkeeper/")]
    assert stored == sorted(k[len("AWSLogs/"):] for k in objects)
    sample = s3.get_object(Bucket=dst, Key="vault/" + stored[0])
    body = sample["Body"].read()
    assert body.startswith(MAGIC) and b"GetObject" not in body
    meta = sample["Metadata"]
    assert meta["trailkeeper-transform"] == "recompressed,encrypted"
    original = objects["AWSLogs/" + stored[0]]
    assert meta["trailkeeper-source-size"] == str(len(original))
    assert meta["trailkeeper-source-etag"] == s3.head_object(Bucket=src, Key="AWSLogs/" + stored[0])["ETag"].strip('"')

    # Unchanged: the second run copies nothing.
    code, report, err = backup(BIN, args, env)
    assert code == 0 and report["copied"] == 0 and report["skipped"] == 12, err

    # `backup decrypt` of one downloaded copy gives the recompressed gzip of the same records.
    copy = tmp_path / "copy.json.gz"
    copy.write_bytes(body)
    plain = subprocess.run([BIN, "backup", "decrypt", "--encrypt-key", key_file, str(copy)], capture_output=True)
    assert plain.returncode == 0, plain.stderr
    assert gzip.decompress(plain.stdout) == gzip.decompress(original)

    # Restore to another bucket.
    code, report, err = backup(BIN, ["restore", "--source", f"s3://{dst}/vault", "--destination", f"s3://{back}/AWSLogs",
                                     "--encrypt-key", key_file, "--json"], env)
    assert code == 0 and report["copied"] == 12, err
    for key, source_body in objects.items():
        restored = s3.get_object(Bucket=back, Key=key)
        assert gzip.decompress(restored["Body"].read()) == gzip.decompress(source_body)
        assert not [m for m in restored["Metadata"] if m.startswith("trailkeeper-")]

    # A wrong key, and a tampered copy, are refused.
    wrong = tmp_path / "wrong.key"
    wrong.write_bytes(os.urandom(32))
    refused = subprocess.run([BIN, "backup", "decrypt", "--encrypt-key", str(wrong), str(copy)], capture_output=True,
                             text=True)
    assert refused.returncode == 1 and "not with the given key" in refused.stderr
    tampered = bytearray(body)
    tampered[-30] ^= 1
    copy.write_bytes(bytes(tampered))
    refused = subprocess.run([BIN, "backup", "decrypt", "--encrypt-key", key_file, str(copy)], capture_output=True,
                             text=True)
    assert refused.returncode == 1 and "authentication failed" in refused.stderr


def test_restored_digest_chain_validates_with_the_aws_cli(s3, key_file, tmp_path):
    """Backups keep the digests' signature metadata; restored files — the recompressed ones too, since
    CloudTrail hashes decompressed content — validate again where CloudTrail wrote them."""
    env = aws_env(moto_endpoint())
    trail_bucket, vault = bucket(s3, "audit"), bucket(s3, "vault")
    trail = Trail(trail_bucket)
    signing = SigningKey()
    from datetime import datetime, timezone
    chain = build_chain(s3, trail, signing, datetime(2024, 5, 1, 1, 2, 15, tzinfo=timezone.utc), 3, 2)
    fake = FakeCloudTrail([trail], [signing])
    try:
        validate = ["aws", "cloudtrail", "validate-logs", "--endpoint-url", fake.endpoint, "--trail-arn", trail.arn,
                    "--start-time", "2024-05-01T00:00:00Z", "--end-time", "2024-05-01T08:00:00Z"]
        cli = cli_env(moto_endpoint())
        before = subprocess.run(validate, env=cli, capture_output=True, text=True, timeout=300)
        assert before.returncode == 0, before.stderr
        code, report, err = backup(BIN, ["--source", f"s3://{trail_bucket}", "--destination", f"s3://{vault}/ct",
                                         "--threshold-days", "0", "--recompress", "--encrypt-key", key_file, "--json"], env)
        assert code == 0 and report["copied"] == len(chain["digests"]) + len(chain["logs"]), err
        # The originals are lost…
        originals = {}
        for key in listing(s3, trail_bucket):
            originals[key] = s3.get_object(Bucket=trail_bucket, Key=key)["Body"].read()
            s3.delete_object(Bucket=trail_bucket, Key=key)
        lost = subprocess.run(validate, env=cli, capture_output=True, text=True, timeout=300)
        assert "No digests found" in lost.stdout
        # … and restored from the backup.
        code, report, err = backup(BIN, ["restore", "--source", f"s3://{vault}/ct", "--destination", f"s3://{trail_bucket}",
                                         "--encrypt-key", key_file, "--json"], env)
        assert code == 0 and report["failed"] == {}, err
        head = s3.head_object(Bucket=trail_bucket, Key=chain["digests"][0])
        assert head["Metadata"]["signature-algorithm"] == "SHA256withRSA"
        after = subprocess.run(validate, env=cli, capture_output=True, text=True, timeout=300)
        assert after.returncode == 0, after.stdout + after.stderr
        assert "3/3 digest files valid" in after.stdout and "6/6 log files valid" in after.stdout
        # What validated were recompressed files: other (smaller) bytes, the same content.
        restored = {key: s3.get_object(Bucket=trail_bucket, Key=key)["Body"].read() for key in originals}
        assert sum(map(len, restored.values())) < sum(map(len, originals.values()))
        assert all(gzip.decompress(restored[k]) == gzip.decompress(originals[k]) for k in originals)
    finally:
        fake.close()
