"""A small HTTP load generator for the benchmark (threads, http.client, loopback only), and
what every bench shares: its options, timing, the rolled-back transaction and the results file.

For `bench.run` and the other benches. Each client thread holds its own connection (gunicorn's
sync workers close it after every response; http.client reconnects) and takes the next request
of a shared list, so `concurrency` requests are in flight at any time. Latency is measured from
sending the request to reading the last byte of the body.

The in-process benches (`bench.board`, `bench.reports` …) time requests through Django's whole
request path in this process, without HTTP, against `kontor_bench`, and write inside one
transaction rolled back at the end (`rolled_back`), so the database is left as it was.
"""

import argparse
import http.client
import json
import math
import os
import platform
import re
import socket
import statistics
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HOST = "127.0.0.1"  # the benchmark talks to this machine only
RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "kontor_bench"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def server_arguments(parser) -> None:
    """The options of a bench that serves `kontor_bench` with gunicorn and signs in once."""
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-password-1")


def bench_database(args) -> dict:
    """Point this process at `kontor_bench` on `args.pg_url`; the environment for the server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{DATABASE}"
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

    #: CPU milliseconds of this process per request (`timed` with `cpu`): steadier than the
    #: wall clock on a shared machine, where a request also waits for a core
    cpu: list[float] = field(default_factory=list)

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

    def cpu_p50(self) -> float:
        """The median CPU milliseconds of a request."""
        return round(statistics.median(self.cpu), 1)

    def with_load(self, target=None) -> dict:
        """`summary()` with the 1-minute load average now and the p95 target (ms) if any."""
        return {
            **self.summary(),
            "loadavg": round(os.getloadavg()[0], 2),
            "target_p95": target,
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


def line(summary: dict, width: int = 7) -> str:
    """A result's `with_load` figures as one line of a bench's table."""
    return (
        f"{summary['name']:18} p50 {summary['p50']:{width}.1f}  p95 {summary['p95']:{width}.1f}  "
        f"p99 {summary['p99']:{width}.1f} ms  errors {summary['errors']}  "
        f"load {summary['loadavg']}"
    )


def timed(result: Result, request, *, expect: int = 200, label: str = "", cpu: bool = False):
    """Call `request()` and add its milliseconds (and with `cpu`, this process's CPU
    milliseconds) to `result`; an error when the response's status is not `expect`. The
    response."""
    started, cpu_started = time.perf_counter(), time.process_time()
    response = request()
    result.latencies.append((time.perf_counter() - started) * 1000)
    if cpu:
        result.cpu.append((time.process_time() - cpu_started) * 1000)
    if response.status_code != expect:
        result.errors.append(
            f"{label}: {response.status_code}" if label else str(response.status_code)
        )
    return response


def rounds_arguments(parser, *, requests: int, warmup: int, user_help: str) -> None:
    """The usual options of an in-process bench: rounds measured and to warm up, the user."""
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--user", default="bench", help=user_help)


def in_process(name: str, pg_url: str) -> None:
    """Set up Django in this process against `kontor_bench` on `pg_url`, as deployed."""
    os.environ["DATABASE_URL"] = f"{pg_url}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # As deployed: DEBUG off (with DEBUG on, Django keeps every query's text in memory).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", f"bench-{name}-not-secret-" + "x" * 32)
    import django

    django.setup()


def signed_in(user):
    """A Django test client (no HTTP: the whole request path in this process) signed in as
    `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def phases(args) -> tuple:
    """The rounds to warm up, then those measured: (name, count) each."""
    return (("warmup", args.warmup), ("measure", args.requests))


class _RolledBack(Exception):
    """Leaves the benchmark's transaction without committing it."""


@contextmanager
def rolled_back():
    """One transaction around the block, rolled back at its end: what the bench wrote is
    gone, `kontor_bench` is left as it was."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def write_results(name: str, record: dict, indent: int | None = 2) -> Path:
    """Write `record` to bench/results/<name>-<time>.json; its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(record, indent=indent, default=str))
    return path


def main_in_process(name: str, doc: str, rounds, argv, options, *, print_rows=True, **report):
    """Run an in-process bench: parse its options (`options(parser)` adds them; `--pg-url` is
    added here), set Django up, run `rounds(args)` (a list of result rows), write them with the
    load average before and after (and `report`'s items, such as the targets) to
    bench/results/<name>-<time>.json and print them (`print_rows`), one a line. Exit code 0."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    options(parser)
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args(argv)
    in_process(name, args.pg_url)
    load_before = os.getloadavg()
    summaries = rounds(args)
    record = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in os.getloadavg()],
        **report,
        "results": summaries,
    }
    path = write_results(name, record)
    if print_rows:
        for row in summaries:
            print(json.dumps(row, default=str))
    print(f"load average before {record['load_before']}, after {record['load_after']}; {path}")
    return 0
