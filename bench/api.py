"""REST API benchmark: list p95 at 1M leads and creates per second, 2 gunicorn workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor_bench_h6 \\
        .venv/bin/python -m bench.api --requests 200

Uses the database of DATABASE_URL as it is (generate it first: `manage.py generate --leads
1000000 …`, see bench/README.md); creates a user `api-bench` and a token, and leads named
"Bench" (the creates), nothing else. Reports p50/p95/p99 of GET /api/v1/leads/ (first page,
keyset pages, a filter, a search) at 1 and 8 clients, and POST /api/v1/leads/ throughput at 8.
"""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def token(env: dict) -> str:
    code = ("from kontor.users.actions import create_user;"
            "from django.contrib.auth import get_user_model as g;"
            "u=g().objects.filter(username='api-bench').first() or create_user('api-bench',"
            "password='bench-password-1', roles=['sales_manager']);"
            "from kontor.api.actions import create_token;"
            "print(create_token(u, name='bench', actor=u)[1])")
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def timed(port: int, key: str, method: str, path: str, body=None) -> tuple[float, int, bytes]:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers=headers)
    reply = conn.getresponse()
    data = reply.read()
    return (time.perf_counter() - started) * 1000, reply.status, data


_local = threading.local()


def load(port, key, requests: list, clients: int) -> dict:
    """Send `requests` ((method, path, body)…) from `clients` threads; latency figures."""
    times, statuses, lock = [], {}, threading.Lock()
    queue = list(requests)

    def work():
        _local.conn = None
        while True:
            with lock:
                if not queue:
                    return
                method, path, body = queue.pop()
            ms, status, _data = timed(port, key, method, path, body)
            with lock:
                times.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    times.sort()
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 1)  # noqa: E731
    return {"clients": clients, "requests": len(times), "per_s": round(len(times) / seconds),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": pick(0.95),
            "p99_ms": pick(0.99), "statuses": statuses}


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
        for found, client, path in zip(times.values(), (web, api),
                                       ("/leads/", "/api/v1/leads/"), strict=True):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            found.append((time.perf_counter() - started) * 1000)
    result = {}
    for name, found in times.items():
        found = sorted(found[20:])
        result[name] = {"p50_ms": round(statistics.median(found), 1),
                        "p95_ms": round(found[int(0.95 * len(found)) - 1], 1)}
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ab", action="store_true",
                        help="Only the in-process A/B of the list page and the API list.")
    args = parser.parse_args(argv)
    if args.ab:
        print(json.dumps({"ab": list_page_ab(), "load_average": os.getloadavg()}, indent=2))
        return 0
    env = {**os.environ, "SECRET_KEY": "bench-only-not-secret-" + "x" * 40, "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600", "SECURE_COOKIES": "0",
           "KONTOR_API_RATE": "1000000/minute", "LOG_LEVEL": "WARNING"}
    key = token(env)
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "kontor.wsgi",
                               "--workers", str(args.workers), "--bind", f"{HOST}:{port}",
                               "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                if timed(port, key, "GET", "/healthz")[1] == 200:
                    break
            except OSError:
                _local.conn = None
                time.sleep(0.2)
        operations = list_operations(port, key)
        results = {"load_average_before": os.getloadavg(), "list": {}}
        for name, paths in operations.items():
            load(port, key, repeat(paths, 20), 2)  # warm-up
            results["list"][name] = [load(port, key, repeat(paths, args.requests), c)
                                     for c in (1, 8)]
        creates = [("POST", "/api/v1/leads/", {"last_name": "Bench", "first_name": f"N{i}",
                                                "email1": f"bench{i}@api.example"})
                   for i in range(args.requests * 2)]
        results["create"] = load(port, key, creates, 8)
    finally:
        server.terminate()  # our own child, by pid
        server.wait(timeout=30)
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "system": platform.platform(),
                          "database": os.environ.get("DATABASE_URL", "sqlite")}
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
