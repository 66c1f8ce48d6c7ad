"""`python -m bench.recurrence`: creating a weekly series of 52 meetings with 5 invitees.

For developers checking `kontor.activities.actions.save_series` (docs/calendar.md): one
call writes the first meeting and 51 occurrences, each with its change-log row, its 5
invitees (3 users, a contact, a lead) and its teams, in one transaction. Each run saves a new
series inside a transaction that is rolled back at the end, so the database is left as it
was; the database is the one `DATABASE_URL` names (migrated first if needed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor_b python -m bench.recurrence
    DATABASE_URL=sqlite:////tmp/recurrence.sqlite3 python -m bench.recurrence --runs 20

Results go to bench/results/recurrence-<time>.json with the machine's load average.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

from bench import load


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-recurrence-not-secret-" + "x" * 32)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def rounds(runs: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kontor.activities.actions import save_series
    from kontor.activities.models import Meeting
    from kontor.contacts.models import Contact
    from kontor.core.actions import save_record
    from kontor.leads.models import Lead
    from kontor.users.actions import create_user

    seconds, queries, rows = [], [], 0
    with load.rolled_back():
        users = [
            create_user(f"bench-series-{i}", password="pw-bench-123!", roles=["sales_rep"])
            for i in range(3)
        ]
        contact = save_record(Contact(last_name="Serienkunde"), actor=users[0])
        lead = save_record(Lead(last_name="Serieninteressent"), actor=users[0])
        start = datetime.datetime.now(datetime.UTC).replace(microsecond=0, second=0)
        for run in range(runs + 1):  # the first run warms up
            meeting = Meeting(
                name=f"Jour fixe {run}",
                date_start=start + datetime.timedelta(minutes=run),
                duration_minutes=45,
                assigned_user=users[0],
                repeat_type="Weekly",
                repeat_count=52,
            )
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                save_series(meeting, users, [contact], [lead], actor=users[0])
                took = time.perf_counter() - began
            rows = Meeting.objects.filter(repeat_parent_id=meeting.pk).count() + 1
            if run:
                seconds.append(took)
                queries.append(len(captured))
    ms = sorted(s * 1000 for s in seconds)
    return [
        {
            "name": "weekly_series_52_with_5_invitees",
            "database": connection.vendor,
            "occurrences": rows,
            "runs": runs,
            "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1),
            "min_ms": round(ms[0], 1),
            "queries": max(queries),
        }
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    setup()
    before = os.getloadavg()
    results = rounds(args.runs)
    record = {
        "load_before": [round(v, 2) for v in before],
        "load_after": [round(v, 2) for v in os.getloadavg()],
        "results": results,
    }
    path = load.write_results("recurrence", record)
    for row in results:
        print(row)
    print(f"load average before {record['load_before']}, after {record['load_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
