"""`python -m bench.inline_edit`: inline edit of one field at a million leads on PostgreSQL.

For developers checking the inline editor's cost (kontor.core.records.inline; target: the
save's p95 ≤ 30 ms). Each round opens the editor of a lead's title (GET
/leads/<id>/inline/title/) and saves a new title from it (POST, with the editor's token), each
timed through Django's whole request path (middleware, session, permission filter, the
`save_record` action with its row lock and change-log row) in this process, without HTTP.

The data is bench.run's `kontor_bench` (1,000,000 leads from `kontor generate`); it is read
and never changed: all rounds run in one transaction that is rolled back at the end, so each
save ends in a savepoint's release instead of a commit (on this machine a commit's WAL flush
adds about a millisecond). Leads are chosen at random across the table.

    python -m bench.inline_edit                   # 300 rounds after 30 to warm up
    python -m bench.inline_edit --requests 1000

Results go to bench/results/inline-edit-<time>.json with the machine's load average.
"""

import argparse
import json
import os
import platform
import re
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE = "kontor_bench"
TARGET_P95_MS = 30
TOKEN = re.compile(rb'name="inline_shown" value="([^"]+)"')


class _RolledBack(Exception):
    """Leaves the benchmark's transaction without committing it."""


def setup(pg_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{pg_url}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # As deployed: DEBUG off (with DEBUG on, Django keeps every query's text in memory).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-inline-edit-not-secret-" + "x" * 32)
    import django

    django.setup()


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from kontor.leads.models import Lead

    # bench.run's user (kontor generate makes no roles: the other users see nothing)
    user = get_user_model().objects.get(username=args.user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM leads_lead TABLESAMPLE SYSTEM (1) WHERE NOT deleted")
        sampled = [row[0] for row in cursor.fetchall()]
    # Leads this user may edit (a sales user sees their team's), in the sampled order.
    allowed = set(
        Lead.objects.visible_to(user, "edit").filter(pk__in=sampled).values_list("pk", flat=True)
    )
    ids = [pk for pk in sampled if pk in allowed][: args.warmup + args.requests]
    total = Lead.objects.count() if args.count else None
    summaries = []
    try:
        with transaction.atomic():
            client = Client()
            client.force_login(user)
            pending = iter(ids)
            for phase in ("warmup", "measure"):
                count = args.warmup if phase == "warmup" else args.requests
                editor, save = load.Result("editor_get", 1), load.Result("save_post", 1)
                for i in range(count):
                    url = f"/leads/{next(pending)}/inline/title/"
                    started = time.perf_counter()
                    shown = client.get(url, secure=True)
                    editor.latencies.append((time.perf_counter() - started) * 1000)
                    found = TOKEN.search(shown.content)
                    if shown.status_code != 200 or not found:
                        editor.errors.append(f"{url}: {shown.status_code}")
                        continue
                    data = {"title": f"Bench {phase} {i}", "inline_shown": found.group(1).decode()}
                    started = time.perf_counter()
                    saved = client.post(url, data, secure=True)
                    save.latencies.append((time.perf_counter() - started) * 1000)
                    if saved.status_code != 200:
                        save.errors.append(f"{url}: {saved.status_code}")
                if phase == "measure":
                    summaries += [editor.summary(), save.summary()]
            raise _RolledBack
    except _RolledBack:
        pass
    if total is not None:
        summaries.append({"name": "leads", "count": total})
    return summaries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--user", default="bench", help="who edits (default: bench.run's user)")
    parser.add_argument("--count", action="store_true", help="count the leads too (seconds)")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args(argv)
    setup(args.pg_url)
    load_before = os.getloadavg()
    summaries = rounds(args)
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in os.getloadavg()],
        "target_p95_ms": TARGET_P95_MS,
        "results": summaries,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"inline-edit-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    for row in summaries:
        print(json.dumps(row))
    print(f"load average before {report['load_before']}, after {report['load_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
