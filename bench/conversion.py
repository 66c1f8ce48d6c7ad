"""`python -m bench.conversion`: converting a lead, and a contact's journey timeline, at a
million leads and 500,000 contacts on PostgreSQL.

For developers checking the conversion's cost. Each timed conversion is the whole of what a
user does: open the conversion page of a lead (the duplicate suggestions are computed), then
submit it as the form proposes it, plus the three activities: a new contact, a new account, an
opportunity, a logged call, a scheduled meeting and a task, in one POST /leads/<id>/convert/
(which computes the suggestions again, then converts). Both requests are timed; the target is
the POST's p95 ≤ 50 ms. `--in-process` times the same work without HTTP: similar_contacts,
similar_accounts and convert_lead. The second operation is the detail page of contacts whose
timeline holds 200 events (target p95 ≤ 50 ms).

    python -m bench.conversion                   # through gunicorn, as bench.run serves Kontor
    python -m bench.conversion --in-process      # the action alone
    python -m bench.conversion --requests 500 --concurrency 1,4

Data: conversions write, so they run on a copy of bench.run's database, `kontor_bench_conversion`,
made once with CREATE DATABASE … TEMPLATE kontor_bench (seconds; kontor_bench itself is never
written to) and topped up with `kontor generate --seed 43` to 500,000 contacts. Without
kontor_bench it generates the standard 1M-lead data first (minutes). Each run converts leads
not converted before; `--fresh` drops the copy and clones again. Results go to
bench/results/conversion-<time>.json.
"""

import argparse
import json
import os
import platform
import socket
import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

from bench import load
from bench.conversion_runs import PASSWORD, USERNAME, run_http, run_in_process

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SOURCE, COPY = "kontor_bench", "kontor_bench_conversion"
LEADS, CONTACTS, TIMELINE_EVENTS = 1_000_000, 500_000, 200
TARGET_P95_MS = 50


# --- the database ----------------------------------------------------------------------------


def ensure_database(pg_url: str, fresh: bool) -> str:
    """Make the copy when it is missing (or --fresh); returns what was done."""
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:

        def exists(name):
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()

        if fresh:
            conn.execute(f"DROP DATABASE IF EXISTS {COPY}")
        if exists(COPY):
            return "reused"
        if not exists(SOURCE):
            conn.execute(f"CREATE DATABASE {COPY}")
            return "created empty"
        for _attempt in range(60):  # TEMPLATE needs kontor_bench without sessions
            try:
                conn.execute(f"CREATE DATABASE {COPY} TEMPLATE {SOURCE}")
                return f"cloned from {SOURCE}"
            except psycopg.errors.ObjectInUse:
                time.sleep(5)
    sys.exit(f"{SOURCE} stayed in use for 5 minutes; run again when bench.run is done.")


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "0")  # as the server runs: no query log in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)  # DEBUG off needs one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()


def fill() -> dict:
    """Migrate; 1M leads (bench.run's data) and 500k contacts; match keys; the login."""
    from django.core.management import call_command

    from bench import prepare
    from kontor.accounts.models import Account
    from kontor.contacts.models import Contact
    from kontor.core.matching import company_key, domain_of
    from kontor.leads.models import Lead

    call_command("migrate", verbosity=0)
    done = {}
    if not Lead.with_deleted.exists():
        done["generated"] = prepare.fill(prepare.volumes(LEADS), 42)["generated"]
    missing = CONTACTS - Contact.with_deleted.count()
    if missing > 0:  # another seed: other people (without an account), the same generator
        call_command("generate", contacts=missing, seed=43, stdout=sys.stderr)
        done["contacts_added"] = missing
    # `kontor generate` writes no match keys; the accounts migration fills them, but only
    # for rows that exist when it runs.
    empty = Account.with_deleted.filter(name_key="")
    for account in empty.iterator(chunk_size=5000):
        Account.with_deleted.filter(pk=account.pk).update(
            name_key=company_key(account.name),
            domain=domain_of(account.website) or domain_of(account.email1),
        )
        done["keys_filled"] = done.get("keys_filled", 0) + 1
    if done:
        prepare.tidy()
    prepare.sign_in_user(USERNAME, PASSWORD)
    return done


def volumes() -> dict:
    from kontor.core import registry

    return {
        slug: registry.get(slug).model.with_deleted.count()
        for slug in ("leads", "contacts", "accounts", "opportunities")
    }


def fresh_leads(n: int, seed: str) -> list:
    """`n` leads never converted, from seeded random places of the id space."""
    import random
    import uuid

    from kontor.leads.models import Lead

    rng, found = random.Random(seed), {}
    while len(found) < n:
        start = uuid.UUID(int=rng.getrandbits(128))
        lead = Lead.objects.filter(pk__gte=start, converted=False).order_by("pk").first()
        if lead is not None:
            found[lead.pk] = lead
    return list(found.values())


def timeline_contacts(n: int, user) -> list:
    """Contacts converted from a lead, each with a timeline of 200 events (made once)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from kontor.activities.models import Call, Note, Task
    from kontor.contacts.models import Contact
    from kontor.conversion.actions import convert_lead
    from kontor.core.actions import save_record
    from kontor.core.records.timeline import timeline

    made = list(Contact.objects.filter(last_name__startswith="Zeitleiste").order_by("last_name"))
    for i, lead in enumerate(fresh_leads(n - len(made), "bench:timeline"), len(made)):
        lead.last_name = f"Zeitleiste{i:02d}"
        save_record(lead, actor=user)
        contact = convert_lead(lead, actor=user, new_account={}).contact
        parent = {
            "parent_type": ContentType.objects.get_for_model(Contact),
            "parent_id": contact.pk,
        }
        for k in range(1, 2 * TIMELINE_EVENTS):
            if len(timeline(contact, user, TIMELINE_EVENTS)) >= TIMELINE_EVENTS:
                break
            kind = (Call, Task, Note)[k % 3]
            extra = {"date_start": timezone.now(), "status": "Held"} if kind is Call else {}
            save_record(kind(name=f"Schritt {k}", **parent, **extra), actor=user)
            if k % 4 == 0:
                contact.title = f"Stufe {k}"
                save_record(contact, actor=user)
        made.append(contact)
    return made[:n]


# --- the run ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="Conversions per level.")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1])
    parser.add_argument("--in-process", action="store_true", help="No HTTP: the action alone.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--timeline-contacts", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="Clone kontor_bench again.")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args(argv)
    pg_url = args.pg_url.rstrip("/")
    if urllib.parse.urlparse(pg_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the benchmark only talks to this machine (127.0.0.1)")
    if not args.port:
        with socket.socket() as sock:
            sock.bind((load.HOST, 0))
            args.port = sock.getsockname()[1]
    database = ensure_database(pg_url, args.fresh)
    env = {k: v for k, v in os.environ.items() if k != "SQLITE_PATH"}
    env["DATABASE_URL"] = f"{pg_url}/{COPY}"
    setup_django(env["DATABASE_URL"])
    from django.contrib.auth import get_user_model
    from django.db import connections

    prepared = fill()
    user = get_user_model().objects.get(username=USERNAME)
    contacts = timeline_contacts(args.timeline_contacts, user)
    needed = args.warmup + args.requests * (1 if args.in_process else len(args.concurrency))
    leads = fresh_leads(needed, f"bench:convert:{time.time()}")
    data = volumes()
    print(f"{COPY}: {database}; {data}", flush=True)
    if args.in_process:
        results = run_in_process(args, user, leads, contacts)
    else:
        connections.close_all()
        results = run_http(args, env, leads, contacts)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"conversion-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {
                "when": datetime.now().isoformat(timespec="seconds"),
                "database": database,
                "prepared": prepared,
                "data": data,
                "mode": "in-process" if args.in_process else "http",
                "machine": {
                    "nproc": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "settings": {
                    "workers": args.workers,
                    "requests": args.requests,
                    "warmup": args.warmup,
                    "concurrency": args.concurrency,
                },
                "target_p95_ms": TARGET_P95_MS,
                "results": results,
            },
            indent=2,
        )
    )
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
