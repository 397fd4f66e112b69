"""The seed pipeline's per-object logic (lambda-src/index.py of seed 001), minus AWS calls.

For each CloudTrail log file: read the object, gunzip it, json.loads it, loop over
Records and keep those whose eventName is monitored. Prints one JSON line of totals.
Usage: seed_filter.py FILE...
"""
import gzip
import json
import sys
import time

monitored_events = {"ConsoleLogin", "CreateUser", "StartInstances", "DeleteBucket", "PutBucketPolicy"}

start = time.perf_counter()
events = matched = uncompressed = 0
for path in sys.argv[1:]:
    with open(path, "rb") as f:  # stands in for s3.get_object(...)["Body"].read()
        body = f.read()
    text = gzip.decompress(body)
    uncompressed += len(text)
    log_data = json.loads(text)
    for record in log_data["Records"]:
        events += 1
        if record.get("eventName") in monitored_events:
            matched += 1  # the seed writes these to DynamoDB and publishes to SNS
elapsed = time.perf_counter() - start
print(json.dumps({"files": len(sys.argv) - 1, "events": events, "matched": matched,
                  "uncompressed_bytes": uncompressed, "seconds": elapsed}))
