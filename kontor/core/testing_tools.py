"""Small test helpers for any test of Kontor: factories that create through `save_record`, the
change log of a record, the POST data of a form as shown, the rows of a CSV response, calls
raced in threads, the queued tasks run as a worker runs them, and the pinned query counts of
pages (query_counts.json). `kontor.core.testing` offers them too, beside the standard tests
of every record module."""

import csv
import io
import json
import os
from pathlib import Path

import factory
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext, ContextList

from kontor.core.actions import save_record
from kontor.core.models import ChangeLog


class RecordFactory(factory.django.DjangoModelFactory):
    """Base of the record factories: creates through `save_record`, as the app itself does.

    Pass `actor=user` to create as that user (who also becomes the assigned user, as in the UI).
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        actor = kwargs.pop("actor", None)
        return save_record(model_class(*args, **kwargs), actor=actor)


def log_of(record, action: str | None = None) -> list[tuple[str, str, str, str]]:
    """The change-log rows of `record` as (action, field, old, new), oldest first."""
    rows = ChangeLog.objects.filter(record_id=record.pk).order_by("at", "id")
    if action:
        rows = rows.filter(action=action)
    return [(r.action, r.field, r.old_value, r.new_value) for r in rows]


def form_data(form) -> dict:
    """The POST data an unchanged submit of `form` sends: its initial values, as a browser would."""
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.FileInput):
            continue  # a browser sends no file when none was chosen
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.SelectMultiple):
            data[bound.html_name] = [str(v) for v in value or []]
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(widget, forms.Select):
            data[bound.html_name] = str(value)
        else:
            data[bound.html_name] = widget.format_value(value) or ""
    return data


def csv_rows(response) -> list[list[str]]:
    """The rows of a (streamed) CSV response, header first, without the BOM."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def race(calls: list) -> list:
    """Run each call in a thread of its own and return what each returned or raised, in order.

    For the concurrency tests (transaction=True): on PostgreSQL the threads are released
    together at a barrier; SQLite runs one writing transaction at a time, so there they run one
    after the other (the outcome must be the same). Each thread closes its own connection.
    """
    import threading

    together = connection.vendor != "sqlite"
    barrier = threading.Barrier(len(calls) if together else 1)
    outcomes: list = [None] * len(calls)

    def run(index):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
        if not together:
            thread.join(timeout=60)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing call hung"
    return outcomes


def run_queued_tasks() -> None:
    """Run every ready task as a task worker (`kontor worker`) does with each task it claims."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)


def whole_page(client, url: str):
    """The response of the record page `url` as a browser shows it once the parts it loads
    afterwards are in (kontor.core.records.fragments): the timeline's and the related lists'
    HTML appended to its content and their context added to its context."""
    response = client.get(url)
    if response.status_code != 200:
        return response
    parts = [response] + [client.get(f"{url}{part}/") for part in ("timeline", "related")]
    contexts = ContextList()
    for part in parts:
        assert part.status_code == 200, (part.status_code, url)
        found = part.context
        contexts.extend(found if isinstance(found, ContextList) else [found])
    response.content = b"".join(part.content for part in parts)
    response.context = contexts
    return response


#: The pinned number of queries of each module's pages (see `assert_query_count`).
QUERY_COUNTS_FILE = Path(__file__).parent / "tests" / "query_counts.json"
#: Set to 1 to write the measured counts into QUERY_COUNTS_FILE instead of comparing.
UPDATE_QUERY_COUNTS = os.environ.get("KONTOR_UPDATE_QUERY_COUNTS") == "1"
#: Queries of one subpanel on a detail page: its rows, with the columns' related records joined.
SUBPANEL_QUERIES = 1


def count_queries(request) -> tuple[int, object]:
    """(number of queries, response) of `request()`, a callable that makes one request."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return len(captured.captured_queries), response


def assert_query_count(slug: str, view: str, measured: int, pinned: int | None = None) -> None:
    """Compare `measured` with `pinned` when given (a module's own test pins it), else with the
    number pinned in query_counts.json for (slug, view)."""
    if pinned is not None:
        assert measured == pinned, f"{slug} {view}: {measured} queries, {pinned} pinned"
        return
    pinned = json.loads(QUERY_COUNTS_FILE.read_text()) if QUERY_COUNTS_FILE.exists() else {}
    if UPDATE_QUERY_COUNTS:
        pinned.setdefault(slug, {})[view] = measured
        QUERY_COUNTS_FILE.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n")
        return
    expected = pinned.get(slug, {}).get(view)
    assert measured == expected, (
        f"{slug} {view}: {measured} queries, {expected} pinned in {QUERY_COUNTS_FILE.name}; "
        "if the change is intended, re-pin with KONTOR_UPDATE_QUERY_COUNTS=1"
    )
