"""`python -m bench.invitations`: what sending a meeting's invitations costs per invitee.

For developers checking `kontor.invitations.actions.sync_invitations`, the job that runs after a
meeting is saved. It makes a meeting with `--invitees` invitees (half users, half contacts) and
times, `--rounds` times each: the first invitations (a REQUEST per invitee, rendered in two
languages, put in the outbox), an update after a move (SEQUENCE + 1, a REQUEST each) and an
unchanged run (nothing sent), with the queries of each. Sending by SMTP is the outbox's and is
not timed here.

It runs on PostgreSQL in a database of its own (`kontor_f` unless `--database`; migrated first),
inside one transaction rolled back at the end, so it leaves no rows.

    python -m bench.invitations                      # 200 invitees, 5 rounds
    python -m bench.invitations --invitees 20 --rounds 20

Results go to bench/results/invitations-<time>.json with the machine's load average.
"""

import argparse
import json
import os
import statistics
import time
from datetime import timedelta

from bench import load


class Done(Exception):
    """Raised to roll the bench's transaction back."""


def _people(count: int):
    from kontor.contacts.models import Contact
    from kontor.core.actions import save_record
    from kontor.users.actions import create_user

    users = [
        create_user(
            f"bench-i{i}",
            password="x",
            email=f"i{i}@bench.example",
            language="de" if i % 2 else "en",
        )
        for i in range(count // 2)
    ]
    organiser = users[0]
    contacts = [
        save_record(
            Contact(last_name=f"Gast {i}", email1=f"gast{i}@bench.example"), actor=organiser
        )
        for i in range(count - count // 2)
    ]
    return organiser, users[1:], contacts


def _timed(call) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = call()
        seconds = time.perf_counter() - started
    return seconds * 1000, len(sent), len(queries)


def run(args) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from kontor.activities.actions import save_with_invitees
    from kontor.activities.models import Meeting
    from kontor.invitations.actions import sync_invitations

    figures = {"first": [], "update": [], "unchanged": []}
    try:
        with transaction.atomic():
            organiser, users, contacts = _people(args.invitees + 1)
            for n in range(args.rounds):
                start = timezone.now() + timedelta(days=1 + n)
                meeting = Meeting(name=f"Bench {n}", date_start=start, location="Raum")
                save_with_invitees(meeting, users, contacts, actor=organiser)
                first = _timed(lambda m=meeting: sync_invitations(m.pk))
                Meeting.objects.filter(pk=meeting.pk).update(date_start=start + timedelta(hours=1))
                update = _timed(lambda m=meeting: sync_invitations(m.pk))
                unchanged = _timed(lambda m=meeting: sync_invitations(m.pk))
                for name, figure in zip(figures, (first, update, unchanged), strict=True):
                    figures[name].append(figure)
            raise Done
    except Done:
        pass
    result = {}
    for name, rows in figures.items():
        ms = [row[0] for row in rows]
        mails = rows[0][1]
        result[name] = {
            "mails": mails,
            "median_ms": round(statistics.median(ms), 1),
            "max_ms": round(max(ms), 1),
            "ms_per_mail": round(statistics.median(ms) / mails, 2) if mails else None,
            "queries": rows[0][2],
        }
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invitees", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="kontor_f")
    parser.add_argument("--pg-url", default=load.PG_URL)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_before = round(os.getloadavg()[0], 2)
    result = {"bench": "invitations", "invitees": args.invitees, "load_before": load_before}
    result.update(run(args))
    result["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))
    load.RESULTS.mkdir(exist_ok=True)
    path = load.RESULTS / f"invitations-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
