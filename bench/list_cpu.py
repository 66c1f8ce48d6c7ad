"""Where the CPU of one `bench.run` operation goes: the app server's workers, PostgreSQL's
backends and the load generator, in milliseconds per request (PostgreSQL only).

For developers cutting a page's cost (bench/README.md, "Results at 1,000,000 leads"): on two
cores a page's CPU, not its SQL, sets the throughput at 8 clients. Reads /proc, so Linux only;
run after `bench.run` has prepared `kontor_bench` and its parameters.

    python -m bench.list_cpu list                        # gunicorn, 200 requests, 8 clients
    python -m bench.list_cpu search_prefix --server granian --requests 400
"""

import argparse
import json
import os
import socket
import subprocess
import time

from bench import load
from bench.run import OPERATIONS, RESULTS, Server, database_env

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User and system CPU of `pids` so far (processes gone count nothing)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def backends(pg_url: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'kontor_bench'"
        ).fetchall()
    return [pid for (pid,) in rows]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("operation", choices=OPERATIONS)
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args(argv)
    params = json.loads((RESULTS / "params-postgresql.json").read_text())["params"]
    paths = params[args.operation][: args.requests]
    with socket.socket() as sock:
        sock.bind((load.HOST, 0))
        port = sock.getsockname()[1]
    env = database_env("postgresql", args)
    with Server(env, port, args.workers, server=args.server) as server:
        client = load.Client(port)
        client.sign_in("bench", "bench-password-1")
        load.run(port, client.cookies, args.operation, paths[:20], 2)  # warm-up
        workers = children(server.process.pid) or [server.process.pid]
        postgres = backends(args.pg_url)
        before = cpu_seconds(workers), cpu_seconds(postgres), time.process_time()
        result = load.run(port, client.cookies, args.operation, paths, args.concurrency)
        after = cpu_seconds(workers), cpu_seconds(postgres), time.process_time()
    n = len(result.latencies)
    app, pg, me = (1000 * (b - a) / n for a, b in zip(before, after, strict=True))
    summary = result.summary()
    print(
        f"{args.server} {args.operation} c={args.concurrency}: CPU per request: app {app:.1f} ms, "
        f"PostgreSQL {pg:.1f} ms, load generator {me:.1f} ms; p50 {summary['p50']} "
        f"p95 {summary['p95']} ms, {summary['req_per_s']} req/s, errors {summary['errors']}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
