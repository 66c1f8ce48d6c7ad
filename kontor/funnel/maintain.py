"""Keeping the journeys current: after each commit (the listener) and all at once (rebuild).

For whoever runs Kontor: the events of targets, leads and opportunities (created, changed,
trashed, restored, converted; one `BulkEvent` per import chunk) refresh the journeys they touch
in a few set-based statements per event, each refresh its own small transaction after the
change's commit. Records written without events (`kontor generate`, the SuiteCRM migration)
need `kontor rebuild_funnel`, which derives the whole table from the records in one
INSERT … SELECT (docs/funnel.md).
"""

import logging
import time

from django.db import connection, transaction

from kontor.core import events as record_events
from kontor.funnel import journeys, results
from kontor.funnel.models import Journey
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target

log = logging.getLogger(__name__)


def _starts_of_leads(ids) -> set:
    """The start ids of the journeys of these leads: the lead's target, else the lead, and any
    journey that names the lead (a lead deleted for good)."""
    lead, table = Lead._meta.db_table, Journey._meta.db_table
    ids_set = journeys.id_set("ids")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(target_id, id) FROM {lead} WHERE id IN {ids_set} "
            f"UNION SELECT id FROM {table} WHERE lead_id IN {ids_set}",
            {"ids": journeys.id_param(ids)},
        )
        return {row[0] for row in cursor.fetchall()} | set(ids)


def _starts_of_opportunities(ids) -> set:
    """The start ids of the journeys that reached these opportunities."""
    lead, table = Lead._meta.db_table, Journey._meta.db_table
    ids_set = journeys.id_set("ids")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(target_id, id) FROM {lead} WHERE opportunity_id IN {ids_set} "
            f"UNION SELECT id FROM {table} WHERE opportunity_id IN {ids_set}",
            {"ids": journeys.id_param(ids)},
        )
        return {row[0] for row in cursor.fetchall()}


STARTS = {
    Target: lambda ids: set(ids),
    Lead: _starts_of_leads,
    Opportunity: _starts_of_opportunities,
}


def refresh(model, ids) -> None:
    """Bring the journeys of these records of `model` (targets, leads or opportunities) up to
    date: a fixed number of statements however many ids, in one transaction."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return
    with transaction.atomic():
        starts = STARTS[model](ids)
        if not starts:
            return
        values = journeys.params(starts)
        with connection.cursor() as cursor:
            cursor.execute(journeys.upsert_sql(), values)
            written = cursor.rowcount
            cursor.execute(journeys.orphans_sql(), {"starts": values["starts"]})
            written += cursor.rowcount
        if written:
            transaction.on_commit(results.changed)


def on_events(events: list) -> None:
    """The listener (runs after the commit): refresh the journeys of the events' targets, leads
    and opportunities, one refresh per record type and event list."""
    touched: dict = {}
    for event in events:
        bulk = isinstance(event, record_events.BulkEvent)
        model = event.model if bulk else type(event.record)
        if model not in STARTS:
            continue
        ids = touched.setdefault(model, [])
        ids.extend(event.ids if bulk else [event.record.pk])
        if not bulk:
            # A conversion's results: the lead of a target, the opportunity of a lead.
            for related in event.related.values():
                if type(related) in STARTS:
                    touched.setdefault(type(related), []).append(related.pk)
    for model, ids in touched.items():
        refresh(model, ids)


@transaction.atomic
def rebuild() -> int:
    """Derive every journey again from the records, their links and the change log; returns
    how many there are. One transaction: a rebuild that fails leaves the table as it was."""
    table = Journey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(journeys.insert_all_sql(), journeys.params())
        count = cursor.rowcount
    transaction.on_commit(results.changed)
    return count


def rebuild_timed() -> tuple[int, float]:
    """`rebuild`, with the seconds it took (the command's and the task's report)."""
    started = time.monotonic()
    count = rebuild()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Statistics for the planner and a visibility map for index-only scans (outside the
        # rebuild's transaction: VACUUM cannot run in one).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Journey._meta.db_table}")
    seconds = time.monotonic() - started
    log.info("funnel rebuilt", extra={"journeys": count, "seconds": round(seconds, 1)})
    return count, seconds
