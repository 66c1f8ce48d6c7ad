"""`python -m bench.forecast`: the forecast page over kontor_bench's 50,000 opportunities.

For developers changing the forecast (kontor/forecasts; target: the page's p95 <= 200 ms).
Each round asks for the whole page (GET /forecast/) through Django's whole request path
(middleware, session, the permission filter, the grouped query, quotas, rendering) in this
process, without HTTP, as bench.run's administrator ("bench": sees every opportunity). The
rounds cycle through the views people open, over the years the generated data covers:

- `months_all`: three months of everyone (the default shape: this quarter's months);
- `quarters_all`: four quarters of everyone, with a quota per user and quarter;
- `year_months_all`: twelve months of everyone (the longest range a page may ask for);
- `months_user`: three months of one sales user.

The quotas the run needs are created in a transaction that is rolled back at the end, so the
database keeps exactly what bench.run prepared. Results go to
bench/results/forecast-<time>.json with the machine's load average.

    python -m bench.forecast                     # 100 rounds per view after 10 to warm up
    python -m bench.forecast --requests 300
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import date, datetime
from decimal import Decimal

from bench import load
from bench.inline_edit import RESULTS, setup

TARGET_P95_MS = 200


class _RolledBack(Exception):
    """Leaves the benchmark's transaction without committing it."""


def views(last_day: date, sales_user_id: int) -> dict[str, dict]:
    """The page's parameters of each measured view, ending with the data's last quarter."""
    year, quarter = last_day.year, (last_day.month - 1) // 3 + 1
    first_month = f"{year}-{(quarter - 1) * 3 + 1:02d}"
    last_month = f"{year}-{quarter * 3:02d}"
    before = f"{year - 1}-Q{quarter % 4 + 1}" if quarter < 4 else f"{year}-Q1"
    return {
        "months_all": {"period": "month", "from": first_month, "to": last_month, "scope": "all"},
        "quarters_all": {
            "period": "quarter",
            "from": before,
            "to": f"{year}-Q{quarter}",
            "scope": "all",
        },
        "year_months_all": {
            "period": "month",
            "from": f"{year - 1}-{int(last_month[5:]) % 12 + 1:02d}"
            if last_month[5:] != "12"
            else f"{year}-01",
            "to": last_month,
            "scope": "all",
        },
        "months_user": {
            "period": "month",
            "from": first_month,
            "to": last_month,
            "scope": f"user:{sales_user_id}",
        },
    }


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Max
    from django.test import Client

    from kontor.forecasts.models import Quota
    from kontor.forecasts.periods import QUARTER, add, start_of
    from kontor.opportunities.models import Opportunity

    user = get_user_model().objects.get(username=args.user)
    last_day = Opportunity.objects.aggregate(last=Max("date_closed"))["last"]
    sales = list(get_user_model().objects.exclude(pk=user.pk).order_by("pk"))
    shapes = views(last_day, sales[0].pk)
    summaries = []
    try:
        with transaction.atomic():
            start = start_of(QUARTER, last_day)
            Quota.objects.bulk_create(
                Quota(
                    user=u,
                    period_kind=QUARTER,
                    period_start=add(QUARTER, start, -n),
                    amount=Decimal("250000"),
                )
                for u in sales
                for n in range(4)
            )
            client = Client()
            client.force_login(user)
            for name, params in shapes.items():
                for _ in range(args.warmup):
                    client.get("/forecast/", params, secure=True)
                result, cpu = load.Result(name, 1), []
                for _ in range(args.requests):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = client.get("/forecast/", params, secure=True)
                    result.latencies.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - cpu_started) * 1000)
                    if response.status_code != 200:
                        result.errors.append(f"{params}: {response.status_code}")
                # This process's CPU per page: what the page costs on a busy machine, where
                # the wall-clock time also holds the waits for a core.
                cpu_p50 = round(sorted(cpu)[len(cpu) // 2], 1)
                summaries.append({**result.summary(), "cpu_ms_p50": cpu_p50, "params": params})
            raise _RolledBack
    except _RolledBack:
        pass
    summaries.append({"name": "opportunities", "count": Opportunity.objects.count()})
    return summaries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--user", default="bench", help="who looks (default: bench.run's admin)")
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
    path = RESULTS / f"forecast-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    for row in summaries:
        print(json.dumps(row, default=str))
    print(f"load average before {report['load_before']}, after {report['load_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
