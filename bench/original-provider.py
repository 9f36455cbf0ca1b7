"""A stand-in for the original CPX provider, for comparison runs only (not used by `npm run bench`).

Python's single-threaded http.server: HTTPServer (listen backlog 5, one request at a
time), HTTP/1.0, the connection closed after every response. Written for fleetmon's
benchmarks to check that `fleetmon mock --serial --http10 --backlog 5` collapses the
same way under load. Usage: python3 bench/original-provider.py PORT [INSTANCES]
"""

import json
import random
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

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
            body = json.dumps(
                {
                    "cpu": f"{random.randint(0, 100)}%",
                    "memory": f"{random.randint(0, 100)}%",
                    "service": FLEET[self.path[1:]],
                }
            )
        else:
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "Invalid IP"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())


if __name__ == "__main__":
    port = int(sys.argv[1])
    FLEET = build_fleet(int(sys.argv[2]) if len(sys.argv) > 2 else 150)
    server = HTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
