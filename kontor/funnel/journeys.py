"""The SQL that derives journeys from the records, their conversion links and the change log.

One statement builds the rows of any set of journeys, the whole table or a few: the rebuild
(`kontor rebuild_funnel`) and the listener (`maintain.py`) run the same text, so a table kept
by events equals a rebuilt one. Written in the SQL PostgreSQL and SQLite share; only the
parameter that carries a set of ids differs.

When a journey reached a stage (docs/funnel.md):

- target, lead, opportunity: when that record was created;
- MQL, SQL: the first change-log row that moved the lead into the stage; a lead created in the
  stage (its first row moved it *out* of the stage) reached it at its creation; a lead without
  any stage change reached its current stage when it entered it (`stage_entered_at`, else its
  creation: records written in bulk have no change log);
- won: the same for the opportunity's sales stage "Closed Won".
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q

from kontor.core.models import ChangeLog
from kontor.funnel.models import Journey
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target

MQL, SQL, WON = "MQL", "SQL", "Closed Won"
STAMPS = ("target_at", "lead_at", "mql_at", "sql_at", "opportunity_at", "won_at")
COLUMNS = (
    "id",
    "target_id",
    "lead_id",
    "opportunity_id",
    "cohort_at",
    "lead_source",
    "campaign_name",
    "owner_id",
    "trashed",
    *STAMPS,
)


def first(*values: str) -> str:
    """The earliest non-null of the SQL expressions `values` (PostgreSQL's LEAST skips nulls,
    SQLite's MIN of several arguments does not: one CASE for both)."""
    result = values[0]
    for value in values[1:]:
        result = (
            f"CASE WHEN {result} IS NULL THEN {value} WHEN {value} IS NULL THEN {result} "
            f"WHEN {value} < {result} THEN {value} ELSE {result} END"
        )
    return result


def null(kind: str) -> str:
    """A typed NULL (PostgreSQL types a bare NULL in a lone SELECT as text)."""
    return f"CAST(NULL AS {kind})" if connection.vendor == "postgresql" else "NULL"


def id_set(name: str) -> str:
    """SQL for the set of ids in the parameter `name` (a list on PostgreSQL, JSON on SQLite)."""
    if connection.vendor == "postgresql":
        return f"(SELECT unnest(%({name})s::uuid[]))"
    return f"(SELECT value FROM json_each(%({name})s))"


def id_param(ids) -> object:
    """The value of an `id_set` parameter for `ids` (UUIDs)."""
    ids = sorted({str(pk) for pk in ids})
    if connection.vendor == "postgresql":
        return ids
    return json.dumps([pk.replace("-", "") for pk in ids])


def _moves(field: str, stages: tuple[str, ...], records: str | None) -> str:
    """Per record: the first time it moved into and out of each of `stages` (change log)."""
    parts = []
    for stage in stages:
        key = stage.replace(" ", "_").lower()
        parts += [
            f"MIN(CASE WHEN c.new_value = '{stage}' THEN c.at END) AS {key}_in",
            f"MIN(CASE WHEN c.old_value = '{stage}' THEN c.at END) AS {key}_out",
        ]
    return (
        f"SELECT c.record_id, {', '.join(parts)} FROM {ChangeLog._meta.db_table} c "
        f"WHERE c.record_type_id = %({field}_type)s AND c.action = 'update' "
        f"AND c.field = '{field}' "
        + (f"AND c.record_id IN {records} " if records else "")
        + "GROUP BY c.record_id"
    )


def _reached(moves: str, record: str, stage: str, current: str, entered: str) -> str:
    key = stage.replace(" ", "_").lower()
    created_in = (
        f"CASE WHEN {moves}.{key}_out IS NOT NULL AND ({moves}.{key}_in IS NULL "
        f"OR {moves}.{key}_out < {moves}.{key}_in) THEN {record}.date_entered END"
    )
    unmoved = (
        f"CASE WHEN {moves}.record_id IS NULL AND {record}.id IS NOT NULL "
        f"AND {current} = '{stage}' THEN {entered} END"
    )
    return first(f"{moves}.{key}_in", created_in, unmoved)


def rows_sql(*, subset: bool, parts: tuple[str, ...] = ("target", "lead")) -> str:
    """A SELECT of the journeys' rows, columns in `COLUMNS` order; with `subset`, only the
    journeys whose start id is in the parameter "starts". `parts`: the journeys that start at
    a target, at a lead, or both (a refresh of leads alone plans half the statement)."""
    lead, target, opp = (m._meta.db_table for m in (Lead, Target, Opportunity))
    starts = id_set("starts") if subset else None
    # The change log is read for the journeys' leads and opportunities only (parameters
    # "leads" and "opportunities", see `params`): its index starts with the record type and id.
    leads = id_set("leads") if subset else None
    opps = id_set("opportunities") if subset else None
    stage_moves = _moves("lifecycle_stage", (MQL, SQL), leads)
    won_moves = _moves("sales_stage", (WON,), opps)
    mql = _reached(
        "h", "l", MQL, "l.lifecycle_stage", "COALESCE(l.stage_entered_at, l.date_entered)"
    )
    sql = _reached(
        "h", "l", SQL, "l.lifecycle_stage", "COALESCE(l.stage_entered_at, l.date_entered)"
    )
    won = _reached("w", "o", WON, "o.sales_stage", "COALESCE(o.stage_entered, o.date_entered)")
    later = (
        f"LEFT JOIN ({stage_moves}) h ON h.record_id = l.id "
        f"LEFT JOIN {opp} o ON o.id = l.opportunity_id "
        f"LEFT JOIN ({won_moves}) w ON w.record_id = o.id"
    )
    from_target = (
        "SELECT t.id, t.id, l.id, o.id, t.date_entered, "
        "CASE WHEN l.id IS NULL THEN t.lead_source ELSE l.lead_source END, "
        "CASE WHEN l.id IS NULL THEN t.campaign_name ELSE l.campaign_name END, "
        "CASE WHEN l.id IS NULL THEN COALESCE(t.assigned_user_id, t.created_by_id) "
        "ELSE COALESCE(l.assigned_user_id, l.created_by_id) END, "
        "CASE WHEN l.id IS NULL THEN t.deleted ELSE l.deleted END, "
        f"t.date_entered, l.date_entered, {mql}, {sql}, o.date_entered, {won} "
        f"FROM {target} t LEFT JOIN {lead} l ON l.id = t.lead_id {later}"
        + (f" WHERE t.id IN {starts}" if subset else "")
    )
    from_lead = (
        f"SELECT l.id, {null('uuid')}, l.id, o.id, l.date_entered, l.lead_source, "
        "l.campaign_name, COALESCE(l.assigned_user_id, l.created_by_id), l.deleted, "
        f"{null('timestamptz')}, l.date_entered, {mql}, {sql}, o.date_entered, {won} "
        f"FROM {lead} l {later} WHERE l.target_id IS NULL"
        + (f" AND l.id IN {starts}" if subset else "")
    )
    return " UNION ALL ".join(
        sql for name, sql in (("target", from_target), ("lead", from_lead)) if name in parts
    )


def params() -> dict:
    """The parameters every statement of `rows_sql` takes: the change log's record types."""
    types = ContentType.objects.get_for_models(Lead, Opportunity)
    return {"lifecycle_stage_type": types[Lead].pk, "sales_stage_type": types[Opportunity].pk}


def subset(starts) -> tuple[dict, tuple[str, ...]]:
    """The parameters of a subset of journeys (start ids, the ids of their leads and
    opportunities: one query) and the parts of `rows_sql` they need."""
    starts = set(starts)
    found = list(
        Lead.with_deleted.filter(Q(pk__in=starts) | Q(target_id__in=starts)).values_list(
            "pk", "target_id", "opportunity_id"
        )
    )
    lead_starts = {pk for pk, target, _opp in found if target is None and pk in starts}
    parts = ("lead",) if lead_starts == starts else ("target", "lead")
    values = {
        "starts": id_param(starts),
        "leads": id_param(pk for pk, _target, _opp in found),
        "opportunities": id_param(opp for _pk, _target, opp in found if opp is not None),
    }
    return values, parts


def upsert_sql(parts: tuple[str, ...] = ("target", "lead")) -> str:
    """Write the rows of the journeys in "starts": new ones are inserted; a stored one takes
    the current links, source, owner and trash flag, and keeps each stage's earlier time (a
    stage once reached stays reached)."""
    table = Journey._meta.db_table
    columns = ", ".join(COLUMNS)
    kept = [f"{c} = excluded.{c}" for c in COLUMNS[1:] if c not in STAMPS]
    earliest = [f"{c} = {first(f'{table}.{c}', f'excluded.{c}')}" for c in STAMPS]
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # Only rows that change are written (and counted): a lead's new phone number leaves its
    # journey and the cached figures alone.
    changes = [f"{table}.{c} {differs} excluded.{c}" for c in COLUMNS[1:] if c not in STAMPS]
    changes += [
        f"(excluded.{c} IS NOT NULL AND ({table}.{c} IS NULL OR excluded.{c} < {table}.{c}))"
        for c in STAMPS
    ]
    # "WHERE true": SQLite reads an ON after a SELECT's last join as the join's condition.
    return (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT * FROM ({rows_sql(subset=True, parts=parts)}) src "
        f"WHERE true ON CONFLICT (id) DO UPDATE SET {', '.join(kept + earliest)} "
        f"WHERE {' OR '.join(changes)}"
    )


def orphans_sql() -> str:
    """Delete the journeys in "starts" whose start record is gone (deleted for good) or is no
    longer a start (a lead that came from a target belongs to the target's journey)."""
    table, lead, target = (m._meta.db_table for m in (Journey, Lead, Target))
    return (
        f"DELETE FROM {table} WHERE id IN {id_set('starts')} "
        f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.id = {table}.id) "
        f"AND NOT EXISTS (SELECT 1 FROM {lead} l WHERE l.id = {table}.id "
        "AND l.target_id IS NULL)"
    )


def insert_all_sql() -> str:
    """Insert the rows of every journey (into an emptied table)."""
    table = Journey._meta.db_table
    return f"INSERT INTO {table} ({', '.join(COLUMNS)}) {rows_sql(subset=False)}"
