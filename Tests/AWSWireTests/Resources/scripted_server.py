"""A loopback HTTP/1.1 server that answers from a script and records what it received.

Usage: scripted_server.py RESPONSES_JSON RECORD_FILE
RESPONSES_JSON is a list of {"status": int, "headers": [[name, value], ...], "body": str, "delay": seconds},
answered in order (the last one repeats); "delay" holds the answer back (to provoke client timeouts). Each request is appended to RECORD_FILE as one JSON line:
{"method", "target" (the raw request target), "headers": [[name, value], ...], "body" (latin-1)}.
The first line on stdout is the port. The server runs until stdin closes or it is terminated.
"""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

responses = json.loads(sys.argv[1])
record_file = sys.argv[2]
lock = threading.Lock()
served = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            with open(record_file, "a") as out:
                out.write(json.dumps({
                    "method": self.command, "target": self.path,
                    "headers": [[k, v] for k, v in self.headers.items()], "body": body.decode("latin-1"),
                }) + "\n")
            response = responses[min(served[0], len(responses) - 1)]
            served[0] += 1
        time.sleep(response.get("delay", 0))
        payload = response.get("body", "").encode()
        self.send_response(response["status"])
        for name, value in response.get("headers", []):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = answer

    def log_message(self, *args):
        pass


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


# A child inherits the signal mask of the thread that spawned it (a dispatch worker blocks SIGTERM).
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
