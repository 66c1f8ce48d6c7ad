"""`python -m bench.board`: the pipeline board and a card's move at 50,000 opportunities.

For developers checking the board's cost (kontor/pipeline; targets: the page's p95 ≤ 100 ms,
a move's p95 ≤ 50 ms). Each request is timed through Django's whole request path (middleware,
session, permission filter) in this process, without HTTP:

- `board`: GET /opportunities/board/ — the grouped figures of every stage and the first 20
  cards of each open column;
- `board_search`: the same with a search term (`?q=`);
- `column_more`: the next 20 cards of a column (the "more" row, keyset after a random card);
- `move`: POST /opportunities/board/<id>/move/ of a random opportunity to the next stage (or
  back from the last), as the board's script sends it: `save_record` with its row lock,
  version check and change-log row, then the two columns' headers recounted and the card.

The data is bench.run's `kontor_bench` (`kontor generate`: 50,000 opportunities). Moves are
written inside one transaction that is rolled back at the end, so nothing stays changed.

    python -m bench.board                     # 200 rounds each after 20 to warm up
    python -m bench.board --requests 500

Results go to bench/results/board-<time>.json with the machine's load average.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE = "kontor_bench"
TARGETS_MS = {"board": 100, "move": 50}
JSON = {"Accept": "application/json"}


class _RolledBack(Exception):
    """Leaves the benchmark's transaction without committing it."""


def setup(pg_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{pg_url}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # As deployed: DEBUG off (with DEBUG on, Django keeps every query's text in memory).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-board-not-secret-" + "x" * 32)
    import django

    django.setup()


#: CPU milliseconds of this process per request, by operation: steadier than the wall clock on
#: a shared machine, where a request also waits for a core.
CPU: dict[str, list[float]] = {}


def timed(result: load.Result, request) -> object:
    started, cpu = time.perf_counter(), time.process_time()
    response = request()
    result.latencies.append((time.perf_counter() - started) * 1000)
    CPU.setdefault(result.name, []).append((time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        result.errors.append(str(response.status_code))
    return response


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from kontor.core import dropdowns
    from kontor.opportunities.models import Opportunity

    user = get_user_model().objects.get(username=args.user)
    stages = [o.key for o in dropdowns.options("sales_stage_dom")]
    rows = list(
        Opportunity.objects.visible_to(user, "edit").values_list("pk", "sales_stage", "date_closed")
    )
    chooser = random.Random(7)
    chooser.shuffle(rows)
    words = ["deal", "lizenz", "service", "ag", "gmbh", "2027"]
    summaries = []
    try:
        with transaction.atomic():
            client = Client()
            client.force_login(user)
            pending = iter(rows)
            for phase in ("warmup", "measure"):
                count = args.warmup if phase == "warmup" else args.requests
                page, searched = load.Result("board", 1), load.Result("board_search", 1)
                more, moved = load.Result("column_more", 1), load.Result("move", 1)
                for i in range(count):
                    timed(page, lambda: client.get("/opportunities/board/", secure=True))
                    term = words[i % len(words)]
                    timed(
                        searched,
                        lambda t=term: client.get("/opportunities/board/", {"q": t}, secure=True),
                    )
                    pk, stage, day = next(pending)
                    after = f"{day.isoformat()}_{pk}"
                    timed(
                        more,
                        lambda s=stage, a=after: client.get(
                            "/opportunities/board/column/", {"stage": s, "after": a}, secure=True
                        ),
                    )
                    version = Opportunity.objects.filter(pk=pk).values_list(
                        "date_modified", flat=True
                    )[0]
                    at = stages.index(stage) if stage in stages else 0
                    target = stages[at + 1] if at + 1 < len(stages) else stages[0]
                    timed(
                        moved,
                        lambda p=pk, t=target, v=version: client.post(
                            f"/opportunities/board/{p}/move/",
                            {"stage": t, "version": v.isoformat(), "query": ""},
                            headers=JSON,
                            secure=True,
                        ),
                    )
                if phase == "measure":
                    summaries += [
                        {**r.summary(), "cpu_p50": round(statistics.median(CPU[r.name]), 1)}
                        for r in (page, searched, more, moved)
                    ]
                CPU.clear()
            raise _RolledBack
    except _RolledBack:
        pass
    summaries.append({"name": "opportunities", "count": len(rows)})
    return summaries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--user", default="bench", help="who looks (default: bench.run's user)")
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
        "targets_p95_ms": TARGETS_MS,
        "results": summaries,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"board-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    for row in summaries:
        print(json.dumps(row))
    print(f"load average before {report['load_before']}, after {report['load_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
