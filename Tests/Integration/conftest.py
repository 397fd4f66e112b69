"""Fixtures that start the built Trailkeeper server for real and talk to it with the AWS CLI and boto3."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
import requests
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TRAILKEEPER_BIN", os.path.join(ROOT, ".build", "release", "trailkeeper"))
ACCOUNT = "123456789012"


def shared_data():
    path = os.environ.get("TRAILKEEPER_SHARED_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")
    if not os.path.isdir(path):
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"shared data not found at {path}")
        pytest.skip("shared data not found")
    return path


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One trailkeeper process on a loopback port with its own data dir."""

    def __init__(self, data_dir, *args):
        self.data_dir = data_dir
        self.args = list(args)
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(data_dir, "server.log")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        os.makedirs(self.data_dir, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data-dir", self.data_dir, "--port", str(self.port), "--account-id", ACCOUNT] + self.args,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {open(self.log_path).read()[-2000:]}")
            try:
                if requests.get(self.endpoint + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not become healthy")
        assert "trailkeeper ready on http://127.0.0.1:%d" % self.port in open(self.log_path).read()
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def credentials(self):
        text = open(os.path.join(self.data_dir, "credentials")).read()
        values = dict(
            line.split("=", 1) for line in (l.replace(" ", "") for l in text.splitlines()) if "=" in line
        )
        return values["aws_access_key_id"], values["aws_secret_access_key"]

    def env(self, region="us-east-1"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.data_dir, "credentials"),
            AWS_CONFIG_FILE="/dev/null",
            AWS_DEFAULT_REGION=region,
        )
        return env

    def aws(self, *args, region="us-east-1", check=True):
        """Runs the real AWS CLI against this server; returns parsed JSON output."""
        result = subprocess.run(
            ["aws", "--endpoint-url", self.endpoint, "--output", "json"] + list(args),
            env=self.env(region), capture_output=True, text=True, timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result

    def client(self, service="cloudtrail", region="us-east-1", validate=True, key=None, secret=None):
        k, s = self.credentials()
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=key or k, aws_secret_access_key=secret or s,
            config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
        )

    def signed(self, method, path, body=b"", region="us-east-1", service="trailkeeper"):
        """A request to the native API, SigV4-signed by botocore."""
        k, s = self.credentials()
        request = botocore.awsrequest.AWSRequest(method=method, url=self.endpoint + path, data=body)
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(k, s), service, region).add_auth(request)
        prepared = request.prepare()
        return requests.request(method, prepared.url, headers=dict(prepared.headers), data=body, timeout=60)

    def ingest(self, records):
        body = json.dumps({"Records": records}).encode()
        response = self.signed("POST", "/v1/events", body)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def make_server():
    servers = []
    dirs = []

    def make(*args, data_dir=None):
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="tk-it-")
            dirs.append(data_dir)
        server = Server(data_dir, *args).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.kill()
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server(make_server):
    return make_server()


def record(name="DescribeInstances", source="ec2.amazonaws.com", region="us-east-1", user="alice",
           key="AKIAEXAMPLE000000001", read_only=True, when=None, resources=None, management=True):
    """A realistic CloudTrail record."""
    when = when or datetime.now(timezone.utc) - timedelta(minutes=5)
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
                         "accountId": ACCOUNT, "accessKeyId": key, "userName": user},
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0", "requestParameters": None, "responseElements": None,
        "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": read_only,
        "resources": resources or [], "eventType": "AwsApiCall", "managementEvent": management,
        "recipientAccountId": ACCOUNT, "eventCategory": "Management" if management else "Data",
    }
