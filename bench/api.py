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
import http.client
import json
import os
import platform
import shutil
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
    code = (
        "from kontor.users.actions import create_user;"
        "from django.contrib.auth import get_user_model as g;"
        "u=g().objects.filter(username='api-bench').first() or create_user('api-bench',"
        "password='bench-password-1', roles=['sales_manager']);"
        "from kontor.api.actions import create_token;"
        "print(create_token(u, name='bench', actor=u)[1])"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def timed(port: int, key: str, method: str, path: str, body=None) -> tuple[float, int, bytes]:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
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
    return {
        "clients": clients,
        "requests": len(times),
        "per_s": round(len(times) / seconds),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "statuses": statuses,
    }


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


WRK_SCRIPT = r"""
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id); next_id = next_id + 1; table.insert(threads, thread)
end
function init(args)
  run, created, other, counter = args[1], 0, 0, 0
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/leads/", nil, string.format(
    '{"last_name": "Bench", "first_name": "N%d", "email1": "bench-%s-%d-%d@api.example"}',
    counter, run, id, counter))
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  local e = summary.errors
  io.write(string.format('WRK {"created": %d, "other_status": %d, "socket_errors": %d, ' ..
    '"seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f}\n', c, o,
    e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[int(entry.name)] = (ppid, cmd)
    return found


def cpu_snapshot(server_pid: int, database: str) -> dict:
    """CPU seconds so far: the app (gunicorn and its workers), PostgreSQL's sessions of
    `database`, all other PostgreSQL processes (WAL writer, checkpointer, others' sessions),
    every process, and the whole machine (busy time of /proc/stat, which also holds the
    kernel's interrupt work for the loopback traffic)."""
    procs = _processes()
    app = {server_pid} | {pid for pid, (ppid, _c) in procs.items() if ppid == server_pid}
    ours = {
        pid
        for pid, (_p, cmd) in procs.items()
        if cmd.startswith("postgres: ") and f" {database} " in cmd
    }
    other = {
        pid for pid, (_p, cmd) in procs.items() if cmd.startswith("postgres") and pid not in ours
    }
    # user nice system idle iowait irq softirq steal …: busy is user to softirq but idle and
    # iowait; steal (the hypervisor's) is reported apart
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "app": {p: _cpu_seconds(p) for p in app},
        "db": {p: _cpu_seconds(p) for p in ours},
        "db_other": {p: _cpu_seconds(p) for p in other},
        "everything": {p: _cpu_seconds(p) for p in procs},
        "machine": (sum(ticks[:7]) - ticks[3] - ticks[4]) / hz,
        "kernel_irq": (ticks[5] + ticks[6]) / hz,
        "steal": ticks[7] / hz,
    }


def cpu_per_create(before: dict, after: dict, created: int, client_seconds: float) -> dict:
    """Milliseconds of CPU per created lead, by process group."""

    def spent(group):
        return sum(after[group][p] - before[group].get(p, 0.0) for p in after[group])

    per = lambda seconds: round(seconds * 1000 / max(created, 1), 2)  # noqa: E731
    return {
        "app_ms": per(spent("app")),
        "postgres_this_db_ms": per(spent("db")),
        "postgres_other_ms": per(spent("db_other")),
        "client_ms": per(client_seconds),
        "other_processes_ms": per(
            spent("everything") - spent("app") - spent("db") - spent("db_other")
        ),
        "machine_busy_ms": per(after["machine"] - before["machine"]),
        "of_it_interrupts_ms": per(after["kernel_irq"] - before["kernel_irq"]),
        "steal_ms": per(after["steal"] - before["steal"]),
    }


def count_created(env: dict, run: str, keep: bool) -> int:
    """The leads of this run in the database; then the bench's leads are deleted (unless
    `keep`): tens of thousands of the newest leads would change what the list figures of
    the next run measure (a filter walking the date index skips them all)."""
    code = (
        "from kontor.leads.models import Lead;"
        "from kontor.core.models import ChangeLog;"
        f"print(Lead.objects.filter(email1__startswith='bench-{run}-').count())"
    )
    if not keep:
        code += (
            ";mine = Lead.with_deleted.filter(created_by__username='api-bench');"
            "ChangeLog.objects.filter(record_id__in=mine.values('pk')).delete();"
            "mine.delete()"
        )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def creates(port: int, key: str, server_pid: int, env: dict, args) -> dict:
    """POST /api/v1/leads/ at 8 connections: creates per second (status 201 only), latency,
    and CPU per create of app, database and client."""
    client = args.create_client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit(
            "wrk is not installed (Debian: apt-get install -y wrk), or use --create-client python"
        )
    run = f"{int(time.time())}"
    database = os.environ.get("DATABASE_URL", "sqlite").rsplit("/", 1)[-1]
    warm = [
        (
            "POST",
            "/api/v1/leads/",
            {
                "last_name": "Bench",
                "first_name": "Warm",
                "email1": f"bench-warm{run}-{i}@api.example",
            },
        )
        for i in range(40)
    ]
    load(port, key, warm, 2)
    result = {"client": client, "connections": 8, "load_average_before": os.getloadavg()}
    before = cpu_snapshot(server_pid, database)
    if client == "wrk":
        script = Path(f"/tmp/kontor-bench-api-{os.getpid()}.lua")
        script.write_text(WRK_SCRIPT)
        used = os.times()
        try:
            out = subprocess.run(
                [
                    "wrk",
                    "-t",
                    "2",
                    "-c",
                    "8",
                    "-d",
                    f"{args.seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    f"http://{HOST}:{port}/api/v1/leads/",
                    "--",
                    run,
                    key,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            script.unlink()
        done = os.times()
        client_seconds = (
            done.children_user - used.children_user + done.children_system - used.children_system
        )
        line = next(x for x in out.stdout.splitlines() if x.startswith("WRK "))
        result.update(json.loads(line[4:]))
    else:
        bodies = [
            (
                "POST",
                "/api/v1/leads/",
                {
                    "last_name": "Bench",
                    "first_name": f"N{i}",
                    "email1": f"bench-{run}-0-{i}@api.example",
                },
            )
            for i in range(args.requests * 2)
        ]
        used = time.process_time()
        found = load(port, key, bodies, 8)
        client_seconds = time.process_time() - used
        result.update(
            created=found["statuses"].get(201, 0),
            p50_ms=found["p50_ms"],
            p95_ms=found["p95_ms"],
            p99_ms=found["p99_ms"],
            other_status=sum(n for s, n in found["statuses"].items() if s != 201),
            seconds=found["requests"] / found["per_s"],
        )
    after = cpu_snapshot(server_pid, database)
    result["load_average_after"] = os.getloadavg()
    result["creates_per_s"] = round(result["created"] / result["seconds"])
    # wrk stops with up to one request per connection in flight, which the server may still
    # complete: the database may hold that many more than were counted, never fewer.
    result["in_database"] = count_created(env, run, args.keep)
    result["counted_all"] = 0 <= result["in_database"] - result["created"] <= 8
    result["cpu_per_create"] = cpu_per_create(before, after, result["created"], client_seconds)
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
                _local.conn = None
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
