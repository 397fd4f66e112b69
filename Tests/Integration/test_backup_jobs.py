"""Scheduled backup jobs in `trailkeeper serve` and notifications of backup runs, with the real
binary: a `backups:` YAML section, a loopback webhook receiver, the job state in the data dir."""
import datetime
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from backup_fixture import backup, data_files, write_logs  # noqa: E402
from conftest import BIN, Server  # noqa: E402
from test_pipeline import Receiver, aws_env, wait_for  # noqa: E402


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def config(path, jobs):
    lines = ["backups:"]
    for job in jobs:
        lines.append(f"  - name: {job['name']}")
        for key, value in job.items():
            if key != "name":
                lines.append(f"    {key}: {json.dumps(value)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return str(path)


def test_cli_notifies_success_and_failure(receiver, tmp_path):
    source, destination = str(tmp_path / "src"), str(tmp_path / "dst")
    files = write_logs(source, 5)
    hook = f"http://127.0.0.1:{receiver.port}/hook"
    code, report, err = backup(BIN, ["--source", source, "--destination", destination, "--threshold-days", "85",
                                     "--notify", hook, "--job-name", "ad-hoc", "--json"], dict(os.environ))
    assert code == 0, err
    assert report["copied"] == 5 and data_files(destination) == sorted(files)
    [notice] = receiver.bodies
    assert notice["kind"] == "notice" and notice["severity"] == "INFO" and notice["rule"] == "backup:ad-hoc"
    assert notice["title"] == "[INFO] backup ad-hoc succeeded: copied 5 (%s), 0 already backed up" % (
        "%.1f KB" % (report["bytesCopied"] / 1000))
    assert notice["details"]["copied"] == 5 and notice["details"]["selected"] == 5
    assert notice["details"]["status"] == "succeeded" and notice["details"]["source"] == source

    # A source nobody answers for: the run fails, the targets hear of it, the exit status says so.
    code, report, err = backup(BIN, ["--source", "s3://gone", "--destination", destination, "--threshold-days", "85",
                                     "--notify", hook], aws_env("http://127.0.0.1:9"))
    assert code == 1 and report is None and "Error:" in err
    failure = receiver.bodies[1]
    assert failure["severity"] == "HIGH" and failure["title"].startswith("[HIGH] backup manual failed: ")
    assert failure["details"]["status"] == "failed" and failure["details"]["error"]

    # A target that cannot be reached makes the exit status 1, after the backup itself succeeded.
    code, report, err = backup(BIN, ["--source", source, "--destination", destination, "--threshold-days", "85",
                                     "--notify", "http://127.0.0.1:9/hook", "--json"], dict(os.environ))
    assert code == 1 and report["skipped"] == 5 and report["failed"] == {}
    assert "notification to webhook http://127.0.0.1/… failed" in err


def test_missed_run_runs_at_start_up_and_is_kept(receiver, tmp_path):
    source, destination = str(tmp_path / "src"), str(tmp_path / "dst")
    files = write_logs(source, 4)
    data_dir = tmp_path / "data"
    os.makedirs(data_dir / "backups")
    # The job last ran three days ago; the server was down since.
    three_days_ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    with open(data_dir / "backups" / "daily.json", "w") as f:
        json.dump({"firstSeen": three_days_ago, "skippedRuns": 0,
                   "lastRun": {"job": "daily", "source": source, "destination": destination,
                               "started": three_days_ago, "finished": three_days_ago, "scheduledFor": three_days_ago}}, f)
    path = config(tmp_path / "config.yaml", [{
        "name": "daily", "source": source, "destination": destination, "threshold-days": 85,
        "schedule": "rate(1 day)", "notify": [f"http://127.0.0.1:{receiver.port}/hook"]}])
    server = Server(str(data_dir), "--config", path).start()
    try:
        wait_for(lambda: receiver.bodies, timeout=60, what="the missed run's notification")
        [notice] = receiver.bodies
        assert notice["severity"] == "INFO" and notice["details"]["copied"] == 4
        assert data_files(destination) == sorted(files)
        state = json.load(open(data_dir / "backups" / "daily.json"))
        assert state["lastRun"]["report"]["copied"] == 4
        assert state["lastRun"]["started"] > three_days_ago
        assert state["lastRun"]["scheduledFor"] < state["lastRun"]["started"]
        log = open(server.log_path).read()
        assert "running a missed scheduled backup" in log and "scheduled backup finished" in log
    finally:
        server.kill()
    # Started again at once: the run of today is done, nothing more is due.
    server = Server(str(data_dir), "--config", path).start()
    try:
        import time
        time.sleep(3)
        assert len(receiver.bodies) == 1
    finally:
        server.kill()


def test_scheduled_job_runs_in_serve_and_notifies(receiver, tmp_path):
    source, destination = str(tmp_path / "src"), str(tmp_path / "dst")
    files = write_logs(source, 3)
    path = config(tmp_path / "config.yaml", [{
        "name": "minutely", "source": source, "destination": destination, "threshold-days": 85,
        "schedule": "cron(* * * * ? *)", "notify": [f"http://127.0.0.1:{receiver.port}/hook"]}])
    data_dir = tmp_path / "data"
    server = Server(str(data_dir), "--config", path).start()
    try:
        # A new job waits for its first schedule time: the next minute.
        wait_for(lambda: receiver.bodies, timeout=75, what="the scheduled run's notification")
        notice = receiver.bodies[0]
        assert notice["kind"] == "notice" and notice["details"]["copied"] == 3
        assert data_files(destination) == sorted(files)
        state = json.load(open(data_dir / "backups" / "minutely.json"))
        assert state["lastRun"]["scheduledFor"].endswith(":00Z")
        assert state["lastRun"]["report"]["copied"] == 3
        assert "scheduled backup finished" in open(server.log_path).read()
    finally:
        server.kill()


def test_bad_backups_section_is_refused(tmp_path):
    path = config(tmp_path / "config.yaml", [{
        "name": "nightly", "source": "s3://a", "destination": "s3://b", "threshold-days": 85,
        "schedule": "cron(0 2 * * * *)"}])
    result = subprocess.run([BIN, "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", "--config", path],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "backups.nightly: invalid schedule expression: cron(0 2 * * * *)" in result.stderr
