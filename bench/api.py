"""REST API benchmark: list p95 at 1M leads and creates per second, 2 gunicorn workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor_bench_h6 \\
        .venv/bin/python -m bench.api --requests 200

Uses the database of DATABASE_URL as it is (generate it first: `manage.py generate --leads
1000000 …`, see bench/README.md); creates a user `api-bench` and a token, and leads named
"Bench" (the creates), nothing else. Reports p50/p95/p99 of GET /api/v1/leads/ (first page,
keyset pages, a filter, a search) at 1 and 8 clients, and POST /api/v1/leads/ throughput at 8
connections.

The creates are sent by `wrk` (Debian: `apt-get install -y wrk`) when it is installed: a load
generator in C costs the two shared cores far less than Python threads. Only answers with
status 201 count, and the leads the run's e-mail marker finds in the database afterwards must
match them. `--create-client python` uses the threads of the list figures instead. The CPU
seconds of the app workers, of PostgreSQL's sessions of this database and of the client are
reported per create, so the figure says where the two cores went.

`--server granian` serves the same WSGI application with granian (HTTP in Rust, keep-alive,
2 worker processes of one Python thread each) instead of gunicorn's sync workers, for
comparison (bench/README.md).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.api_creates import creates
from bench.api_load import HOST, free_port, load, manage_shell, per_thread, timed

ROOT = Path(__file__).resolve().parent.parent


def token(env: dict) -> str:
    code = (
        "from kontor.users.actions import create_user;"
        "from django.contrib.auth import get_user_model as g;"
        "u=g().objects.filter(username='api-bench').first() or create_user('api-bench',"
        "password='bench-password-1', roles=['sales_manager']);"
        "from kontor.api.actions import create_token;"
        "print(create_token(u, name='bench', actor=u)[1])"
    )
    return manage_shell(code, env)


def list_operations(port, key) -> dict:
    """The list requests per operation: first pages, keyset pages deep in the list, a
    filter, a search, a field selection."""
    page, cursors = json.loads(timed(port, key, "GET", "/api/v1/leads/?ordering=last_name")[2]), []
    for _ in range(10):
        if not page.get("next"):
            break
        path = "/" + page["next"].split("//", 1)[-1].split("/", 1)[-1]
        cursors.append(path)
        page = json.loads(timed(port, key, "GET", path)[2])
    return {
        "list page 1": ["/api/v1/leads/", "/api/v1/leads/?ordering=-date_modified"],
        "keyset pages (by name)": cursors,
        "filter status": ["/api/v1/leads/?status=New", "/api/v1/leads/?lifecycle_stage=MQL"],
        "fields": ["/api/v1/leads/?fields=id,last_name,email1"],
        "search": ["/api/v1/leads/?q=schm", "/api/v1/leads/?q=m%C3%BCll"],
    }


def repeat(paths: list, n: int) -> list:
    return [("GET", paths[i % len(paths)], None) for i in range(n)]


def list_page_ab(rounds: int = 120) -> dict:
    """In one process, alternating: the HTML list page and the API list, as one user. Under a
    noisy load the ratio means more than either figure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.test import APIClient

    from kontor.api.actions import create_token

    settings.ALLOWED_HOSTS, settings.KONTOR_API_RATE = ["*"], "1000000/minute"
    user = get_user_model().objects.get(username="api-bench")
    api, web = APIClient(), Client()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='ab', actor=user)[1]}")
    web.force_login(user)
    times = {"html /leads/": [], "api /api/v1/leads/": []}
    for _ in range(rounds):
        for found, client, path in zip(
            times.values(), (web, api), ("/leads/", "/api/v1/leads/"), strict=True
        ):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            found.append((time.perf_counter() - started) * 1000)
    result = {}
    for name, found in times.items():
        found = sorted(found[20:])
        result[name] = {
            "p50_ms": round(statistics.median(found), 1),
            "p95_ms": round(found[int(0.95 * len(found)) - 1], 1),
        }
    return result


def server_command(args, port: int) -> list[str]:
    """The application server: gunicorn's sync workers, or granian (HTTP in Rust, keep-alive)."""
    binary = Path(sys.executable).with_name(args.server)
    if not binary.exists():
        raise SystemExit(
            f"{args.server} is not installed in this environment (make setup "
            "installs the dev extras, granian among them)"
        )
    if args.server == "granian":
        return [
            str(binary),
            "--interface",
            "wsgi",
            "--workers",
            str(args.workers),
            "--blocking-threads",
            "1",
            "--host",
            HOST,
            "--port",
            str(port),
            "--log-level",
            "warning",
            f"{args.wsgi}:application",
        ]
    return [
        str(binary),
        args.wsgi,
        "--workers",
        str(args.workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    parser.add_argument("--seconds", type=int, default=20, help="Length of the wrk create run.")
    parser.add_argument("--create-client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--creates-only", action="store_true", help="Skip the list figures.")
    parser.add_argument(
        "--wsgi",
        default="kontor.wsgi",
        help=(
            "WSGI module[:app] to serve: a variant that patches something tries a change "
            "without editing the code (module on PYTHONPATH)."
        ),
    )
    parser.add_argument("--keep", action="store_true", help="Keep the created leads.")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help=(
            "PostgreSQL sessions with synchronous_commit=off: a deployment option (a crash may "
            "lose the last few hundred milliseconds of commits), never the headline figure."
        ),
    )
    parser.add_argument(
        "--ab",
        action="store_true",
        help="Only the in-process A/B of the list page and the API list.",
    )
    args = parser.parse_args(argv)
    if args.ab:
        print(json.dumps({"ab": list_page_ab(), "load_average": os.getloadavg()}, indent=2))
        return 0
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "SECURE_COOKIES": "0",
        "KONTOR_API_RATE": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    if args.async_commit:
        url = env["DATABASE_URL"]
        env["DATABASE_URL"] = (
            url + ("&" if "?" in url else "?") + "options=-c%20synchronous_commit%3Doff"
        )
    key = token(env)
    port = free_port()
    server = subprocess.Popen(server_command(args, port), env=env, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                if timed(port, key, "GET", "/healthz")[1] == 200:
                    break
            except OSError:
                per_thread.conn = None
                time.sleep(0.2)
        results = {"load_average_before": os.getloadavg(), "list": {}}
        operations = {} if args.creates_only else list_operations(port, key)
        for name, paths in operations.items():
            load(port, key, repeat(paths, 20), 2)  # warm-up
            results["list"][name] = [
                load(port, key, repeat(paths, args.requests), c) for c in (1, 8)
            ]
        results["create"] = creates(port, key, server.pid, env, args)
    finally:
        server.terminate()  # our own child, by pid
        server.wait(timeout=30)
    results["wsgi"], results["server"] = args.wsgi, args.server
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "database": env.get("DATABASE_URL", "sqlite"),
    }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
