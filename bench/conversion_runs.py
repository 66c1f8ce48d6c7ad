"""The timed runs of bench/conversion.py, on leads and contacts it has prepared: through HTTP
(the conversion page, then its form submitted as proposed, and the contacts' detail pages, at
each concurrency) or in process (the duplicate suggestions, convert_lead and the timeline,
without HTTP). Each prints and returns the summaries of its timings."""

import os
import re
import time
import urllib.parse
from decimal import Decimal
from html.parser import HTMLParser

from bench import load

USERNAME, PASSWORD = "bench", "bench-password-1"


# --- through HTTP -----------------------------------------------------------------------------


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


# --- in process ------------------------------------------------------------------------------


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


# --- report ----------------------------------------------------------------------------------


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
