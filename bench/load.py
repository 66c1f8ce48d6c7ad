"""A small HTTP load generator for the benchmark: threads, http.client, loopback only.

For `bench.run`. Each client thread holds its own connection (gunicorn's sync workers close it
after every response; http.client reconnects) and takes the next request of a shared list, so
`concurrency` requests are in flight at any time. Latency is measured from sending the request
to reading the last byte of the body.
"""

import http.client
import math
import os
import re
import socket
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the benchmark talks to this machine only


def server_arguments(parser) -> None:
    """The options of a bench that serves `kontor_bench` with gunicorn and signs in once."""
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-password-1")


def bench_database(args) -> dict:
    """Point this process at `kontor_bench` on `args.pg_url`; the environment for the server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/kontor_bench"
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Result:
    """Latencies (ms) and failures of one operation at one concurrency."""

    name: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]

    def summary(self) -> dict:
        return {
            "name": self.name,
            "concurrency": self.concurrency,
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "p50": round(self.percentile(50), 1),
            "p95": round(self.percentile(95), 1),
            "p99": round(self.percentile(99), 1),
            "mean": round(statistics.fmean(self.latencies), 1) if self.latencies else None,
            "req_per_s": round(len(self.latencies) / self.seconds, 1) if self.seconds else None,
            "first_errors": self.errors[:3],
        }


class Client:
    """One signed-in browser-like client: keeps the session and CSRF cookies."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept connection between requests: reconnect once.
                self.conn.close()
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str) -> tuple[int, bytes]:
        status, _headers, data = self.request("GET", path)
        return status, data

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the real login form (CSRF token included)."""
        status, page = self.get("/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1).decode(),
            }
        )
        status, headers, _ = self.request(
            "POST",
            "/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in failed: HTTP {status}")


def run(
    port: int,
    cookies: dict,
    name: str,
    paths: list[str],
    concurrency: int,
    expect: bytes | None = None,
) -> Result:
    """Request every path of `paths` once with `concurrency` clients; collect latencies."""
    result = Result(name, concurrency)
    lock = threading.Lock()
    position = iter(range(len(paths)))

    def worker():
        client = Client(port, cookies)
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                status, body = client.get(paths[index])
            except OSError as error:
                with lock:
                    result.errors.append(f"{paths[index]}: {error}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status != 200 or (expect is not None and expect not in body):
                    result.errors.append(f"{paths[index]}: HTTP {status}")
                else:
                    result.latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
