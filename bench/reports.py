"""`python -m bench.reports`: grouped reports over a million leads on PostgreSQL.

For developers changing the reports (kontor.reports.engine; target: a report grouping all
leads by lead source and status, p95 <= 1 s). Each case runs `engine.run(report, user)` in this
process, without HTTP: the permission filter, the list's FilterSet, one grouped query and the
names of the groups' users. Cases:

- `source_status_count`: by lead source and status, the count (the target's case);
- `month_count_sum`: by month of creation (the viewer's time zone), count and sum of the
  opportunity amount;
- `owner_count`: by assigned user (their names in one more query);
- `filtered_source_count`: status New only, by lead source;
- `page_stored`: the report's page (GET /reports/<id>/) showing its stored result.

The data is bench.run's `kontor_bench` (1,000,000 leads from `kontor generate`), read as
bench.run's user (all records). The reports and their stored results are written in one
transaction that is rolled back at the end, so the database keeps nothing of the run.

    python -m bench.reports                 # 20 runs of each case after 2 to warm up
    python -m bench.reports --requests 50

Results go to bench/results/reports-<time>.json with the machine's load average.
"""

import json
import os
import sys
import time

from bench import load

TARGET_P95_MS = 1000
CASES = {
    "source_status_count": {"group_by": ["lead_source", "status"], "aggregates": ["count"]},
    "month_count_sum": {
        "group_by": ["date_entered:month"],
        "aggregates": ["count", "sum:opportunity_amount"],
    },
    "owner_count": {"group_by": ["assigned_user"], "aggregates": ["count"]},
    "filtered_source_count": {
        "group_by": ["lead_source"],
        "aggregates": ["count"],
        "filters": "status=New",
    },
}


def timed(name: str, call, warmup: int, requests: int) -> tuple[dict, object]:
    result = load.Result(name, 1)
    answer = None
    for i in range(warmup + requests):
        started = time.perf_counter()
        answer = call()
        elapsed = (time.perf_counter() - started) * 1000
        if i >= warmup:
            result.latencies.append(elapsed)
    result.seconds = sum(result.latencies) / 1000
    summary = result.summary()
    summary["loadavg"] = round(os.getloadavg()[0], 2)
    return summary, answer


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model

    from kontor.reports import engine
    from kontor.reports.models import Report

    user = get_user_model().objects.get(username=args.user)
    summaries = []
    with load.rolled_back():
        for name, values in CASES.items():
            report = Report.objects.create(owner=user, module="leads", name=name, **values)
            summary, result = timed(
                name, lambda r=report: engine.run(r, user), args.warmup, args.requests
            )
            summary["groups"] = len(result.rows)
            summary["records"] = result.totals[0]
            if name == "source_status_count":
                summary["target_p95"] = TARGET_P95_MS
            summaries.append(summary)
            print(json.dumps(summary), flush=True)
        client = load.signed_in(user)
        url = f"/reports/{report.pk}/"
        client.get(url, secure=True)  # stores the result
        summary, page = timed("page_stored", lambda: client.get(url, secure=True), 2, args.requests)
        summary["status"] = page.status_code
        summaries.append(summary)
        print(json.dumps(summary), flush=True)
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=20, warmup=2, user_help="whose figures (default: bench.run's)"
    )


def main(argv=None) -> int:
    # The rows are printed as they come (a run takes seconds each).
    return load.main_in_process(
        "reports", __doc__, rounds, argv, options, print_rows=False, target_p95_ms=TARGET_P95_MS
    )


if __name__ == "__main__":
    sys.exit(main())
