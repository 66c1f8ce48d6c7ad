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
import re
import socket
import sys
import time
import urllib.parse
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SOURCE, COPY = "kontor_bench", "kontor_bench_conversion"
LEADS, CONTACTS, TIMELINE_EVENTS = 1_000_000, 500_000, 200
TARGET_P95_MS = 50
USERNAME, PASSWORD = "bench", "bench-password-1"


# --- the database -------------------------------------------------------------------------------


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


# --- through HTTP -------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """What a browser submits from the page's form that has `marker` among its fields."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.forms, self.select, self.textarea = marker, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1].append(
                    (a["name"], a.get("value") or ("on" if kind in ("checkbox", "radio") else ""))
                )
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None, None]  # name, first option, selected option
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            self.select[2] = value if "selected" in a else self.select[2]
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            name, first, chosen = self.select
            self.forms[-1].append((name, chosen if chosen is not None else first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.forms[-1].append(tuple(self.textarea))
            self.textarea = None

    def fields(self) -> dict:
        for form in self.forms:
            if any(name == self.marker for name, _v in form):
                return dict(form)
        raise RuntimeError(f"no form with {self.marker} on the page")


def conversion_post(page: bytes) -> dict:
    """The page's form as proposed, with every part ticked and the task named."""
    parser = FormFields("contact-last_name")
    parser.feed(page.decode())
    data = parser.fields()
    data.update(
        {
            "contact-choice": "new",
            "account-choice": "new",
            "opportunity-create": "on",
            "call-create": "on",
            "meeting-create": "on",
            "task-create": "on",
            "task-name": "Feature-Recherche",
            "activities": "move",
        }
    )
    if not data.get("opportunity-name"):
        data["opportunity-name"] = "Interesse Produkt A"
    if not data.get("opportunity-amount"):
        data["opportunity-amount"] = "5000"
    return data


def run_http(args, env: dict, leads: list, contacts: list) -> list[dict]:
    from bench.run import Server

    summaries = []
    with Server(env, args.port, args.workers):
        signed_in = load.Client(args.port)
        signed_in.sign_in(USERNAME, PASSWORD)
        pending = iter(leads)
        for concurrency in [None, *args.concurrency]:  # None: the warm-up
            count = args.warmup if concurrency is None else args.requests
            batch = [next(pending) for _ in range(count)]
            form, post = convert_over_http(args.port, signed_in.cookies, batch, concurrency or 2)
            detail = load.run(
                args.port,
                signed_in.cookies,
                "timeline_page",
                [f"/contacts/{contacts[i % len(contacts)].pk}/" for i in range(count)],
                concurrency or 2,
            )
            if concurrency is not None:
                summaries += [record(r) for r in (form, post, detail)]
    return summaries


def convert_over_http(port: int, cookies: dict, leads: list, concurrency: int):
    import threading

    form, post = load.Result("convert_form", concurrency), load.Result("convert", concurrency)
    lock, queue = threading.Lock(), list(leads)

    def worker():
        client = load.Client(port, cookies)
        while True:
            with lock:
                if not queue:
                    return
                lead = queue.pop()
            url = f"/leads/{lead.pk}/convert/"
            started = time.perf_counter()
            status, page = client.get(url)
            middle = time.perf_counter()
            if status != 200:
                with lock:
                    form.errors.append(f"GET {url}: HTTP {status}")
                continue
            body = urllib.parse.urlencode(conversion_post(page))  # not timed: the "user"
            sent = time.perf_counter()
            status, headers, reply = client.request(
                "POST",
                url,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://{load.HOST}:{port}{url}",
                },
            )
            done = time.perf_counter()
            with lock:
                form.latencies.append((middle - started) * 1000)
                if status == 302 and headers.get("Location", "").startswith("/contacts/"):
                    post.latencies.append((done - sent) * 1000)
                else:
                    errors = re.findall(rb"invalid-feedback[^>]*>([^<]+)<", reply)[:3]
                    post.errors.append(f"POST {url}: HTTP {status} {errors}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    form.seconds = post.seconds = time.perf_counter() - started
    return form, post


# --- in process ---------------------------------------------------------------------------------


def run_in_process(args, user, leads: list, contacts: list) -> list[dict]:
    from django.utils import timezone

    from kontor.conversion.actions import convert_lead
    from kontor.conversion.duplicates import similar_accounts, similar_contacts
    from kontor.core.records.detail import TIMELINE_ROWS  # what the contact page shows
    from kontor.core.records.timeline import timeline

    start = timezone.now().replace(second=0, microsecond=0)
    pending, summaries = iter(leads), []
    for phase in ("warmup", "measure"):
        count = args.warmup if phase == "warmup" else args.requests
        convert, journey = load.Result("convert_action", 1), load.Result("timeline_call", 1)
        suggest = load.Result("suggestions", 1)  # the part of convert_action
        for i in range(count):
            lead = next(pending)
            started = time.perf_counter()
            similar_contacts(lead, user), similar_accounts(lead, user)
            suggest.latencies.append((time.perf_counter() - started) * 1000)
            convert_lead(
                lead,
                actor=user,
                new_account={},
                opportunity={
                    "name": "Interesse Produkt A",
                    "amount": lead.opportunity_amount or Decimal("5000"),
                },
                call={"name": "Erstgespräch", "date_start": start, "duration_minutes": 15},
                meeting={"name": "Demo", "date_start": start, "duration_minutes": 60},
                task={"name": "Feature-Recherche", "date_due": start},
            )
            convert.latencies.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            timeline(contacts[i % len(contacts)], user, TIMELINE_ROWS)
            journey.latencies.append((time.perf_counter() - started) * 1000)
        if phase == "measure":
            summaries += [record(suggest), record(convert), record(journey)]
    return summaries


# --- report -------------------------------------------------------------------------------------


def record(result: load.Result) -> dict:
    summary = result.summary()
    summary["loadavg"] = round(os.getloadavg()[0], 2)
    print(
        f"c={result.concurrency} {result.name:15} p50 {summary['p50']:7.1f}  p95 "
        f"{summary['p95']:7.1f}  p99 {summary['p99']:7.1f} ms  errors {summary['errors']} "
        f"{summary['first_errors'][:1]}",
        flush=True,
    )
    return summary


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
