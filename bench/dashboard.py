"""`python -m bench.dashboard`: the home page and its eight widgets at a million leads.

For developers changing the dashboards (kontor/dashboards; target: the whole set's p95 ≤ 300
ms). Each round asks for what a browser asks for on opening the home page: the page, then each
of its widget fragments one after the other, each timed through Django's whole request path
(middleware, session, permission filter) in this process, without HTTP. The user's dashboard
holds the six default widgets (My day's four lists, pipeline by stage, forecast vs quota) plus
won/lost by month and the team leaderboard.

The data is bench.run's `kontor_bench` (1,000,000 leads, 50,000 opportunities), read and never
changed: the dashboard is written inside one transaction that is rolled back at the end. The
user is bench.run's administrator, who sees every record: the widest figures there are.

    python -m bench.dashboard                 # 50 rounds after 5 to warm up
    python -m bench.dashboard --requests 100 --also lead_sources

Results go to bench/results/dashboard-<time>.json with the machine's load average.
"""

import argparse
import json
import os
import platform
import re
import sys
import time
from datetime import datetime

from bench import load
from bench.inline_edit import RESULTS, setup

TARGET_P95_MS = 300
EXTRA = ("won_lost", "leaderboard")


class _RolledBack(Exception):
    """Leaves the benchmark's transaction without committing it."""


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from kontor.dashboards import actions

    user = get_user_model().objects.get(username=args.user)
    summaries = []
    try:
        with transaction.atomic():
            for kind in (*EXTRA, *args.also):
                actions.add_widget(kind, actor=user)
            client = Client()
            client.force_login(user)
            home = client.get("/", secure=True)
            urls = [u.decode() for u in re.findall(rb'hx-get="(/dashboards/[^"]+)"', home.content)]
            kinds = [w.kind for w in actions.queries.own(user).widgets.all()]
            timers = {name: load.Result(name, 1) for name in ["home", *kinds]}
            whole = load.Result("home_and_widgets", 1)
            for phase in ("warmup", "measure"):
                count = args.warmup if phase == "warmup" else args.requests
                for timer in [whole, *timers.values()]:
                    timer.latencies.clear()
                for _ in range(count):
                    begun = time.perf_counter()
                    for name, url in [("home", "/"), *zip(kinds, urls, strict=True)]:
                        started = time.perf_counter()
                        response = client.get(url, secure=True)
                        timers[name].latencies.append((time.perf_counter() - started) * 1000)
                        if response.status_code != 200:
                            timers[name].errors.append(f"{url}: {response.status_code}")
                    whole.latencies.append((time.perf_counter() - begun) * 1000)
            summaries = [whole.summary()] + [t.summary() for t in timers.values()]
            raise _RolledBack
    except _RolledBack:
        pass
    return summaries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--user", default="bench", help="who looks (default: bench.run's user)")
    parser.add_argument("--also", nargs="*", default=[], help="more widget kinds to add")
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
    path = RESULTS / f"dashboard-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    for row in summaries:
        print(json.dumps(row))
    print(f"load average before {report['load_before']}, after {report['load_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
