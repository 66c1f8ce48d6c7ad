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
from kontor.funnel import journeys, results, rollup
from kontor.funnel.models import FunnelMonth, Journey
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

#: The columns of each record type that the journeys' SQL (journeys.py) reads: an update that
#: changed none of them (a phone number, a description) leaves its journey as it was, and the
#: listener skips it instead of costing every save a statement.
READ_COLUMNS = {
    Target: {"assigned_user_id", "created_by_id", "campaign_name", "lead_source", "lead_id"},
    Lead: {
        "assigned_user_id",
        "created_by_id",
        "campaign_name",
        "lead_source",
        "lifecycle_stage",
        "stage_entered_at",
        "target_id",
        "opportunity_id",
    },
    Opportunity: {"sales_stage", "stage_entered"},
}


def _leaves_journey(event) -> bool:
    """Whether `event` is an update known to have changed no column a journey reads."""
    return (
        event.kind == record_events.UPDATED
        and bool(event.fields)
        and not event.related
        and not READ_COLUMNS[type(event.record)].intersection(event.fields)
    )


def _start_of(record):
    """The start id of a saved record's journey when its row tells (a target: itself; a lead:
    its target, else itself), else None: an opportunity's journey is looked up."""
    if isinstance(record, Target):
        return record.pk
    if isinstance(record, Lead):
        return record.target_id or record.pk
    return None


def refresh(*, starts=(), lookups: dict | None = None, orphans: bool = False) -> None:
    """Bring journeys up to date after a commit, in one transaction: those starting at
    `starts`, and those of the records in `lookups` ({model: ids}, found by one query per
    model). `orphans`: also delete the journeys whose start record is gone (records deleted for
    good, as an import's undo does). When any changed, the rollup rows of the groups they were
    in before and are in after (`rollup.recompute`). A fixed number of statements however many
    ids."""
    starts = set(starts)
    with transaction.atomic():
        for model, ids in (lookups or {}).items():
            starts |= STARTS[model]([pk for pk in ids if pk is not None])
        if not starts:
            return
        values = journeys.params()
        found, parts = journeys.subset(starts)
        values.update(found)
        before = rollup.groups_of(starts)
        with connection.cursor() as cursor:
            cursor.execute(journeys.upsert_sql(parts), values)
            written = cursor.rowcount
            if orphans:
                cursor.execute(journeys.orphans_sql(), {"starts": values["starts"]})
                written += cursor.rowcount
        if written:
            # The months the changed journeys left and the ones they are in now.
            rollup.recompute(before | rollup.groups_of(starts))
            transaction.on_commit(results.changed)


def on_events(events: list) -> None:
    """The listener (runs after the commit): refresh the journeys of the events' targets, leads
    and opportunities (a conversion's results included) in one refresh. A saved lead or target
    names its journey itself; the records of a bulk event and opportunities are looked up."""
    starts: set = set()
    lookups: dict = {}
    bulk = False
    for event in events:
        if isinstance(event, record_events.BulkEvent):
            if event.model in STARTS:
                lookups.setdefault(event.model, []).extend(event.ids)
                bulk = True
            continue
        if type(event.record) in STARTS and _leaves_journey(event):
            continue
        for record in (event.record, *event.related.values()):
            if type(record) not in STARTS:
                continue
            start = _start_of(record)
            if start is not None:
                starts.add(start)
            else:
                lookups.setdefault(type(record), []).append(record.pk)
    if starts or lookups:
        refresh(starts=starts, lookups=lookups, orphans=bulk)


@transaction.atomic
def rebuild() -> int:
    """Derive every journey again from the records, their links and the change log, then the
    monthly rollup from them; returns how many journeys there are. One transaction: a rebuild
    that fails leaves both tables as they were."""
    table = Journey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(journeys.insert_all_sql(), journeys.params())
        count = cursor.rowcount
    rollup.rebuild()
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
            cursor.execute(f"VACUUM ANALYZE {FunnelMonth._meta.db_table}")
    seconds = time.monotonic() - started
    log.info("funnel rebuilt", extra={"journeys": count, "seconds": round(seconds, 1)})
    return count, seconds
