"""Scale-out proof: two app servers behind a load balancer, two task workers, Redis, a
PostgreSQL instance of its own — and what survives when parts of it die.

For operators sizing a deployment and developers checking that no state lives in one process.
`make scaleout` (or `python -m bench.scaleout`) starts everything on 127.0.0.1 (bench.cluster),
runs a bounded mixed load through HAProxy — signed-in list pages and detail pages, and API
creates that retry with their Idempotency-Key when an answer is lost — and meanwhile:

1. kills -9 one app server (master and workers) and starts it again;
2. starts a lead import and kills -9 the task worker running it;
3. restarts PostgreSQL.

It then checks: every create the load was told succeeded exists, and exactly once; no
signed-in client was sent back to the sign-in page (sessions live in Redis); the other worker
finished the import with every row exactly once; after the database restart requests succeed
again without restarting an app server. Figures and checks go to
bench/results/scaleout-<time>.json; the exit status is 1 when a check fails.
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from bench import cluster
from bench.cluster import manage
from bench.load import Client

RESULTS = cluster.ROOT / "bench" / "results"
LB, APPS, PG_PORT = 18100, (18101, 18102), 55432
USER, PASSWORD = "scaleout", "scale-out-pw-7!"


class Load:
    """Client threads until stopped; each records (time, kind, status, ms) per request."""

    def __init__(self, token: str, clients: int):
        self.token, self.clients = token, clients
        self.stop = threading.Event()
        self.samples: list[tuple[float, str, int, float]] = []
        self.created: dict[str, str] = {}  # Idempotency-Key → id of the answer
        self.sent_keys: set[str] = set()
        self.signed_out = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,)) for n in range(clients)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _record(self, kind: str, status: int, started: float) -> None:
        with self.lock:
            self.samples.append((time.time(), kind, status, (time.monotonic() - started) * 1000))

    def _call(self, client: Client, kind: str, method: str, path: str, **kw) -> tuple:
        started = time.monotonic()
        try:
            status, headers, body = client.request(method, path, **kw)
        except OSError:
            client.conn.close()
            status, headers, body = 0, {}, b""
        self._record(kind, status, started)
        return status, headers, body

    def _client(self, number: int) -> None:
        web = Client(LB)
        web.sign_in(USER, PASSWORD)
        api = Client(LB)
        auth = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        while not self.stop.is_set():
            status, headers, _ = self._call(web, "list", "GET", "/leads/")
            if status == 302 and "/login/" in headers.get("Location", ""):
                with self.lock:
                    self.signed_out += 1
            key = str(uuid.uuid4())
            body = json.dumps({"last_name": f"Last {key[:8]}", "email1": f"{key}@scale.example"})
            with self.lock:
                self.sent_keys.add(key)
            # Retried with the same key until an answer arrives (at most 60 s): a lost answer
            # (server killed) must neither lose nor double the record.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, _h, data = self._call(
                    api,
                    "create",
                    "POST",
                    "/api/v1/leads/",
                    body=body,
                    headers={**auth, "Idempotency-Key": key},
                )
                if status == 201:
                    with self.lock:
                        self.created[key] = json.loads(data)["id"]
                    break
                if status in (400, 403, 409, 422):
                    break
                time.sleep(0.5)
            time.sleep(0.05 * number)


def environment(pg: cluster.Postgres) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=pg.url,
        REDIS_URL="redis://127.0.0.1:6379/7",
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        KONTOR_NUM_PROXIES="1",
        KONTOR_WORKER_BEAT_SECONDS="1",
        KONTOR_WORKER_DEAD_AFTER="5",
        KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS="1000",
        # Four clients pass the per-user API limit within a minute; limits are not tested here.
        KONTOR_API_RATE="100000/minute",
        DJANGO_SETTINGS_MODULE="kontor.settings",
    )
    return env


def sql(pg: cluster.Postgres, query: str) -> str:
    return subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(pg.port),
            "-U",
            "postgres",
            "-d",
            "kontor",
            "-Atc",
            query,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


IMPORT = """
from django.core.files import File
from django.contrib.auth import get_user_model
from kontor.imports import actions
from kontor.leads.models import Lead
actor = get_user_model().objects.get(username="{user}")
with open("{path}", "rb") as fh:
    batch = actions.create_batch(File(fh, name="scaleout.csv"), model=Lead, actor=actor)
options = {{**batch.options, "mode": "create", "match": "email", "number_format": "en"}}
actions.configure(batch, options, actor=actor)
actions.queue_import(batch, actor=actor)
print(batch.pk)
"""


def import_and_kill_its_worker(env, pg, workers, rows: int, work: Path) -> dict:
    path = work / "import.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "Email Address"])
        for n in range(rows):
            out.writerow([f"Import{n}", f"Row{n}", f"row{n}@import.scale.example"])
    batch = manage(env, "shell", stdin=IMPORT.format(user=USER, path=path)).strip().splitlines()[-1]
    running = f"SELECT next_row - 1 FROM imports_importbatch WHERE id = '{batch}'"
    cluster.wait_until(lambda: int(sql(pg, running) or 0) > 0, 120, "import started")
    claimer = sql(
        pg,
        "SELECT worker_ids->>-1 FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'RUNNING' AND task_path LIKE '%import%' ORDER BY started_at LIMIT 1",
    )
    victim = next(w for w in workers if w.name == f"worker:{claimer}")
    done_at_kill = int(sql(pg, running))
    started = time.monotonic()
    victim.kill()
    status = f"SELECT status FROM imports_importbatch WHERE id = '{batch}'"
    cluster.wait_until(
        lambda: sql(pg, status) == "done", 600, "import finished by the other worker"
    )
    emails = sql(
        pg,
        "SELECT count(*), count(DISTINCT email1) FROM leads_lead "
        "WHERE email1 LIKE '%@import.scale.example' AND NOT deleted",
    ).split("|")
    return {
        "rows": rows,
        "killed_worker": claimer,
        "rows_done_when_killed": done_at_kill,
        "seconds_to_finish_after_kill": round(time.monotonic() - started, 1),
        "leads": int(emails[0]),
        "distinct_emails": int(emails[1]),
        "ok": int(emails[0]) == rows == int(emails[1]),
    }


def summary(samples, since: float, until: float) -> dict:
    window = [s for s in samples if since <= s[0] < until]
    ok = sorted(ms for _t, _k, status, ms in window if 200 <= status < 400)
    failed = [s for s in window if not 200 <= s[2] < 400]
    statuses: dict = {}
    for _t, _k, status, _ms in failed:
        statuses[str(status or "no answer")] = statuses.get(str(status or "no answer"), 0) + 1
    return {
        "requests": len(window),
        "failed": len(failed),
        "failed_by_status": statuses,
        "p50_ms": round(ok[len(ok) // 2], 1) if ok else None,
        "p95_ms": round(ok[int(len(ok) * 0.95)], 1) if ok else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--phase-seconds", type=float, default=10)
    args = parser.parse_args()
    work = RESULTS / "scaleout"
    pg = cluster.Postgres(work / "postgres", PG_PORT)
    pg.create()
    env = environment(pg)
    subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=True, capture_output=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(
        env,
        "shell",
        "-c",
        f"from kontor.users.actions import create_user; "
        f"create_user('{USER}', password='{PASSWORD}', is_superuser=True)",
    )
    token = manage(env, "create_api_token", USER).strip()
    apps = [cluster.app_server(port, env, work / f"app{port}.log").start() for port in APPS]
    workers = [cluster.worker(f"w{n}", env, work / f"worker{n}.log").start() for n in (1, 2)]
    lb = cluster.load_balancer(LB, list(APPS), work).start()
    processes = [*apps, *workers, lb]
    report: dict = {"clients": args.clients, "phases": {}}
    try:
        for port in (*APPS, LB):
            cluster.wait_until(
                lambda p=port: cluster.answers(f"http://127.0.0.1:{p}/healthz"), 60, f"port {port}"
            )
        marks = {"start": time.time()}
        with Load(token, args.clients) as load:
            time.sleep(args.phase_seconds)
            marks["app_killed"] = time.time()
            apps[0].kill()
            time.sleep(args.phase_seconds)
            apps[0].start()
            cluster.wait_until(
                lambda: cluster.answers(f"http://127.0.0.1:{APPS[0]}/healthz"),
                60,
                "app server back",
            )
            marks["app_back"] = time.time()
            time.sleep(args.phase_seconds)
            marks["import"] = time.time()
            report["import"] = import_and_kill_its_worker(env, pg, workers, args.import_rows, work)
            app_pids = [a.pid for a in apps]
            marks["db_restart"] = time.time()
            pg.restart()
            marks["db_back"] = time.time()
            time.sleep(args.phase_seconds)
            marks["end"] = time.time()
        samples = load.samples
        after_restart = [s for s in samples if s[0] >= marks["db_back"] and 200 <= s[2] < 400]
        report["seconds_to_first_success_after_db_restart"] = (
            round(min(s[0] for s in after_restart) - marks["db_back"], 2) if after_restart else None
        )
        names = list(marks)
        for start, end in zip(names, names[1:], strict=False):
            report["phases"][f"{start}→{end}"] = summary(samples, marks[start], marks[end])
        stored = sql(
            pg,
            "SELECT count(*), count(DISTINCT email1) FROM leads_lead "
            "WHERE email1 LIKE '%@scale.example' AND email1 NOT LIKE '%@import.%'",
        )
        count, distinct = (int(v) for v in stored.split("|"))
        acknowledged = set(load.created.values())
        ids = sql(pg, "SELECT id FROM leads_lead WHERE email1 LIKE '%@scale.example'").split()
        missing = acknowledged - {str(uuid.UUID(i)) for i in ids}
        report["writes"] = {
            "acknowledged": len(acknowledged),
            "sent_keys": len(load.sent_keys),
            "stored": count,
            "stored_distinct_emails": distinct,
            "acknowledged_but_missing": len(missing),
        }
        report["signed_out_responses"] = load.signed_out
        report["list_requests"] = sum(1 for s in samples if s[1] == "list")
        report["database_down_seconds"] = round(marks["db_back"] - marks["db_restart"], 2)
        checks = {
            "no acknowledged write lost": not missing,
            "no write stored twice": count == distinct,
            "nothing stored that was not sent": count <= len(load.sent_keys),
            "sessions survived": load.signed_out == 0,
            "import finished once by the other worker": report["import"]["ok"],
            "app servers not restarted for the database": [a.pid for a in apps] == app_pids,
            "requests succeed after the database restart": bool(after_restart),
        }
        report["checks"] = checks
    finally:
        for process in processes:
            process.kill()
        pg.stop(missing_ok=True)
    report["load_average"] = os.getloadavg()
    out = RESULTS / f"scaleout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"written to {out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
