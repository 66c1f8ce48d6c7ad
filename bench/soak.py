"""Soak: a bounded mixed load for a long time, watching memory per process and latency drift.

For developers checking that nothing leaks or slows down as the hours pass. `python -m
bench.soak [--minutes 20]` generates a database of its own (`kontor_soak` on `$BENCH_PG_URL`),
starts gunicorn (two sync workers) and two task workers, and sends a steady mix at a bounded
rate: list pages, searches, detail pages, API lists and creates, lead conversions through the
API, and an import of 2,000 rows every two minutes. After a warm-up it samples the resident
memory of every process; at the end it compares each process's memory with its value after the
warm-up (target: within 10 %), the p95 of the last five minutes with the first five (within
20 %), and counts errors (target: none). bench/results/soak-<time>.json holds the figures.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

from bench import cluster
from bench.load import Client

RESULTS = cluster.ROOT / "bench" / "results"
PORT = 18200
USER, PASSWORD = "soak", "soak-pw-7-long!"
#: operation → weight of the mix
MIX = {"list": 25, "search": 15, "detail": 15, "api_list": 15, "create": 20, "convert": 10}


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(c) for c in children)]


class Mix:
    """Client threads sending the mix at about `rate` requests per second in all."""

    def __init__(self, token: str, clients: int, rate: float, lead_ids: list[str]):
        self.token, self.clients, self.rate = token, clients, rate
        self.lead_ids = lead_ids
        self.samples: list[tuple[float, str, int, float]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run_client(self, seed: int) -> None:
        rng = random.Random(seed)
        web, api = Client(PORT), Client(PORT)
        web.sign_in(USER, PASSWORD)
        auth = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        kinds, weights = list(MIX), list(MIX.values())
        pause = self.clients / self.rate
        while not self.stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            method, path, body = "GET", "/leads/", None
            if kind == "search":
                term = rng.choice(["schm", "müll", "wagn", "beck", "hoff"])
                path = "/leads/?q=" + urllib.parse.quote(term)
            elif kind == "detail":
                path = f"/leads/{rng.choice(self.lead_ids)}/"
            elif kind == "api_list":
                path = "/api/v1/contacts/?page_size=50"
            elif kind == "create":
                method, path = "POST", "/api/v1/leads/"
                key = uuid.uuid4().hex
                body = json.dumps(
                    {
                        "last_name": f"Soak {key[:6]}",
                        "email1": f"{key}@soak.example",
                        "account_name": f"Soak {key[:4]} GmbH",
                    }
                )
            elif kind == "convert":
                with self.lock:
                    lead = self.lead_ids.pop() if self.lead_ids else None
                if lead is None:
                    continue
                method, path, body = "POST", f"/api/v1/leads/{lead}/convert/", "{}"
            client = web if method == "GET" and not kind.startswith("api") else api
            headers = auth if client is api else {}
            started = time.monotonic()
            try:
                status, _h, data = client.request(method, path, body=body, headers=headers)
            except OSError as error:
                client.conn.close()
                status, data = 0, str(error).encode()
            ms = (time.monotonic() - started) * 1000
            with self.lock:
                self.samples.append((time.time(), kind, status, ms))
                if status not in (200, 201):
                    self.errors.append(f"{kind} {path} → {status} {data[:120]!r}")
            if kind == "create" and status == 201:
                with self.lock:
                    self.lead_ids.append(json.loads(data)["id"])
            self.stop.wait(pause * rng.uniform(0.5, 1.5))


IMPORT = """
import csv, io, uuid
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from kontor.imports import actions
from kontor.leads.models import Lead
actor = get_user_model().objects.get(username="{user}")
out = io.StringIO()
w = csv.writer(out)
w.writerow(["First Name", "Last Name", "Email Address", "Office Phone"])
tag = uuid.uuid4().hex[:8]
for n in range({rows}):
    w.writerow([f"Imp{{n}}", f"Soak{{tag}}", f"{{tag}}.{{n}}@import.soak.example", "+4930123"])
upload = ContentFile(out.getvalue().encode(), name="soak.csv")
batch = actions.create_batch(upload, model=Lead, actor=actor)
options = {{**batch.options, "mode": "create", "match": "email", "number_format": "en"}}
actions.configure(batch, options, actor=actor)
actions.queue_import(batch, actor=actor)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--warmup-minutes", type=float, default=2)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=12, help="requests per second in all")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/kontor_soak",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "kontor.settings",
    }

    def manage(*command, stdin=None):
        return cluster.manage(env, *command, stdin=stdin)

    work = RESULTS / "soak"
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "kontor_soak"], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "kontor_soak"], check=True)
    manage("migrate", "--noinput", "-v0")
    manage(
        "generate",
        "--leads",
        str(args.leads),
        "--accounts",
        str(args.leads // 10),
        "--contacts",
        str(args.leads // 5),
        "--opportunities",
        str(args.leads // 20),
    )
    manage(
        "shell",
        "-c",
        "from kontor.users.actions import create_user; "
        f"create_user('{USER}', password='{PASSWORD}', is_superuser=True)",
    )
    token = manage("create_api_token", USER).strip()
    ids = manage(
        "shell",
        "-c",
        "from kontor.leads.models import Lead; print(' '.join(str(i) for i"
        " in Lead.objects.filter(converted=False).values_list('pk', flat=True)[:5000]))",
    )
    app = cluster.app_server(PORT, env, work / "app.log").start()
    workers = [cluster.worker(f"soak{n}", env, work / f"worker{n}.log").start() for n in (1, 2)]
    # Django's shell may print a line of its own first: keep what parses as an id.
    mix = Mix(token, args.clients, args.rate, [i for i in ids.split() if is_uuid(i)])
    threads = [threading.Thread(target=mix.run_client, args=(n,)) for n in range(args.clients)]
    memory: dict[str, list[tuple[float, int]]] = {}
    report: dict = {"args": vars(args), "imports": 0}
    try:
        cluster.wait_until(lambda: cluster.answers(f"http://127.0.0.1:{PORT}/healthz"), 60, "app")
        started = time.time()
        for thread in threads:
            thread.start()
        warm_end = started + args.warmup_minutes * 60
        end = warm_end + args.minutes * 60
        next_import = started + 30
        while time.time() < end:
            if time.time() >= next_import:
                manage("shell", stdin=IMPORT.format(user=USER, rows=2000))
                report["imports"] += 1
                next_import += 120
            if time.time() >= warm_end:
                pids = {f"app:{p}": p for p in family(app.pid)}
                pids.update({w.name: w.pid for w in workers})
                for name, pid in pids.items():
                    memory.setdefault(name, []).append((time.time(), rss_kb(pid)))
            time.sleep(10)
        mix.stop.set()
        for thread in threads:
            thread.join()
    finally:
        mix.stop.set()
        for process in (app, *workers):
            process.kill()
    measured = [s for s in mix.samples if s[0] >= warm_end]

    def p95(rows):
        ordered = sorted(ms for *_x, ms in rows)
        return round(ordered[int(len(ordered) * 0.95)], 1) if ordered else None

    first = [s for s in measured if s[0] < warm_end + 300]
    last = [s for s in measured if s[0] >= end - 300]
    report["requests"] = len(measured)
    report["errors"] = len([s for s in measured if s[2] not in (200, 201)])
    report["first_errors"] = mix.errors[:10]
    report["p95_first_5_min"], report["p95_last_5_min"] = p95(first), p95(last)
    report["p95_by_kind"] = {
        k: [p95([s for s in first if s[1] == k]), p95([s for s in last if s[1] == k])] for k in MIX
    }
    report["memory_kb"] = {
        name: {"after_warmup": v[0][1], "max": max(kb for _t, kb in v), "end": v[-1][1]}
        for name, v in memory.items()
    }
    drift = {n: round(m["max"] / m["after_warmup"] - 1, 3) for n, m in report["memory_kb"].items()}
    report["memory_growth"] = drift
    report["checks"] = {
        "no errors": report["errors"] == 0,
        "memory within 10 %": all(g <= 0.10 for g in drift.values()),
        "p95 last 5 min within 20 % of first 5": bool(
            report["p95_first_5_min"]
            and report["p95_last_5_min"] <= 1.2 * report["p95_first_5_min"]
        ),
    }
    report["load_average"] = os.getloadavg()
    out = RESULTS / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
