"""The cost of the permission filter on the lead list at a million leads.

For developers changing kontor/core/permissions.py. Builds (or reuses) its own database with
`kontor generate`, puts every lead into one of 20 teams (set-based SQL), then times the list
pages in-process (Django's test client, no HTTP, one client) as four people:

- admin: no filter at all (the baseline);
- rep: Sales rep (Team scope) in a team holding ~5 % of the leads;
- rep_small: Sales rep in a team of 200 leads (the filter must not scan the table to fill a page);
- owner: a role with Owner scope, owning ~20 % of the leads (assigned by `kontor generate`).

It first times the list page's SQL alone per person (`list_sql`; `--sql-only` stops there), which
shows the filter's cost even on a busy machine, then the whole pages.

    python -m bench.access --db postgresql            # kontor_bench_access on $BENCH_PG_URL
    python -m bench.access --db sqlite --leads 200000

Prints p50/p95 in ms per operation and person, and writes bench/results/access-<db>-<time>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TEAMS = 20
SMALL_TEAM_LEADS = 200


def setup(db: str, pg_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    if db == "postgresql":
        os.environ["DATABASE_URL"] = f"{pg_url.rstrip('/')}/kontor_bench_access"
        import psycopg

        with psycopg.connect(f"{pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'kontor_bench_access'"
            ).fetchone():
                conn.execute("CREATE DATABASE kontor_bench_access")
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_PATH"] = str(RESULTS / "kontor_bench_access.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()


def fill(leads: int) -> dict:
    """Leads, teams and memberships; reused when already there."""
    from django.core.management import call_command
    from django.db import connection

    from kontor.leads.models import Lead
    from kontor.users.models import Team

    call_command("migrate", verbosity=0)
    info = {}
    if Lead.objects.count() < leads:
        started = time.monotonic()
        call_command("generate", leads=leads - Lead.objects.count(), users=5, verbosity=0)
        info["generate_seconds"] = round(time.monotonic() - started, 1)
    teams = [Team.objects.get_or_create(name=f"Bench {i:02d}")[0] for i in range(TEAMS)]
    small = Team.objects.get_or_create(name="Bench small")[0]
    through = Lead.teams.through._meta.db_table
    if not Lead.teams.through.objects.exists():
        started = time.monotonic()
        first = teams[0].pk
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {through} (lead_id, team_id) SELECT id, "
                    f"{first} + abs(hashtext(id::text)) % {TEAMS} FROM leads_lead"
                )
                cursor.execute(
                    f"INSERT INTO {through} (lead_id, team_id) SELECT id, "
                    f"{small.pk} FROM leads_lead ORDER BY email1 "
                    f"LIMIT {SMALL_TEAM_LEADS}"
                )
                cursor.execute(f"VACUUM (ANALYZE) {through}")
                cursor.execute("VACUUM (ANALYZE) leads_lead")
            else:
                cursor.execute(
                    f"INSERT INTO {through} (lead_id, team_id) SELECT id, "
                    f"{first} + abs(random()) % {TEAMS} FROM leads_lead"
                )
                cursor.execute(
                    f"INSERT INTO {through} (lead_id, team_id) SELECT id, "
                    f"{small.pk} FROM leads_lead ORDER BY email1 "
                    f"LIMIT {SMALL_TEAM_LEADS}"
                )
                cursor.execute("ANALYZE")
        info["teams_seconds"] = round(time.monotonic() - started, 1)
    info["leads"] = Lead.objects.count()
    info["memberships"] = Lead.teams.through.objects.count()
    return info


def people() -> dict:
    from django.contrib.auth import get_user_model

    from kontor.users.actions import create_user
    from kontor.users.models import Role, Team

    User = get_user_model()
    owner_role, _ = Role.objects.get_or_create(
        name="Bench owner scope",
        defaults={"grants": {"leads": {"access": "all", "view": "owner", "list": "owner"}}},
    )
    wanted = {
        "admin": {"is_superuser": True},
        "rep": {"roles": ["sales_rep"], "teams": [Team.objects.get(name="Bench 00")]},
        "rep_small": {"roles": ["sales_rep"], "teams": [Team.objects.get(name="Bench small")]},
    }
    out = {}
    for name, extra in wanted.items():
        out[name] = User.objects.filter(username=f"bench_{name}").first() or create_user(
            f"bench_{name}", password=None, **extra
        )
    # The owner-scope person is a generated sales user, who owns a fifth of the leads.
    owner = User.objects.get(username="sales1")
    owner.roles.set([owner_role])
    out["owner"] = owner
    return out


def time_requests(user, urls: list[str]) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(urls[0])  # warm
    latencies = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return latencies


def time_sql(user, runs: int) -> list[float]:
    """The first list page's query alone (permission filter + sort + LIMIT), in ms."""
    from django.db import connection

    from kontor.leads.models import Lead

    query = (
        Lead.objects.visible_to(user, "list")
        .order_by("-date_entered", "-pk")
        .only("id", "last_name")[:51]
    )
    sql, params = query.query.sql_with_params()
    latencies = []
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
    return sorted(latencies[1:])


def _print_row(name: str, row: dict) -> None:
    print(f"{name:<14}" + "".join(f"{r['p50']:>10.1f} / {r['p95']:>7.1f}" for r in row.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--sql-only",
        action="store_true",
        help="Time only the list query of each person, not the pages.",
    )
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    setup(args.db, args.pg_url)
    from bench.prepare import parameters

    info = fill(args.leads)
    users = people()
    urls = parameters(42, args.requests)
    operations = ("list", "deep_page", "sort_name", "search_prefix")
    report = {"db": args.db, "info": info, "results": {}}
    print(f"{args.db}: {info}")
    print(f"{'operation':<14}" + "".join(f"{name:>22}" for name in users))
    row = {}
    for name, user in users.items():
        latencies = time_sql(user, 30)
        row[name] = {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        }
    report["results"]["list_sql"] = row
    _print_row("list_sql", row)
    for op in () if args.sql_only else operations:
        row = {}
        for name, user in users.items():
            latencies = sorted(time_requests(user, urls[op]))
            row[name] = {
                "p50": round(statistics.median(latencies), 1),
                "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            }
        report["results"][op] = row
        _print_row(op, row)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"access-{args.db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"p50 / p95 ms, in-process; written to {out}")


if __name__ == "__main__":
    main()
