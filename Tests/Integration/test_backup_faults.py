"""`trailkeeper backup` under faults, with the real binary: a fault-injecting proxy in front of moto
(503 SlowDown, 500, connection resets, corrupted bodies, an object deleted mid-run) and a folder
destination on a 2 MB tmpfs (a full disk). Each run reports per object and goes on, leaves nothing
half-written at the destination, and the next run completes the job."""
import os
import re
import subprocess
import sys
import tempfile
import time

import boto3
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from backup_fixture import backup, bucket, data_files, listing, log_objects, put_logs  # noqa: E402
from conftest import BIN  # noqa: E402
from fault_proxy import FaultProxy, Rule  # noqa: E402
from test_pipeline import aws_env, moto_endpoint  # noqa: E402


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def key_path(*parts):
    return re.escape("/".join(parts)) + "$"


@pytest.fixture
def proxy():
    p = FaultProxy(moto_endpoint(), seed=7)
    yield p
    p.close()


def test_throttling_resets_errors_and_a_deleted_object_then_a_completing_run(proxy):
    s3 = s3_client(moto_endpoint())
    src, dst = bucket(s3), bucket(s3)
    objects = put_logs(s3, src, 30)
    keys = sorted(objects)
    vanished, failing, reset = keys[5], keys[10:12], keys[20]
    # CopyObject of `vanished`: the source is deleted just before the copy reaches moto.
    proxy.add(Rule("delete", method="PUT", path=key_path(dst, "bk", vanished), header="x-amz-copy-source",
                   delete=lambda: s3.delete_object(Bucket=src, Key=vanished), times=1))
    # Two keys whose copies always fail; one whose first two copies lose their connection.
    for key in failing:
        proxy.add(Rule("error", method="PUT", path=key_path(dst, "bk", key), status=500, code="InternalError",
                       message="We encountered an internal error. Please try again."))
    proxy.add(Rule("reset", method="PUT", path=key_path(dst, "bk", reset), times=2))
    # And 15% of everything is throttled.
    proxy.add(Rule("error", probability=0.15, status=503, code="SlowDown"))
    args = ["--source", f"s3://{src}", "--destination", f"s3://{dst}/bk", "--threshold-days", "85",
            "--age-from", "key-date", "--json"]
    code, report, err = backup(BIN, args, aws_env(proxy.endpoint))
    assert code == 1, err
    assert sorted(report["failed"]) == failing
    assert report["vanished"] == [vanished]
    assert report["copied"] == 27 and report["conflicts"] == []
    assert proxy.faults("reset") == 2 and proxy.faults("delete") == 1
    assert proxy.faults("error") > len(failing) * 4, "SlowDown answers were injected and retried"
    # Nothing of the failed or vanished keys at the destination; every copy is whole.
    copied = listing(s3, dst, "bk/")
    assert copied == sorted(set(keys) - set(failing) - {vanished})
    for key in copied:
        assert s3.get_object(Bucket=dst, Key="bk/" + key)["Body"].read() == objects[key]

    # The faults gone (but for the throttling), the next run completes the job.
    proxy.clear()
    proxy.add(Rule("error", probability=0.15, status=503, code="SlowDown"))
    code, report, err = backup(BIN, args, aws_env(proxy.endpoint))
    assert code == 0, err
    assert report["copied"] == 2 and report["skipped"] == 27 and report["failed"] == {}
    assert listing(s3, dst, "bk/") == sorted(set(keys) - {vanished})


def test_corrupt_bodies_are_retried_or_reported_and_never_stored(proxy, tmp_path):
    s3 = s3_client(moto_endpoint())
    src = bucket(s3)
    objects = put_logs(s3, src, 8)
    keys = sorted(objects)
    once, always = keys[2], keys[6]
    proxy.add(Rule("corrupt", method="GET", path=key_path(src, once), times=1))
    proxy.add(Rule("corrupt", method="GET", path=key_path(src, always)))
    destination = str(tmp_path / "backup")
    args = ["--source", f"s3://{src}", "--destination", destination, "--threshold-days", "85", "--age-from", "key-date",
            "--json"]
    code, report, err = backup(BIN, args, aws_env(proxy.endpoint))
    assert code == 1, err
    assert list(report["failed"]) == [always]
    assert "do not match its ETag" in report["failed"][always]
    assert report["copied"] == 7
    assert proxy.faults("corrupt") == 1 + 4
    assert data_files(destination) == sorted(set(keys) - {always})
    assert not [f for f in data_files(destination) if ".trailkeeper-tmp-" in f]
    for key in data_files(destination):
        assert open(os.path.join(destination, key), "rb").read() == objects[key]

    proxy.clear()
    code, report, err = backup(BIN, args, aws_env(proxy.endpoint))
    assert code == 0 and report["copied"] == 1 and report["skipped"] == 7, err
    assert open(os.path.join(destination, always), "rb").read() == objects[always]


def test_unreachable_source_fails_the_run():
    code, report, err = backup(BIN, ["--source", "s3://nowhere", "--destination", "/tmp/unused-backup-dest",
                                     "--threshold-days", "1"], aws_env("http://127.0.0.1:9"))
    assert code != 0 and report is None
    assert "Error" in err
    assert not os.path.exists("/tmp/unused-backup-dest")


@pytest.fixture
def small_disk():
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a 2 MB tmpfs, and mounting one needs root")
    mount = tempfile.mkdtemp(prefix="tk-full-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], capture_output=True, text=True)
    if result.returncode != 0:
        os.rmdir(mount)
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", mount], check=True)
    os.rmdir(mount)


def test_full_disk_at_a_folder_destination(small_disk, tmp_path):
    source = str(tmp_path / "source")
    # Six 600 KB files that do not compress: 3.6 MB for a 2 MB disk.
    files = {}
    for key, _ in log_objects(6):
        files[key] = os.urandom(600_000)
        path = os.path.join(source, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(files[key])
        past = time.time() - 100 * 86400
        os.utime(path, (past, past))
    destination = os.path.join(small_disk, "backup")
    args = ["--source", source, "--destination", destination, "--threshold-days", "85", "--json"]
    code, report, err = backup(BIN, args, dict(os.environ))
    assert code == 1, err
    assert report["failed"] and report["copied"] >= 1 and report["copied"] + len(report["failed"]) == 6
    assert all("No space left on device" in reason for reason in report["failed"].values()), report["failed"]
    # Nothing half-written: no temporary files, and every file there is whole.
    stored = data_files(destination)
    assert not [f for f in stored if ".trailkeeper-tmp-" in os.path.basename(f)]
    assert sorted(stored) == sorted(set(files) - set(report["failed"]))
    for key in stored:
        assert open(os.path.join(destination, key), "rb").read() == files[key]

    subprocess.run(["mount", "-o", "remount,size=8m", small_disk], check=True)
    code, report2, err = backup(BIN, args, dict(os.environ))
    assert code == 0, err
    assert report2["copied"] == len(report["failed"]) and report2["skipped"] == report["copied"]
    assert data_files(destination) == sorted(files)
