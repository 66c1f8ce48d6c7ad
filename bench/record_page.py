"""Record pages at a million leads: how fast the first answer comes, and the whole page.

For developers changing the record page (kontor/core/records/detail.py, fragments.py). On the
prepared benchmark database (`bench.run` or `bench.prepare` builds it: 1,000,000 leads) it
serves Kontor with gunicorn (2 sync workers, DEBUG off) and times, at one client:

- `lead_page`: the first answer of 200 different lead pages (the timeline and related lists
  load afterwards, so they are not in it); target p95 <= 12 ms;
- `contact_complete`: a contact with a 200-event timeline (100 calls, 100 saves), the page and
  its two fragments one after the other, as the browser asks for them; target p95 <= 50 ms;
  and each of the three alone.

    python -m bench.record_page                      # PostgreSQL database kontor_bench
    python -m bench.record_page --requests 100

The contact and its events are created for the run and removed after it, so the database keeps
exactly the volume `bench.run` checks. Results go to bench/results/record-page-<time>.json
(git-ignored).
"""

import argparse
import os
import time
from datetime import datetime, timedelta

from bench import load
from bench.run import Server

CONTACT_NAME = "Zeitleiste-Benchmark"
EVENTS = 200
TARGETS_MS = {"lead_page": 12, "contact_complete": 50}


def prepare(username: str, password: str, leads: int) -> dict:
    """The lead ids to open and the timeline contact (created when missing), from Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from bench.prepare import sample_leads, sign_in_user
    from kontor.activities.models import Call
    from kontor.contacts.models import Contact
    from kontor.core.actions import save_record

    sign_in_user(username, password)
    actor = get_user_model().objects.get(username=username)
    contact = Contact.objects.filter(last_name=CONTACT_NAME).first()
    if contact is None:
        contact = save_record(Contact(last_name=CONTACT_NAME, first_name="Bench"), actor=actor)
        ct, start = ContentType.objects.get_for_model(Contact), timezone.now()
        for n in range(EVENTS // 2):
            call = Call(
                name=f"Anruf {n}",
                status="Held",
                direction="Outbound",
                date_start=start - timedelta(days=n),
                duration_minutes=15,
                parent_type=ct,
                parent_id=contact.pk,
            )
            save_record(call, actor=actor)
            contact.title = f"Titel {n}"
            save_record(contact, actor=actor)
    return {
        "leads": [f"/leads/{lead.pk}/" for lead in sample_leads(leads, seed=7)],
        "contact": f"/contacts/{contact.pk}/",
    }


def remove_contact() -> None:
    """Delete the run's contact, its calls, team rows and change-log rows (not trashed: gone)."""
    from django.contrib.contenttypes.models import ContentType

    from kontor.activities.models import Call
    from kontor.contacts.models import Contact
    from kontor.core.models import ChangeLog

    for contact in Contact.objects.filter(last_name=CONTACT_NAME):
        calls = Call.objects.filter(parent_id=contact.pk)
        call_ids = list(calls.values_list("pk", flat=True))
        ChangeLog.objects.filter(
            record_type=ContentType.objects.get_for_model(Call), record_id__in=call_ids
        ).delete()
        ChangeLog.objects.filter(
            record_type=ContentType.objects.get_for_model(Contact), record_id=contact.pk
        ).delete()
        calls.delete()
        contact.delete()


def complete(port: int, cookies: dict, url: str, times: int) -> load.Result:
    """The page and its two fragments in turn, `times` times: the time until all three are in."""
    result = load.Result("contact_complete", 1)
    client = load.Client(port, cookies)
    started_all = time.perf_counter()
    for _ in range(times):
        started = time.perf_counter()
        statuses = [client.get(url + part)[0] for part in ("", "timeline/", "related/")]
        if statuses != [200, 200, 200]:
            result.errors.append(f"{url}: {statuses}")
            continue
        result.latencies.append((time.perf_counter() - started) * 1000)
    result.seconds = time.perf_counter() - started_all
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    load.server_arguments(parser)
    args = parser.parse_args(argv)
    env = load.bench_database(args)
    params = prepare(args.username, args.password, args.requests)
    port = load.free_port()
    summaries = []
    with Server(env, port, args.workers):
        client = load.Client(port)
        client.sign_in(args.username, args.password)
        cookies, contact = client.cookies, params["contact"]
        load.run(port, cookies, "warm-up", params["leads"][:20] + [contact] * 5, 2)
        runs = [
            load.run(port, cookies, "lead_page", params["leads"], 1, b'id="record-page"'),
            complete(port, cookies, contact, args.requests // 2),
        ]
        for part in ("", "timeline/", "related/"):
            name = "contact_" + (part.rstrip("/") or "page")
            runs.append(load.run(port, cookies, name, [contact + part] * (args.requests // 2), 1))
        for result in runs:
            summary = result.with_load(TARGETS_MS.get(result.name))
            summaries.append(summary)
            print(load.line(summary, width=6), flush=True)
    remove_contact()
    record = {"when": datetime.now().isoformat(), "results": summaries}
    path = load.write_results("record-page", record, indent=None)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
