"""`python -m bench.reminders`: how late reminders go out when many fall due at once.

For developers checking `kontor.notifications.reminders.send_due`, the job the workers run
every minute. It makes `--users` users and `--reminders` reminders of their meetings (a tenth
also by e-mail, through the outbox), due evenly over the next `--spread` seconds, then runs the
job as the scheduler does, at the start of each minute, until none is left; it reports, per
reminder, the delay from its due time to its notification (negative: sent early, which the job
does up to 30 s so that none waits a whole minute) and the job's reminders per second.

It runs on PostgreSQL in a database of its own (`kontor_c` unless `--database`; migrated
first), inside one transaction that is rolled back at the end, so it leaves no rows.

    python -m bench.reminders                        # 10,000 reminders of 20 users over 2 min
    python -m bench.reminders --reminders 2000 --spread 60

Results go to bench/results/reminders-<time>.json with the machine's load average.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

from bench import load


class Done(Exception):
    """Raised to roll the bench's transaction back."""


def setup_rows(users: int, reminders: int, spread: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kontor.activities.models import Meeting
    from kontor.notifications.models import Reminder
    from kontor.users.actions import create_user

    people = [
        get_user_model().objects.filter(username=f"bench-r{i}").first()
        or create_user(
            f"bench-r{i}", password="x", email=f"r{i}@bench.example", roles=["sales_manager"]
        )
        for i in range(users)
    ]
    now = timezone.now()
    start = now + timedelta(minutes=15)
    per_user = reminders // users
    meetings = Meeting.objects.bulk_create(
        Meeting(
            name=f"Bench meeting {i}",
            date_start=start + timedelta(seconds=spread * i / per_user),
            assigned_user=people[0],
            created_by=people[0],
            modified_by=people[0],
            search_text=f"bench meeting {i}",
        )
        for i in range(per_user)
    )
    rows = []
    for n, user in enumerate(people):
        for i, meeting in enumerate(meetings):
            reminder = Reminder(
                user=user,
                popup=True,
                email=(n * per_user + i) % 10 == 0,
                timer_popup=15 * 60,
                timer_email=15 * 60,
                related_event_module="meetings",
                related_event_module_id=meeting.pk,
                event_start=meeting.date_start,
            )
            reminder.schedule()
            rows.append(reminder)
    Reminder.objects.bulk_create(rows, batch_size=2000)
    return rows


def run(args) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from kontor.notifications.models import Notification, Reminder
    from kontor.notifications.reminders import send_due

    result = {}
    try:
        with transaction.atomic():
            made = time.perf_counter()
            rows = setup_rows(args.users, args.reminders, args.spread)
            result["setup_s"] = round(time.perf_counter() - made, 1)
            ticks = []
            while Reminder.objects.filter(date_willexecute__isnull=False).exists():
                wait = 60 - timezone.now().second - timezone.now().microsecond / 1e6
                time.sleep(max(0.0, wait))
                started = time.perf_counter()
                handled = send_due()
                seconds = time.perf_counter() - started
                ticks.append(
                    {
                        "handled": handled,
                        "seconds": round(seconds, 2),
                        "per_s": round(handled / seconds, 1) if seconds else None,
                        "load_1min": round(os.getloadavg()[0], 2),
                    }
                )
                print(ticks[-1], file=sys.stderr)
            due = {r.pk: r.date_willexecute for r in rows}
            delays = []
            for key, created in Notification.objects.values_list("key", "created_at"):
                pk = int(key.split(":")[1])
                delays.append((created - due[pk]).total_seconds())
            delays.sort()
            result.update(
                reminders=len(rows),
                notifications=len(delays),
                delay_s={
                    "min": round(delays[0], 1),
                    "median": round(statistics.median(delays), 1),
                    "p95": round(delays[int(len(delays) * 0.95) - 1], 1),
                    "max": round(delays[-1], 1),
                },
                ticks=ticks,
                reminders_per_s=round(
                    sum(t["handled"] for t in ticks) / sum(t["seconds"] for t in ticks), 1
                ),
            )
            raise Done
    except Done:
        pass
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spread", type=int, default=120)
    parser.add_argument("--database", default="kontor_c")
    parser.add_argument("--pg-url", default=load.PG_URL)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = {"bench": "reminders", "load_before": round(os.getloadavg()[0], 2), **run(args)}
    print(json.dumps(result, indent=2))
    load.RESULTS.mkdir(exist_ok=True)
    path = load.RESULTS / f"reminders-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
