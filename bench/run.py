"""`make bench`: Kontor's list, search and detail pages at a million leads, through real HTTP.

For developers checking performance work and for anyone sizing a deployment
(docs/performance.md, "Measuring"). For each database it builds (or reuses) the benchmark
data with `kontor generate`, starts gunicorn (2 sync workers, persistent database connections,
DEBUG off; `--server granian` serves with granian instead) on 127.0.0.1, signs in through the
login form and times each operation over rotating parameters at 1 and 8 concurrent clients,
reporting p50/p95/p99 in milliseconds.

    python -m bench.run                                  # both databases, 1,000,000 leads
    python -m bench.run --db sqlite --leads 100000 --requests 100
    make bench BENCH_ARGS="--db postgresql --regenerate"

PostgreSQL: database `kontor_bench` on $BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432). SQLite: bench/results/kontor_bench.sqlite3. Results go to
bench/results/<db>-<time>.json (git-ignored).
"""

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OPERATIONS = ("list", "deep_page", "sort_name", "search_prefix", "search_email", "detail")
TARGET_P95_MS = {"postgresql": 50, "sqlite": 100}


def database_env(db: str, args) -> dict:
    """Environment selecting the benchmark database for Django (and gunicorn)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    if db == "postgresql":
        env["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/kontor_bench"
    else:
        env["SQLITE_PATH"] = str(RESULTS / "kontor_bench.sqlite3")
    return env


def reset_database(db: str, args) -> None:
    """Start from an empty benchmark database (--regenerate)."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(RESULTS / "kontor_bench.sqlite3") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS kontor_bench")
        conn.execute("CREATE DATABASE kontor_bench")


def ensure_pg_database(args) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'kontor_bench'").fetchone():
            conn.execute("CREATE DATABASE kontor_bench")


def prepare(db: str, args, env: dict) -> dict:
    out = RESULTS / f"params-{db}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.prepare",
            "--leads",
            str(args.leads),
            "--seed",
            str(args.seed),
            "--out",
            str(out),
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.read_text())


class Server:
    """gunicorn (or granian) serving Kontor on 127.0.0.1 as a deployment would (DEBUG off)."""

    def __init__(
        self,
        env: dict,
        port: int,
        workers: int,
        wsgi: str = "kontor.wsgi",
        server: str = "gunicorn",
    ):
        self.port = port
        self.server = server
        self.env = {
            **env,
            "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "600",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as the cookies
            "LOG_LEVEL": "WARNING",
        }
        binary = str(Path(sys.executable).with_name(server))
        if server == "granian":
            # HTTP in Rust with keep-alive, one Python thread per worker process (bench/api.py).
            module, _, app = wsgi.partition(":")
            self.command = [
                binary,
                "--interface",
                "wsgi",
                "--workers",
                str(workers),
                "--blocking-threads",
                "1",
                "--host",
                load.HOST,
                "--port",
                str(port),
                "--log-level",
                "warning",
                f"{module}:{app or 'application'}",
            ]
        else:
            self.command = [
                binary,
                wsgi,
                "--workers",
                str(workers),
                "--bind",
                f"{load.HOST}:{port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ]
        self.process = None

    def __enter__(self):
        with socket.socket() as probe:  # someone else's server must not answer for ours
            if probe.connect_ex((load.HOST, self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken; pass another --port")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.server} exited during start-up")
            try:
                if load.Client(self.port).get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.server} did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # our own child, by pid
            self.process.wait(timeout=30)


def measure(db: str, args) -> dict:
    """Prepare the database, serve it and time every operation; returns the result record."""
    if args.regenerate:
        reset_database(db, args)
    elif db == "postgresql":
        ensure_pg_database(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = database_env(db, args)
    prepared = prepare(db, args, env)
    params, expect = prepared["params"], prepared["params"].pop("expect")
    results = []
    with Server(env, args.port, args.workers, args.wsgi, args.server):
        client = load.Client(args.port)
        client.sign_in(args.username, args.password)
        cookies = client.cookies
        for name in args.ops:  # warm-up: templates, caches, the database's buffers
            load.run(args.port, cookies, name, params[name][: args.warmup], 2)
        for concurrency in args.concurrency:
            for name in args.ops:
                paths = params[name][: args.requests]
                load_before = os.getloadavg()[0]
                result = load.run(args.port, cookies, name, paths, concurrency)
                if name in expect:
                    result.errors += check_found(args.port, cookies, paths[:5], expect[name][:5])
                summary = result.summary()
                # Other work on the machine skews the figures: keep the 1-minute load average.
                summary["loadavg"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
                results.append(summary)
                print(
                    f"{db:10} c={concurrency} {name:14} p50 {summary['p50']:7.1f}  "
                    f"p95 {summary['p95']:7.1f}  p99 {summary['p99']:7.1f} ms  "
                    f"{summary['req_per_s']:6.1f} req/s  errors {summary['errors']}",
                    flush=True,
                )
    return {
        "db": db,
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(db, env),
        "settings": settings_used(args),
        "data": {k: v for k, v in prepared["data"].items() if k != "log"},
        "target_p95_ms": TARGET_P95_MS[db],
        "results": results,
    }


def check_found(port: int, cookies: dict, paths: list[str], emails: list[str]) -> list[str]:
    """Spot-check that e-mail searches return the lead (a fast empty page proves nothing)."""
    client = load.Client(port, cookies)
    missing = []
    for path, email in zip(paths, emails, strict=True):
        _status, body = client.get(path)
        if email.encode() not in body:
            missing.append(f"{path}: {email} not in the result")
    return missing


def machine(db: str, env: dict) -> dict:
    info = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sqlite3, gunicorn, psycopg; print(django.__version__, "
            "sqlite3.sqlite_version, gunicorn.__version__, psycopg.__version__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    ).stdout.split()
    info.update(zip(("django", "sqlite", "gunicorn", "psycopg"), versions, strict=False))
    if db == "postgresql":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
    return info


def settings_used(args) -> dict:
    return {
        "workers": args.workers,
        "conn_max_age": 600,
        "debug": False,
        "wsgi": args.wsgi,
        "server": args.server,
        "requests_per_operation": args.requests,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "leads": args.leads,
        "seed": args.seed,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=200, help="Per operation and level.")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8]
    )
    parser.add_argument("--ops", type=lambda s: s.split(","), default=list(OPERATIONS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--server",
        choices=("gunicorn", "granian"),
        default="gunicorn",
        help="Application server: gunicorn's sync workers, or granian (Rust HTTP, keep-alive).",
    )
    parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
    parser.add_argument(
        "--wsgi",
        default="kontor.wsgi",
        help="WSGI module to serve, e.g. a variant under test (module:app).",
    )
    parser.add_argument("--regenerate", action="store_true", help="Drop and rebuild the data.")
    parser.add_argument(
        "--conversion",
        action="store_true",
        help="Then run bench.conversion (PostgreSQL, see bench/README.md).",
    )
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-password-1")
    args = parser.parse_args(argv)
    if not args.port:
        with socket.socket() as sock:
            sock.bind((load.HOST, 0))
            args.port = sock.getsockname()[1]
    if urllib.parse.urlparse(args.pg_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the benchmark only talks to this machine (127.0.0.1)")
    dbs = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    for db in dbs:
        record = measure(db, args)
        path = RESULTS / f"{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
        path.write_text(json.dumps(record, indent=2))
        print(f"wrote {path.relative_to(ROOT)}")
    if args.conversion:
        subprocess.run(
            [sys.executable, "-m", "bench.conversion", "--pg-url", args.pg_url],
            cwd=ROOT,
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
