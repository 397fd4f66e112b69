"""`trailkeeper validate-logs` against the real `aws cloudtrail validate-logs`, byte for byte.

Digest chains are built in a moto S3 server (spec §3: compact JSON, SHA-256, the four-line signing
string, RSA PKCS#1 v1.5, one gzip member, signature metadata). The AWS CLI gets DescribeTrails,
ListPublicKeys and DescribeOrganization from a small local CloudTrail endpoint (spec §3.9);
trailkeeper runs with the same arguments, with that endpoint or offline with `--public-keys FILE`
(a saved list-public-keys answer), and S3 through AWS_ENDPOINT_URL_S3. For the untouched chain and
every tampering, standard output, standard error and the exit status must be identical.
"""
import gzip
import hashlib
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from trail_fixture import (FakeCloudTrail, Moto, SigningKey, Trail, build_chain, cli_env, digest_json,  # noqa: E402
                           put_digest, signing_string)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TK = os.environ.get("TRAILKEEPER_BIN") or os.path.join(ROOT, ".build", "release", "trailkeeper")
T0 = datetime(2024, 5, 1, 1, 2, 15, tzinfo=timezone.utc)
RANGE = ["--start-time", "2024-05-01T00:00:00Z", "--end-time", "2024-05-01T08:00:00Z"]


@pytest.fixture(scope="module")
def moto():
    if not os.path.exists(TK):
        if os.environ.get("TRAILKEEPER_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"{TK} is missing: swift build -c release --product trailkeeper")
        pytest.skip(f"{TK} is missing")
    server = Moto()
    yield server
    server.close()


@pytest.fixture(scope="module")
def keys():
    # One published key, one a tamperer would use.
    return {"published": SigningKey(), "rogue": SigningKey()}


class Case:
    """One bucket with one trail's chain, the fake CloudTrail API and a saved key list."""

    def __init__(self, moto, keys, tmp_path, prefix=None, org=None, account="111122223333", published=None):
        self.moto, self.s3 = moto, moto.client()
        self.bucket = "audit-" + uuid.uuid4().hex[:12]
        self.s3.create_bucket(Bucket=self.bucket)
        self.key = keys["published"]
        self.rogue = keys["rogue"]
        self.trail = Trail(self.bucket, account=account, prefix=prefix, org=org)
        published = [self.key] if published is None else published
        self.fake = FakeCloudTrail([self.trail], published, organization_id=org)
        self.keys_file = str(tmp_path / f"keys-{self.bucket}.json")
        with open(self.keys_file, "w") as f:
            json.dump({"PublicKeyList": [k.list_entry() for k in published]}, f)

    def chain(self, hours=4, logs_per_hour=2, first_end=T0, **kw):
        return build_chain(self.s3, self.trail, self.key, first_end, hours, logs_per_hour, **kw)

    def get(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)

    def digest(self, key):
        return json.loads(gzip.decompress(self.get(key)["Body"].read()))

    def run(self, cmd, **env):
        r = subprocess.run(cmd, env=cli_env(self.moto.endpoint, AWS_ENDPOINT_URL_ORGANIZATIONS=self.fake.endpoint, **env),
                           capture_output=True, text=True, timeout=300)
        return r.returncode, r.stdout, r.stderr

    def aws(self, args):
        return self.run(["aws", "cloudtrail", "validate-logs", "--endpoint-url", self.fake.endpoint] + args)

    def tk(self, args):
        return self.run([TK, "validate-logs"] + args)

    def assert_same(self, args, by_bucket=True):
        """Runs the CLI and every trailkeeper variant with `args`; all must agree. Returns the CLI's result.

        Variants: DescribeTrails and ListPublicKeys from the API; DescribeTrails from the API and keys
        from the file; and (when `by_bucket`) `--s3-bucket` with keys from the file and no CloudTrail
        endpoint at all, compared with the CLI given the same `--s3-bucket`.
        """
        expected = self.aws(args)
        assert self.tk(["--endpoint-url", self.fake.endpoint] + args) == expected
        assert self.tk(["--endpoint-url", self.fake.endpoint, "--public-keys", self.keys_file] + args) == expected
        if by_bucket and "--s3-bucket" not in args:
            bucket_args = args + ["--s3-bucket", self.bucket] + (["--s3-prefix", self.trail.prefix] if self.trail.prefix else [])
            expected_by_bucket = self.aws(bucket_args)
            assert self.tk(["--public-keys", self.keys_file] + bucket_args) == expected_by_bucket
        return expected

    def close(self):
        self.fake.close()


@pytest.fixture
def case(moto, keys, tmp_path):
    made = []

    def make(**kw):
        c = Case(moto, keys, tmp_path, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def args(case, *extra, verbose=True):
    return ["--trail-arn", case.trail.arn] + RANGE + (["--verbose"] if verbose else []) + list(extra)


def summary_lines(out):
    return [l for l in out.splitlines() if "files valid" in l]


# MARK: the required scenarios


def test_untouched_chain_is_valid(case):
    c = case()
    chain = c.chain()
    code, out, err = c.assert_same(args(c))
    assert code == 0 and err == ""
    assert summary_lines(out) == ["4/4 digest files valid", "8/8 log files valid"]
    assert out.count("\tvalid\n") == 12 and chain["digests"][-1] in out.splitlines()[2]


def test_modified_log(case):
    c = case()
    chain = c.chain()
    victim = chain["logs"][3]
    c.s3.put_object(Bucket=c.bucket, Key=victim, Body=gzip.compress(b'{"Records":[]}'))
    code, out, err = c.assert_same(args(c))
    assert code == 1 and f"Log file\ts3://{c.bucket}/{victim}\tINVALID: hash value doesn't match" in err


def test_deleted_log(case):
    c = case()
    chain = c.chain()
    victim = chain["logs"][5]
    c.s3.delete_object(Bucket=c.bucket, Key=victim)
    code, out, err = c.assert_same(args(c))
    assert code == 1 and f"Log file\ts3://{c.bucket}/{victim}\tINVALID: not found" in err


def test_modified_digest(case):
    c = case()
    chain = c.chain()
    victim = chain["digests"][1]
    obj = c.get(victim)
    d = json.loads(gzip.decompress(obj["Body"].read()))
    d["logFiles"] = d["logFiles"][1:]
    c.s3.put_object(Bucket=c.bucket, Key=victim, Body=gzip.compress(json.dumps(d, separators=(",", ":")).encode()),
                    Metadata=obj["Metadata"])
    code, out, err = c.assert_same(args(c))
    assert code == 1 and f"Digest file\ts3://{c.bucket}/{victim}\tINVALID: signature verification failed" in err


def test_moved_digest(case):
    c = case()
    chain = c.chain()
    newest = chain["digests"][-1]
    stamp = datetime.strptime(newest[-24:-8], "%Y%m%dT%H%M%SZ") + timedelta(seconds=30)
    moved = newest[:-24] + stamp.strftime("%Y%m%dT%H%M%SZ") + newest[-8:]
    obj = c.get(newest)
    c.s3.put_object(Bucket=c.bucket, Key=moved, Body=obj["Body"].read(), Metadata=obj["Metadata"])
    code, out, err = c.assert_same(args(c))
    assert code == 1 and f"Digest file\ts3://{c.bucket}/{moved}\tINVALID: has been moved from its original location" in err


def test_deleted_digest_continues_with_the_next_listed(case):
    c = case()
    chain = c.chain()
    victim = chain["digests"][2]
    c.s3.delete_object(Bucket=c.bucket, Key=victim)
    code, out, err = c.assert_same(args(c))
    assert code == 1 and f"Digest file\ts3://{c.bucket}/{victim}\tINVALID: not found" in err
    assert "3/4 digest files valid, 1/4 digest files INVALID" in out and "6/6 log files valid" in out


def test_digest_resigned_with_an_unknown_key(case):
    c = case()
    chain = c.chain()
    newest = chain["digests"][-1]
    d = c.digest(newest)
    d["digestPublicKeyFingerprint"] = c.rogue.fingerprint
    raw = json.dumps(d, separators=(",", ":")).encode()
    put_digest(c.s3, c.trail, newest, raw, c.rogue)
    code, out, err = c.assert_same(args(c))
    assert code == 1
    assert (f"Digest file\ts3://{c.bucket}/{newest}\tINVALID: public key not found in region us-east-1 "
            f"for fingerprint {c.rogue.fingerprint}") in err


# MARK: more tampering and formats


def test_digest_resigned_by_another_key_under_the_published_fingerprint(case):
    c = case()
    chain = c.chain()
    newest = chain["digests"][-1]
    d = c.digest(newest)
    d["logFiles"] = []
    put_digest(c.s3, c.trail, newest, json.dumps(d, separators=(",", ":")).encode(), c.rogue)
    code, _, err = c.assert_same(args(c))
    assert code == 1 and "INVALID: signature verification failed" in err


def test_digest_without_signature_metadata(case):
    c = case()
    chain = c.chain()
    victim = chain["digests"][0]
    c.s3.put_object(Bucket=c.bucket, Key=victim, Body=c.get(victim)["Body"].read())
    code, _, err = c.assert_same(args(c))
    assert code == 1 and f"{victim}\tINVALID: signature verification failed" in err


def test_log_and_digest_gzip_variants(case):
    c = case()
    chain = c.chain(hours=2, logs_per_hour=4)
    logs = chain["logs"]
    body = lambda k: c.get(k)["Body"].read()  # noqa: E731
    put = lambda k, b, **kw: c.s3.put_object(Bucket=c.bucket, Key=k, Body=b, **kw)  # noqa: E731
    put(logs[0], b"not gzip at all")                                   # invalid format
    put(logs[1], body(logs[1])[:-4])                                   # no ISIZE: still decodes fully (valid)
    put(logs[2], body(logs[2])[: len(body(logs[2])) // 2])             # cut in half: hash doesn't match
    put(logs[3], body(logs[3]) + gzip.compress(b"second member"))      # first member only counts (valid)
    bad_crc = bytearray(body(logs[4]))
    bad_crc[-8] ^= 0xFF
    put(logs[4], bytes(bad_crc))                                       # CRC mismatch: invalid format
    put(logs[5], b"")                                                  # empty: hash of nothing
    newest = chain["digests"][-1]
    obj = c.get(newest)
    put(newest, obj["Body"].read() + b"trailing garbage", Metadata=obj["Metadata"])  # zlib ignores it
    code, out, err = c.assert_same(args(c))
    assert code == 1 and "2/2 digest files valid" in out
    assert f"{logs[0]}\tINVALID: invalid format" in err and f"{logs[1]}\tvalid" in out
    assert f"{logs[2]}\tINVALID: hash value doesn't match" in err and f"{logs[3]}\tvalid" in out
    assert f"{logs[4]}\tINVALID: invalid format" in err and f"{logs[5]}\tINVALID: hash value doesn't match" in err


def test_invalid_digest_gzip_and_json(case):
    c = case()
    chain = c.chain()
    a, b = chain["digests"][1], chain["digests"][2]
    meta = c.get(a)["Metadata"]
    c.s3.put_object(Bucket=c.bucket, Key=a, Body=b"\x1f\x8bnot really", Metadata=meta)
    c.s3.put_object(Bucket=c.bucket, Key=b, Body=gzip.compress(b'{"digestS3Bucket": 1'), Metadata=meta)
    code, _, err = c.assert_same(args(c))
    assert code == 1 and err.count("INVALID: invalid format") == 2


def test_chain_gap_is_reported_and_not_counted(case):
    c = case()
    first = c.chain(hours=2)
    c.chain(hours=2, first_end=T0 + timedelta(hours=4), seed=2)  # a new chain: previous… fields null
    code, out, err = c.assert_same(args(c))
    assert code == 0 and "No log files were delivered by CloudTrail between 2024-05-01T02:02:15Z and 2024-05-01T04:02:15Z" in err
    assert "4/4 digest files valid" in out and first["digests"][0] in out


def test_starting_digest_in_the_middle_of_the_range(case):
    c = case()
    c.chain(hours=3)
    code, out, err = c.assert_same(["--trail-arn", c.trail.arn, "--start-time", "2024-05-01T02:30:00Z",
                                    "--end-time", "2024-05-01T03:30:00Z", "--verbose"])
    assert code == 0 and "Results found for 2024-05-01T02:30:00Z to 2024-05-01T03:02:15Z:" in out


def test_backfill_digests(case):
    c = case()
    chain = c.chain(hours=3)
    late = build_chain(c.s3, c.trail, c.key, T0 + timedelta(hours=1, minutes=30), 1, 2, seed=3)
    # Turn the extra digest into a backfill digest: `_backfill` key, generation time metadata.
    extra = late["digests"][0]
    d = c.digest(extra)
    c.s3.delete_object(Bucket=c.bucket, Key=extra)
    key = c.trail.digest_key(T0 + timedelta(hours=1, minutes=30), backfill=True)
    d["digestS3Object"] = key
    d.update(previousDigestS3Bucket=None, previousDigestS3Object=None, previousDigestHashValue=None,
             previousDigestHashAlgorithm=None, previousDigestSignature=None)
    put_digest(c.s3, c.trail, key, json.dumps(d, separators=(",", ":")).encode(), c.key,
               backfill_generated=T0 + timedelta(hours=5))
    code, out, err = c.assert_same(args(c))
    assert code == 0
    assert f"(backfill) Digest file\ts3://{c.bucket}/{key}\tvalid" in out and "1/1 backfill digest files valid" in out


def test_backfill_digest_without_generation_time_and_with_unknown_key(case):
    c = case()
    c.chain(hours=2)
    for i, (metadata_time, signer) in enumerate([(None, "published"), (T0, "rogue")]):
        end = T0 + timedelta(minutes=20 + i)
        key = c.trail.digest_key(end, backfill=True)
        signer = c.key if signer == "published" else c.rogue
        raw = digest_json(c.trail, end - timedelta(hours=1), end, key, signer.fingerprint, None, [])
        put_digest(c.s3, c.trail, key, raw, signer, backfill_generated=metadata_time)
    code, out, err = c.assert_same(args(c))
    assert code == 1 and "(backfill) Digest file" in err and "INVALID: invalid format" in err


def test_organization_trail_layout(case):
    c = case(org="o-abcdef1234", account="222233334444")
    c.chain(hours=2)
    code, out, err = c.assert_same(args(c, "--account-id", "222233334444"), by_bucket=False)
    assert code == 0 and "2/2 digest files valid" in out and "/o-abcdef1234/222233334444/" in out
    # Without --account-id the CLI refuses an organization trail.
    assert c.assert_same(args(c), by_bucket=False)[0] == 255


def test_key_prefix_and_quiet_output(case):
    c = case(prefix="team/logs")
    chain = c.chain(hours=2)
    c.s3.delete_object(Bucket=c.bucket, Key=chain["logs"][1])
    code, out, err = c.assert_same(args(c, verbose=False))
    assert code == 1 and "\tvalid" not in out and "INVALID: not found" in err


def test_nothing_in_range_and_argument_errors(case):
    c = case()
    c.chain(hours=1)
    assert "No digests found" in c.assert_same(["--trail-arn", c.trail.arn, "--start-time", "2024-03-01T00:00:00Z",
                                                 "--end-time", "2024-03-02T00:00:00Z"])[1]
    for bad in (
        ["--trail-arn", "arn:aws:cloudtrail:us-east-1:1234:trail/x"] + RANGE,                   # invalid ARN
        ["--trail-arn", c.trail.arn.replace("audit", "other")] + RANGE,                          # no such trail
        ["--trail-arn", c.trail.arn, "--start-time", "2024-05-02", "--end-time", "2024-05-01"],  # reversed range
        ["--trail-arn", c.trail.arn, "--start-time", "yesterday-ish"],                           # unparseable
        ["--trail-arn", c.trail.arn, "--s3-bucket", "no-such-bucket-" + uuid.uuid4().hex[:8]] + RANGE,
    ):
        code, out, err = c.assert_same(bad, by_bucket=False)
        assert code == 255 and err.startswith("\n"), (bad, out, err)


def test_no_public_keys(case, keys):
    c = case(published=[])
    c.chain(hours=1)
    code, out, err = c.assert_same(args(c))
    assert code == 255 and "No public keys found between 2024-05-01T00:00:00Z and 2024-05-01T10:00:00Z" in err


def test_json_output_matches_the_text_verdict(case):
    c = case()
    chain = c.chain()
    c.s3.delete_object(Bucket=c.bucket, Key=chain["logs"][2])
    code, out, _ = c.tk(["--endpoint-url", c.fake.endpoint, "--json"] + args(c))
    doc = json.loads(out)
    assert code == 1 and doc["exitCode"] == 1
    assert doc["summary"]["digestFiles"] == {"valid": 4, "invalid": 0}
    assert doc["summary"]["logFiles"] == {"valid": 7, "invalid": 1}
    missing = [r for r in doc["results"] if r["status"] == "missing"]
    assert missing == [{"type": "log", "bucket": c.bucket, "key": chain["logs"][2], "status": "missing",
                        "message": "not found"}]
    assert [r["type"] for r in doc["results"]].count("digest") == 4


# MARK: a Trailkeeper store: its S3 API, and the same files read with --data-dir


def test_trailkeeper_store_through_its_s3_api_and_with_data_dir(make_server, keys, tmp_path):
    from conftest import ACCOUNT

    if not os.path.exists(TK):
        pytest.skip(f"{TK} is missing")
    server = make_server()
    s3 = server.client("s3")
    # The server does not answer `Expect: 100-continue` (botocore then waits a second per PUT).
    s3.meta.events.register("before-send.s3.PutObject", lambda request, **_: request.headers.pop("Expect", None) and None)
    bucket = "audit-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    server.client("cloudtrail").create_trail(Name="audit", S3BucketName=bucket, EnableLogFileValidation=True)
    key = keys["published"]
    trail = Trail(bucket, account=ACCOUNT)
    chain = build_chain(s3, trail, key, T0, 3, 2)
    # The signing key as the server's key ring stores it (validate-logs --data-dir reads the public fields only).
    key_dir = os.path.join(server.data_dir, "signing-keys")
    os.makedirs(key_dir, exist_ok=True)
    entry = key.list_entry()
    with open(os.path.join(key_dir, key.fingerprint + ".json"), "w") as f:
        json.dump({"region": "us-east-1", "fingerprint": key.fingerprint, "publicKey": entry["Value"],
                   "privateKey": key.private.save_pkcs1().decode(), "validityStartTime": entry["ValidityStartTime"],
                   "validityEndTime": entry["ValidityEndTime"]}, f)
    fake = FakeCloudTrail([trail], [key])
    env = server.env()
    env["AWS_ENDPOINT_URL_S3"] = server.endpoint
    run_args = ["--trail-arn", trail.arn] + RANGE + ["--verbose"]

    def run(cmd):
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        return r.returncode, r.stdout, r.stderr

    def compare():
        expected = run(["aws", "cloudtrail", "validate-logs", "--endpoint-url", fake.endpoint] + run_args)
        assert run([TK, "validate-logs", "--endpoint-url", fake.endpoint] + run_args) == expected
        assert run([TK, "validate-logs", "--data-dir", server.data_dir] + run_args) == expected
        return expected

    try:
        code, out, err = compare()
        assert code == 0 and "3/3 digest files valid" in out and "6/6 log files valid" in out
        assert "PRIVATE KEY" not in out + err
        # Tampering through the S3 API and directly on disk.
        s3.delete_object(Bucket=bucket, Key=chain["logs"][1])
        path = os.path.join(server.data_dir, "objects", bucket, chain["digests"][2])
        d = json.loads(gzip.decompress(open(path, "rb").read()))
        d["logFiles"] = d["logFiles"][:1]
        with open(path, "wb") as f:
            f.write(gzip.compress(json.dumps(d, separators=(",", ":")).encode()))
        code, out, err = compare()
        assert code == 1 and "INVALID: signature verification failed" in err and "INVALID: not found" in err
    finally:
        fake.close()


# MARK: S3 errors


def test_s3_errors_on_log_files_and_digests(case):
    from trail_fixture import FaultyS3

    c = case()
    chain = c.chain(hours=3)
    proxy = FaultyS3(c.moto.endpoint)

    def same(expected_code):
        a = c.run(["aws", "cloudtrail", "validate-logs", "--endpoint-url", c.fake.endpoint] + args(c),
                  AWS_ENDPOINT_URL_S3=proxy.endpoint)
        b = c.run([TK, "validate-logs", "--endpoint-url", c.fake.endpoint] + args(c), AWS_ENDPOINT_URL_S3=proxy.endpoint)
        assert b == a
        assert a[0] == expected_code, a
        return a

    try:
        # A log file the caller may not read stops the run (the CLI re-raises ClientErrors but NoSuchKey).
        proxy.faults = {f"/{c.bucket}/{chain['logs'][3]}": (403, "AccessDenied", "Access Denied")}
        code, out, err = same(255)
        assert err == "\nAn error occurred (AccessDenied) when calling the GetObject operation: Access Denied\n"
        # A server error is retried (five attempts, as botocore's legacy mode), then stops the run.
        proxy.faults = {f"/{c.bucket}/{chain['digests'][1]}": (500, "InternalError", "We encountered an internal error.")}
        proxy.hits = {}
        code, out, err = same(255)
        assert "when calling the GetObject operation (reached max retries: 4): We encountered an internal error." in err
        assert proxy.hits[f"/{c.bucket}/{chain['digests'][1]}"] == 10
    finally:
        proxy.close()


# MARK: chains across buckets and regions, and signed digests of odd shapes


def test_chain_continues_in_the_previous_bucket(case):
    c = case()
    old = c.chain(hours=2)  # the trail's first bucket
    new_bucket = "audit-" + uuid.uuid4().hex[:12]
    c.s3.create_bucket(Bucket=new_bucket)
    moved = Trail(new_bucket)
    later = build_chain(c.s3, moved, c.key, T0 + timedelta(hours=2), 2, 2, previous=old["last"], seed=5)
    c.fake.trails = [moved]
    code, out, err = c.assert_same(args(c), by_bucket=False)
    assert code == 0 and "4/4 digest files valid" in out and "8/8 log files valid" in out
    assert f"s3://{c.bucket}/{old['digests'][0]}\tvalid" in out and f"s3://{new_bucket}/{later['digests'][1]}\tvalid" in out
    # A digest missing in the old bucket.
    c.s3.delete_object(Bucket=c.bucket, Key=old["digests"][1])
    code, out, err = c.assert_same(args(c), by_bucket=False)
    assert code == 1 and f"s3://{c.bucket}/{old['digests'][1]}\tINVALID: not found" in err


def test_source_region_other_than_the_home_region(case):
    c = case()
    c.trail.region = "eu-west-1"  # digests of events recorded in eu-west-1, trail homed in us-east-1
    c.chain(hours=2)
    code, out, err = c.assert_same(["--region", "eu-west-1"] + args(c))
    assert code == 0 and "/CloudTrail-Digest/eu-west-1/" in out and "_eu-west-1_audit_us-east-1_" in out
    # Without --region the home region's digests are looked for: there are none.
    assert "No digests found" in c.assert_same(args(c))[1]


def test_signed_digests_of_odd_shapes(case):
    c = case()
    chain = c.chain(hours=1)
    link = chain["last"]
    log = {"s3Bucket": c.bucket, "s3Object": chain["logs"][0], "hashValue": "0" * 64, "hashAlgorithm": "SHA-256"}

    def signed(end, mutate):
        key = c.trail.digest_key(end)
        d = json.loads(digest_json(c.trail, end - timedelta(hours=1), end, key, c.key.fingerprint, link, []))
        mutate(d)
        return put_digest(c.s3, c.trail, key, json.dumps(d, separators=(",", ":")).encode(), c.key)

    # Oldest first; each links to the previous one.
    link = signed(T0 + timedelta(hours=1), lambda d: d.update(logFiles=[dict(log, hashValue=None), dict(log)]))
    link = signed(T0 + timedelta(hours=2), lambda d: d.update(digestStartTime="soon"))
    link = signed(T0 + timedelta(hours=3), lambda d: d.update(logFiles=[{k: v for k, v in log.items() if k != "hashValue"}]))
    code, out, err = c.assert_same(args(c))
    assert code == 1 and "INVALID: Unable to parse date value: soon" in err
    # A digest without logFiles stops the CLI after reporting it valid (KeyError).
    signed(T0 + timedelta(hours=4), lambda d: d.pop("logFiles"))
    code, out, err = c.assert_same(args(c))
    assert code == 255 and err.endswith("\n'logFiles'\n")


def test_signed_digest_with_times_the_cli_cannot_compare(case):
    c = case()
    chain = c.chain(hours=1)
    end = T0 + timedelta(hours=1)
    key = c.trail.digest_key(end)
    d = json.loads(digest_json(c.trail, T0, end, key, c.key.fingerprint, chain["last"], []))
    d["digestStartTime"] = "2024-05-01T01:02:15"  # no zone: Python cannot compare it with the aware start time
    d["digestEndTime"] = "2024-05-01T04:02:15.75+02:00"  # 02:02:15.75 UTC
    put_digest(c.s3, c.trail, key, json.dumps(d, separators=(",", ":")).encode(), c.key)
    code, out, err = c.assert_same(args(c))
    assert code == 255 and err == "\ncan't compare offset-naive and offset-aware datetimes\n"
    d["digestStartTime"] = "2024-05-01T03:02:15+02:00"  # displayed with its own wall clock, as strftime does
    put_digest(c.s3, c.trail, key, json.dumps(d, separators=(",", ":")).encode(), c.key)
    code, out, err = c.assert_same(args(c))
    assert code == 0 and "Results found for 2024-05-01T00:02:15Z to 2024-05-01T04:02:15Z:" in out
