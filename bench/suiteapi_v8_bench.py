"""SuiteCRM V8 API benchmark: lists of 100 leads at 1M leads and creates per second, with 2
gunicorn workers, p50/p95/p99 at 1 and 8 clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor_bench_a \\
        .venv/bin/python -m bench.suiteapi_v8_bench --requests 200 --creates 2000

Uses the database of DATABASE_URL as it is (generate it first: `manage.py generate --leads
1000000 …`, see bench/README.md); creates a user `v8-bench` (sales manager: every lead), an
OAuth2 client `v8-bench` (password grant) and, for the create run, new leads named "V8Bench"
(deleted again afterwards unless `--keep`).
Requests are sent as a SuiteCRM client sends them (a bearer token from `Api/access_token`,
JSON:API bodies); only answers with the expected status and row count count as right.

List operations (`GET Api/V8/module/Leads`, 100 rows, `total-pages` included):

- first page: `page[size]=100`, all attributes;
- pages 1-100: `page[number]` at random (offsets up to 9,900), all attributes;
- deep pages: `page[number]` up to 5,000 (offsets up to 500,000: the ids first, then the rows);
- filter: `filter[status][eq]=New` (about a sixth of the leads), 8 attributes;
- sorted by name: `sort=last_name`, random page up to 100, 8 attributes.

The count behind `total-pages` is kept a minute in the cache per user and query, so a run
measures pages, not counts (the first call of each query pays the count).

Creates: `POST Api/V8/module` of a lead with five attributes, from 8 clients; the leads
created are counted in the database afterwards. Only 127.0.0.1 is contacted.

Every run also reports CPU milliseconds per request (app workers, PostgreSQL's sessions of
the database, this client, the machine; read from /proc as bench/api_creates.py does), which
stay comparable when other jobs share the cores. `--operations "first page,filter status"`
runs only those list operations (`none`: none); `--creates 0` leaves out the creates.
"""

import argparse
import http.client
import json
import os
import platform
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.api_creates import cpu_per_create, cpu_snapshot
from bench.api_load import HOST, free_port, load, manage_shell

ROOT = Path(__file__).resolve().parent.parent
SECRET = "v8-bench-secret-123"
FIELDS = "first_name,last_name,status,email1,phone_work,account_name,date_entered,assigned_user_id"


def setup(env: dict) -> None:
    """The bench user and OAuth2 client (kept between runs)."""
    code = (
        "from django.contrib.auth import get_user_model as g;"
        "from kontor.users.actions import create_user;"
        "from kontor.api.models import OAuthClient;"
        "from kontor.suiteapi.clients.actions import create_client;"
        "u=g().objects.filter(username='v8-bench').first() or create_user('v8-bench',"
        "password='', roles=['sales_manager']);"
        "u.set_password('bench-password-1');u.save();"
        "OAuthClient.objects.filter(client_id='v8-bench').exists() or create_client("
        f"name='bench',grant='password',client_id='v8-bench',secret='{SECRET}',actor=None);"
        "print('ok')"
    )
    manage_shell(code, env)


def token(port: int) -> str:
    body = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "client_id": "v8-bench",
            "client_secret": SECRET,
            "username": "v8-bench",
            "password": "bench-password-1",
        }
    )
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request(
        "POST",
        "/Api/access_token",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return json.loads(conn.getresponse().read())["access_token"]


def list_requests(rng: random.Random, count: int) -> dict:
    """Per operation, `count` requests (method, path, body)."""
    base = "/Api/V8/module/Leads?page[size]=100"

    def many(make):
        return [("GET", make(), None) for _ in range(count)]

    return {
        "first page": many(lambda: base),
        "pages 1-100": many(lambda: f"{base}&page[number]={rng.randint(1, 100)}"),
        "deep pages": many(lambda: f"{base}&page[number]={rng.randint(101, 5000)}"),
        "filter status": many(lambda: f"{base}&filter[status][eq]=New&fields[Leads]={FIELDS}"),
        "sorted by name": many(
            lambda: (
                f"{base}&sort=last_name&page[number]={rng.randint(1, 100)}&fields[Leads]={FIELDS}"
            )
        ),
    }


def right_answer(port: int, key: str, path: str) -> bool:
    """One list answer holds 100 rows and the pagination (checked once per operation)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
    body = json.loads(conn.getresponse().read())
    return len(body.get("data", [])) == 100 and "total-pages" in body.get("meta", {})


def create_requests(run: str, count: int) -> list:
    return [
        (
            "POST",
            "/Api/V8/module",
            {
                "data": {
                    "type": "Leads",
                    "attributes": {
                        "last_name": "V8Bench",
                        "first_name": f"N{n}",
                        "email1": f"v8-{run}-{n}@bench.example",
                        "status": "New",
                        "lead_source": "Web Site",
                    },
                }
            },
        )
        for n in range(count)
    ]


def created(env: dict, run: str, keep: bool) -> int:
    """The leads of this run in the database; then the run's leads (its warm-up's too) are
    deleted with their change-log rows, unless `keep`: thousands of new leads at the top of
    the date index would change what the next run's first pages and filters measure."""
    code = (
        "from kontor.leads.models import Lead;"
        "from kontor.core.models import ChangeLog;"
        f"print(Lead.objects.filter(email1__startswith='v8-{run}-').count())"
    )
    if not keep:
        code += (
            ";from django.db.models import Q;"
            f"mine = Lead.with_deleted.filter(Q(email1__startswith='v8-{run}-') | "
            f"Q(email1__startswith='v8-{run}w-'));"
            "ChangeLog.objects.filter(record_id__in=mine.values('pk')).delete();"
            "mine.delete()"
        )
    return int(manage_shell(code, env))


def measured(server_pid: int, port: int, key: str, requests: list, clients: int) -> dict:
    """The figures of `load` for `requests` from `clients` clients, with the CPU milliseconds
    per request of the app (gunicorn and its workers), of PostgreSQL's sessions of the bench
    database, of this client and of the whole machine: steadier than latency on a shared
    machine."""
    database = os.environ.get("DATABASE_URL", "sqlite").rsplit("/", 1)[-1]
    before, used = cpu_snapshot(server_pid, database), time.process_time()
    figures = load(port, key, requests, clients)
    client = time.process_time() - used
    cpu = cpu_per_create(before, cpu_snapshot(server_pid, database), figures["requests"], client)
    figures["cpu_ms_per_request"] = {
        "app": cpu["app_ms"],
        "postgres": cpu["postgres_this_db_ms"],
        "client": cpu["client_ms"],
        "machine": cpu["machine_busy_ms"],
    }
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--creates", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the leads the run created")
    parser.add_argument(
        "--operations",
        default="",
        help="comma-separated list operations to run (default: all; 'none' for none)",
    )
    args = parser.parse_args(argv)
    chosen = {name.strip() for name in args.operations.split(",") if name.strip()}
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "SECURE_COOKIES": "0",
        "KONTOR_API_RATE": "1000000/minute",
        "KONTOR_API_ANON_RATE": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    setup(env)
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "kontor.wsgi", "--workers", str(args.workers)]
    command += ["--bind", f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    rng = random.Random(args.seed)
    results = {"load_average_before": os.getloadavg(), "list_100": {}, "creates": {}}
    try:
        for _ in range(300):
            try:
                key = token(port)
                break
            except OSError:
                time.sleep(0.2)
        for name, requests in list_requests(rng, args.requests * 2 + 20).items():
            if chosen and name not in chosen:
                continue
            load(port, key, requests[:20], 2)  # warm-up: counts cached, plans made
            results["list_100"][name] = {
                "load_average": os.getloadavg(),
                "right_answer": right_answer(port, key, requests[20][1]),
                "runs": [
                    measured(
                        server.pid,
                        port,
                        key,
                        requests[20 + i * args.requests :][: args.requests],
                        c,
                    )
                    for i, c in enumerate((1, 8))
                ],
            }
        if args.creates:
            run = f"{int(time.time())}"
            load(port, key, create_requests(f"{run}w", 50), 8)  # warm-up
            started = time.perf_counter()
            figures = measured(server.pid, port, key, create_requests(run, args.creates), 8)
            seconds = time.perf_counter() - started
            stored = created(env, run, args.keep)
            figures["stored"] = stored
            figures["creates_per_s"] = round(stored / seconds, 1)
            figures["load_average"] = os.getloadavg()
            results["creates"] = figures
    finally:
        server.terminate()  # our own child, by pid
        server.wait(timeout=30)
    results["load_average_after"] = os.getloadavg()
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "database": env.get("DATABASE_URL", "sqlite").rsplit("@", 1)[-1],
    }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
