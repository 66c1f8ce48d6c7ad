"""`python -m bench.calendar`: the calendar's event feed at 10,000 activities a month for 20
users.

For developers checking the calendar's cost (kontor/calendar; target: the week view's p95 ≤ 150
ms). Each request is timed through Django's whole request path (middleware, session, permission
filter) in this process, without HTTP:

- `week_me`: GET /calendar/events/ for one week of a sales rep's own calendar (Team scope);
- `week_team`: the same week with the rep's team of five overlaid (`?teams=`);
- `week_all`: a sales manager's week with all 20 users overlaid (All scope, ~2,300 events);
- `month_me`: the rep's six-week month view;
- `move`: POST /calendar/meetings/<id>/move/ of one of the rep's meetings by an hour, with the
  version check, row lock and change-log row (written in one transaction rolled back at the end).

The data lives in a database of its own (default `kontor_a_bench`, created, migrated and filled
on the first run): 20 sales reps in four teams of five and a sales manager; 10,000 activities
a month for three months (Nov 2026 – Jan 2027: 45 % meetings, 35 % calls, 20 % tasks), on
working days between 08:00 and 18:00 Berlin time, each in its owner's teams.

    python -m bench.calendar                      # 200 rounds each after 20 to warm up
    python -m bench.calendar --requests 500 --database kontor_bench

Results go to bench/results/calendar-<time>.json with the machine's load average.
"""

import random
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench import load

TARGETS_MS = {"week_me": 150, "week_team": 150}
MONTHS = ((2026, 11), (2026, 12), (2027, 1))
PER_MONTH = 10_000
USERS, TEAM_SIZE = 20, 5
BERLIN = ZoneInfo("Europe/Berlin")


def ensure_database(pg_url: str, name: str) -> None:
    """Create `name` on the server when it does not exist yet."""
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def fill() -> None:
    """Migrate and add the users, teams and activities when the database has none."""
    from django.core.management import call_command
    from django.db import connection

    from kontor.activities.models import Call, Meeting, Task

    if Meeting._meta.db_table not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)  # a new database; an existing one is left as it is

    if Meeting.objects.exists():
        return
    from kontor.users.actions import create_user
    from kontor.users.models import Team

    teams = [Team.objects.create(name=f"Kalender {i + 1}") for i in range(USERS // TEAM_SIZE)]
    reps = [
        create_user(
            f"cal{i:02d}",
            password="bench-password-1",
            first_name=f"Rep {i:02d}",
            roles=["sales_rep"],
            teams=[teams[i // TEAM_SIZE]],
        )
        for i in range(USERS)
    ]
    create_user("calmanager", password="bench-password-1", roles=["sales_manager"])
    team_of = {u.pk: teams[i // TEAM_SIZE].pk for i, u in enumerate(reps)}
    chooser = random.Random(11)
    made = {Meeting: [], Call: [], Task: []}
    for year, month in MONTHS:
        days = [
            d
            for d in (date(year, month, 1) + timedelta(days=n) for n in range(31))
            if d.month == month and d.weekday() < 5
        ]
        for i in range(PER_MONTH):
            owner = reps[chooser.randrange(USERS)]
            day = chooser.choice(days)
            at = datetime(day.year, day.month, day.day, 8, tzinfo=BERLIN) + timedelta(
                minutes=15 * chooser.randrange(40)
            )
            common = {
                "name": f"Termin {year}-{month:02d}-{i:05d}",
                "assigned_user": owner,
                "created_by": owner,
                "modified_by": owner,
                "search_text": f"termin {i}",
            }
            roll = chooser.random()
            if roll < 0.45:
                made[Meeting].append(
                    Meeting(date_start=at, duration_minutes=chooser.choice((30, 60, 90)), **common)
                )
            elif roll < 0.8:
                made[Call].append(
                    Call(date_start=at, duration_minutes=chooser.choice((15, 30)), **common)
                )
            else:
                made[Task].append(Task(date_due=at, **common))
    for model, rows in made.items():
        model.objects.bulk_create(rows, batch_size=2000)
        through, column = model.teams.through, f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            (through(**{column: r.pk, "team_id": team_of[r.assigned_user_id]}) for r in rows),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model

    from kontor.activities.models import Meeting

    fill()
    User = get_user_model()  # noqa: N806
    rep, manager = User.objects.get(username="cal00"), User.objects.get(username="calmanager")
    team = rep.teams.get().pk
    everyone = ",".join(
        str(pk)
        for pk in User.objects.filter(username__startswith="cal").values_list("pk", flat=True)
    )
    mondays = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(12)]
    meetings = list(
        Meeting.objects.filter(assigned_user=rep).values_list("pk", "date_start", "date_modified")
    )
    random.Random(5).shuffle(meetings)
    summaries = []

    def week(monday: date, **extra) -> dict:
        return {
            "start": f"{monday}T00:00:00",
            "end": f"{monday + timedelta(days=7)}T00:00:00",
            **extra,
        }

    with load.rolled_back():
        mine, boss = load.signed_in(rep), load.signed_in(manager)
        pending = iter(meetings)
        for phase, count in load.phases(args):
            me, team_week = load.Result("week_me", 1), load.Result("week_team", 1)
            everybody, month = load.Result("week_all", 1), load.Result("month_me", 1)
            moved = load.Result("move", 1)
            sizes = {"week_me": [], "week_team": [], "week_all": []}
            for i in range(count):
                monday = mondays[i % len(mondays)]
                answer = load.timed(
                    me,
                    lambda m=monday: mine.get("/calendar/events/", week(m), secure=True),
                    cpu=True,
                )
                sizes["week_me"].append(len(answer.json()))
                answer = load.timed(
                    team_week,
                    lambda m=monday: mine.get(
                        "/calendar/events/", week(m, teams=str(team)), secure=True
                    ),
                    cpu=True,
                )
                sizes["week_team"].append(len(answer.json()))
                answer = load.timed(
                    everybody,
                    lambda m=monday: boss.get(
                        "/calendar/events/", week(m, users=everyone), secure=True
                    ),
                    cpu=True,
                )
                sizes["week_all"].append(len(answer.json()))
                first = monday - timedelta(days=7)
                load.timed(
                    month,
                    lambda f=first: mine.get(
                        "/calendar/events/",
                        {"start": f"{f}T00:00:00", "end": f"{f + timedelta(days=42)}T00:00:00"},
                        secure=True,
                    ),
                    cpu=True,
                )
                pk, start, version = next(pending)
                later = start.astimezone(BERLIN).replace(tzinfo=None) + timedelta(hours=1)
                load.timed(
                    moved,
                    lambda p=pk, t=later, v=version: mine.post(
                        f"/calendar/meetings/{p}/move/",
                        {"start": t.isoformat(), "version": v.isoformat()},
                        secure=True,
                    ),
                    cpu=True,
                )
            if phase == "measure":
                for result in (me, team_week, everybody, month, moved):
                    row = {**result.summary(), "cpu_p50": result.cpu_p50()}
                    if result.name in sizes:
                        row["events_avg"] = round(sum(sizes[result.name]) / len(sizes[result.name]))
                    summaries.append(row)
    summaries.append({"name": "activities", "count": PER_MONTH * len(MONTHS)})
    return summaries


def options(parser) -> None:
    load.rounds_arguments(parser, requests=200, warmup=20, user_help="unused: cal00 looks")
    parser.add_argument("--database", default="kontor_a_bench")


def main(argv=None) -> int:
    import argparse

    known = argparse.ArgumentParser(add_help=False)
    known.add_argument("--database", default="kontor_a_bench")
    known.add_argument("--pg-url", default=load.PG_URL)
    first, _rest = known.parse_known_args(argv)
    ensure_database(first.pg_url, first.database)
    load.DATABASE = first.database
    return load.main_in_process(
        "calendar", __doc__, rounds, argv, options, targets_p95_ms=TARGETS_MS
    )


if __name__ == "__main__":
    sys.exit(main())
