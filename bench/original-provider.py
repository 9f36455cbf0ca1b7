"""A stand-in for the original CPX provider, for comparison runs only (not used by `npm run bench`).

Python's single-threaded http.server: HTTPServer (listen backlog 5, one request at a
time), HTTP/1.0, the connection closed after every response. Written for fleetmon's
benchmarks to check that `fleetmon mock --serial --http10 --backlog 5` collapses the
same way under load.

With --threaded, Python's ThreadingHTTPServer instead (a thread per request, same backlog of
5, still HTTP/1.0), and --latency-ms sleeps in each stats answer: a concurrent provider that
closes every connection, which a provider written quickly in Python would be.

With --keep-alive, HTTP/1.1 with Content-Length, connections kept open: the handler writes the
head and the body apart, as http.server does, without TCP_NODELAY (Nagle's algorithm then
holds each body until the client acknowledges the head).

Usage: python3 bench/original-provider.py PORT [INSTANCES] [--threaded] [--keep-alive] [--latency-ms MS]
(PORT 0: any free port, printed on start)
"""

import argparse
import json
import random
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

SERVICES = ["UserService", "AuthService", "StorageService", "PaymentService", "GeoService", "TimeService"]


def build_fleet(count):
    rng = random.Random(1)
    ips = set()
    while len(ips) < count:
        ips.add(f"10.58.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
    return {ip: SERVICES[i % len(SERVICES)] for i, ip in enumerate(sorted(ips))}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/servers":
            body = json.dumps(list(FLEET))
        elif self.path[1:] in FLEET:
            if LATENCY_S > 0:
                time.sleep(LATENCY_S)
            body = json.dumps(
                {
                    "cpu": f"{random.randint(0, 100)}%",
                    "memory": f"{random.randint(0, 100)}%",
                    "service": FLEET[self.path[1:]],
                }
            )
        else:
            data = b'{"error": "Invalid IP"}'
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            if KEEP_ALIVE:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if KEEP_ALIVE:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("instances", type=int, nargs="?", default=150)
    parser.add_argument("--threaded", action="store_true")
    parser.add_argument("--keep-alive", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    FLEET = build_fleet(args.instances)
    LATENCY_S = args.latency_ms / 1000
    KEEP_ALIVE = args.keep_alive
    if KEEP_ALIVE:
        Handler.protocol_version = "HTTP/1.1"
    server_class = ThreadingHTTPServer if args.threaded else HTTPServer
    server_class.daemon_threads = True
    server = server_class(("127.0.0.1", args.port), Handler)
    # Port 0: the system picks a free one, printed for the caller.
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
