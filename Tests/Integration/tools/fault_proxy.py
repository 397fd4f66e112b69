"""An HTTP proxy in front of an S3 server (moto) that injects faults: S3 error answers (503 SlowDown,
500 InternalError…), connection resets, corrupted response bodies, and deletions of an object just
before a request reaches the server ("deleted mid-run").

In tests:

    proxy = FaultProxy(moto_endpoint)
    proxy.add(Rule("error", probability=0.2, status=503, code="SlowDown"))       # a fifth of all requests
    proxy.add(Rule("reset", method="PUT", path=r"/dst/.*_f3\\.json\\.gz$"))      # every PUT of one key
    proxy.add(Rule("corrupt", method="GET", path=r"_f4\\.json\\.gz$", times=2))    # the first two GETs
    proxy.add(Rule("delete", path=r"_f5\\.json\\.gz$", delete=lambda: s3.delete_object(…), times=1))
    … point the client at proxy.endpoint …
    proxy.clear(); proxy.close()

From a shell (a fraction of every request fails):

    python3 fault_proxy.py --upstream http://127.0.0.1:5000 --port 5700 --fail-rate 0.1 --mode 503
"""
import argparse
import http.client
import random
import re
import socket
import struct
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "server", "date", "content-length"}


class Rule:
    """Which requests get a fault, and which fault.

    action: "error" (answer `status` with an S3 error document `code`), "reset" (close the connection
    with a TCP reset, no answer), "corrupt" (forward, then flip a byte of a non-empty 2xx body), or
    "delete" (call `delete` — which deletes an object, say with boto3 — then forward the request).
    method, path (a regular expression searched in the unquoted path), header (a header that must be
    present) select requests; probability and times (at most this many faults; None: no limit) thin them.
    """

    def __init__(self, action, method=None, path=None, header=None, probability=1.0, times=None, status=503,
                 code="SlowDown", message="Please reduce your request rate.", delete=None):
        assert action in ("error", "reset", "corrupt", "delete")
        self.action, self.method, self.header = action, method, header
        self.path = re.compile(path) if path else None
        self.probability, self.times = probability, times
        self.status, self.code, self.message, self.delete = status, code, message, delete
        self.hits = 0

    def matches(self, method, path, headers, rng):
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method and method != self.method:
            return False
        if self.path and not self.path.search(path):
            return False
        if self.header and self.header.lower() not in {k.lower() for k in headers.keys()}:
            return False
        return rng.random() < self.probability


class FaultProxy:
    """A threaded proxy on a loopback port; `decide` picks the fault of each request."""

    def __init__(self, upstream, rules=(), seed=1, port=0):
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host, self.upstream_port = parsed.hostname, parsed.port or 80
        self.rules = list(rules)
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.log = []  # (method, unquoted path, action or None)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urllib.parse.unquote(self.path.split("?", 1)[0])
                rule = proxy.decide(self.command, path, self.headers)
                with proxy.lock:
                    proxy.log.append((self.command, path, rule.action if rule else None))
                if rule and rule.action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                if rule and rule.action == "error":
                    data = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{rule.code}</Code>'
                            f'<Message>{rule.message}</Message><RequestId>fault-proxy</RequestId></Error>').encode()
                    self.send_response(rule.status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                    return
                if rule and rule.action == "delete":
                    rule.delete()
                status, reason, headers, data = proxy.forward(self.command, self.path, self.headers, body)
                if rule and rule.action == "corrupt" and 200 <= status < 300 and data:
                    data = bytearray(data)
                    data[len(data) // 2] ^= 0x5A
                    data = bytes(data)
                self.send_response(status, reason)
                content_length = None
                for k, v in headers:
                    if k.lower() == "content-length":
                        content_length = v
                    elif k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                # A HEAD answer keeps the object's length; other answers carry exactly `data`.
                self.send_header("Content-Length", content_length if self.command == "HEAD" and content_length
                                 else str(len(data)))
                self.end_headers()
                if self.command != "HEAD" and data:
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def decide(self, method, path, headers):
        """The rule whose fault this request gets, or None (counted in the rule's hits)."""
        with self.lock:
            for rule in self.rules:
                if rule.matches(method, path, headers, self.rng):
                    rule.hits += 1
                    return rule
        return None

    def forward(self, method, target, headers, body):
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            sent["Host"] = f"{self.upstream_host}:{self.upstream_port}"
            connection.request(method, target, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            connection.close()

    def add(self, rule):
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        with self.lock:
            self.rules = []

    def faults(self, action=None):
        """How many requests got a fault (of `action`)."""
        with self.lock:
            return sum(1 for _, _, a in self.log if a and (action is None or a == action))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description="Fault-injecting HTTP proxy for an S3 server.")
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-rate", type=float, default=0.1, help="fraction of requests that get the fault")
    parser.add_argument("--mode", choices=["500", "503", "reset"], default="503")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "reset":
        rule = Rule("reset", probability=args.fail_rate)
    elif args.mode == "500":
        rule = Rule("error", probability=args.fail_rate, status=500, code="InternalError",
                    message="We encountered an internal error. Please try again.")
    else:
        rule = Rule("error", probability=args.fail_rate)
    proxy = FaultProxy(args.upstream, [rule], seed=args.seed, port=args.port)
    print(proxy.endpoint, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.close()


if __name__ == "__main__":
    main()
