"""The funnel's monthly rollup (`FunnelMonth`): kept with the journeys, rebuilt with them.

For the funnel page of users who may count every journey: a year is about 70 rows per month
at a million leads instead of 200,000 journeys. One row per cohort month (in the deployment's
time zone, `settings.TIME_ZONE`), lead source, campaign and owner: how many live journeys,
how many reached each stage, and per timed stage a histogram of its times.

The histogram's buckets (`bucket`): one per hour under two days (0–47), one per day under a
year (48–410: days 2–364), one per 30 days above (411–530, the last one open-ended). A time
counts at its bucket's start (`lower`), so a median or 90th percentile read from the
histograms is at most one hour (under two days) or one day (under a year) below the exact
`percentile_cont`; a negative time (a stage stamped before the one before it) counts as 0.

Written in the same transaction as the journeys it follows: `recompute` after the listener's
change (the groups the changed journeys were in before and after it, under a lock per group
on PostgreSQL), `rebuild` after `kontor rebuild_funnel` (one INSERT … SELECT … GROUP BY on
PostgreSQL; on SQLite the rows are summed in Python).
"""

import math
import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q

from kontor.funnel.models import PREVIOUS, STAGES, TIMED, FunnelMonth, Journey, since

HOUR, DAY = 3600, 86400
YEAR, LONG = 365 * DAY, 30 * DAY
#: The first bucket of days, of 30-day spans, and the last bucket.
DAYS, MONTHS, LAST = 48, 411, 530
COUNTS = ["journeys", *[f"{s}_reached" for s in STAGES], "converted"]
SPANS = [f"{s}_spans" for s in TIMED]
NO_OWNER = -1


def bucket(seconds: float) -> int:
    """The histogram bucket of a time of `seconds`."""
    s = max(0, math.floor(seconds))
    if s < 2 * DAY:
        return s // HOUR
    if s < YEAR:
        return DAYS - 2 + s // DAY
    return min(MONTHS + (s - YEAR) // LONG, LAST)


def lower(index: int) -> int:
    """The seconds at which bucket `index` starts (the value its times count as)."""
    if index < DAYS:
        return index * HOUR
    if index < MONTHS:
        return (index - DAYS + 2) * DAY
    return YEAR + (index - MONTHS) * LONG


def site_zone():
    """The time zone of the rollup's months."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_of(moment: datetime) -> date:
    return moment.astimezone(site_zone()).date().replace(day=1)


def _since_sql(stage: str, alias: str) -> str:
    *candidates, last = PREVIOUS[stage]
    mine = f"{alias}{stage}_at"
    cases = " ".join(f"WHEN {alias}{c}_at <= {mine} THEN {alias}{c}_at" for c in candidates)
    return f"CASE {cases} ELSE {alias}{last}_at END" if cases else f"{alias}{last}_at"


def seconds_sql(stage: str, alias: str = "") -> str:
    """SQL for a journey's time at `stage` in whole seconds (null when it has none)."""
    start, mine = _since_sql(stage, alias), f"{alias}{stage}_at"
    if connection.vendor == "postgresql":
        return f"FLOOR(date_part('epoch', {mine} - ({start})))"
    return f"(CAST(strftime('%%s', {mine}) AS INTEGER) - CAST(strftime('%%s', {start}) AS INTEGER))"


def bucket_of(s: str) -> str:
    """SQL for the bucket (`bucket`) of the seconds in the SQL expression `s`."""
    if connection.vendor == "postgresql":
        least = "LEAST"

        def div(a, b):
            return f"FLOOR(({a}) / {b})"

    else:
        least = "MIN"

        def div(a, b):  # integers: SQLite divides them whole
            return f"(({a}) / {b})"

    return (
        f"CASE WHEN {s} IS NULL THEN NULL WHEN {s} < 0 THEN 0 "
        f"WHEN {s} < {2 * DAY} THEN CAST({div(s, HOUR)} AS INTEGER) "
        f"WHEN {s} < {YEAR} THEN CAST({DAYS - 2} + {div(s, DAY)} AS INTEGER) "
        f"ELSE CAST({least}({MONTHS} + {div(f'{s} - {YEAR}', LONG)}, {LAST}) AS INTEGER) END"
    )


def bucket_sql(stage: str, alias: str = "") -> str:
    """SQL for the bucket of a journey's time at `stage` (null when it has none): `bucket`."""
    return bucket_of(seconds_sql(stage, alias))


def summarize(rows) -> dict:
    """Rollup rows from journeys' (cohort_at, lead_source, campaign_name, owner_id, *stamps in
    STAGES order): {(month, source, campaign, owner): {column: value}}."""
    groups: dict = {}
    for cohort_at, source, campaign, owner, *stamps in rows:
        key = (month_of(cohort_at), source, campaign, owner)
        row = groups.get(key)
        if row is None:
            row = groups[key] = dict.fromkeys(COUNTS, 0) | {c: {} for c in SPANS}
        at = dict(zip(STAGES, stamps, strict=True))
        row["journeys"] += 1
        for index, stage in enumerate(STAGES):
            later = stamps[index : index + 1] if stage == "target" else stamps[index:]
            if any(s is not None for s in later):
                row[f"{stage}_reached"] += 1
        if at["target"] is not None and any(s is not None for s in stamps[1:]):
            row["converted"] += 1
        for stage in TIMED:
            start = since(at, stage)
            if at[stage] is not None and start is not None:
                key_ = str(bucket((at[stage] - start).total_seconds()))
                spans = row[f"{stage}_spans"]
                spans[key_] = spans.get(key_, 0) + 1
    return groups


def _write(groups: dict) -> None:
    FunnelMonth.objects.bulk_create(
        [
            FunnelMonth(month=m, lead_source=s, campaign_name=c, owner_id=o, **values)
            for (m, s, c, o), values in groups.items()
        ],
        batch_size=500,
    )


def _journey_rows(journeys):
    return journeys.filter(trashed=False).values_list(
        "cohort_at", "lead_source", "campaign_name", "owner_id", *[f"{s}_at" for s in STAGES]
    )


def _grouped_sql(groups: bool) -> str:
    """PostgreSQL: one INSERT … SELECT … GROUP BY of the rollup rows of every live journey,
    or (`groups`) of those in the groups of the array parameters g_month, g_source,
    g_campaign, g_owner."""
    table, journey = FunnelMonth._meta.db_table, Journey._meta.db_table
    keys = "month, lead_source, campaign_name, owner_id"
    reached = []
    for index, stage in enumerate(STAGES):
        later = [stage] if stage == "target" else STAGES[index:]
        reached.append(
            "COUNT(*) FILTER (WHERE "
            + " OR ".join(f"j.{s}_at IS NOT NULL" for s in later)
            + f") AS {stage}_reached"
        )
    converted = (
        "COUNT(*) FILTER (WHERE j.target_at IS NOT NULL AND ("
        + " OR ".join(f"j.{s}_at IS NOT NULL" for s in STAGES[1:])
        + ")) AS converted"
    )
    month = "CAST(date_trunc('month', j.cohort_at AT TIME ZONE %(tz)s) AS date)"
    source = f"FROM {journey} j"
    if groups:
        source += (
            " JOIN unnest(%(g_month)s::date[], %(g_source)s::text[], %(g_campaign)s::text[], "
            "%(g_owner)s::bigint[]) AS g(month, source, campaign, owner) "
            "ON j.lead_source = g.source AND j.campaign_name = g.campaign "
            f"AND COALESCE(j.owner_id, {NO_OWNER}) = g.owner "
            "AND j.cohort_at >= (g.month::timestamp AT TIME ZONE %(tz)s) "
            "AND j.cohort_at < ((g.month + interval '1 month')::timestamp AT TIME ZONE %(tz)s)"
        )
    buckets = ", ".join(f"{bucket_sql(s, 'j.')} AS b_{s}" for s in TIMED)
    spans = " UNION ALL ".join(
        f"SELECT {keys}, '{s}' AS stage, b_{s} AS b, COUNT(*) AS n FROM j "
        f"WHERE b_{s} IS NOT NULL GROUP BY {keys}, b_{s}"
        for s in TIMED
    )
    pivot = ", ".join(
        f"jsonb_object_agg(b, n) FILTER (WHERE stage = '{s}') AS {s}_spans" for s in TIMED
    )
    joined = " AND ".join(
        [f"h.{k} = g2.{k}" for k in ("month", "lead_source", "campaign_name")]
        + [f"COALESCE(h.owner_id, {NO_OWNER}) = COALESCE(g2.owner_id, {NO_OWNER})"]
    )
    return (
        f"WITH j AS (SELECT {month} AS month, j.lead_source, j.campaign_name, j.owner_id, "
        f"j.target_at, j.lead_at, j.mql_at, j.sql_at, j.opportunity_at, j.won_at, {buckets} "
        f"{source} WHERE NOT j.trashed), "
        f"g2 AS (SELECT {keys}, COUNT(*) AS journeys, {', '.join(reached)}, {converted} "
        f"FROM j GROUP BY {keys}), "
        f"h AS (SELECT {keys}, {pivot} FROM ({spans}) x GROUP BY {keys}) "
        f"INSERT INTO {table} ({keys}, {', '.join(COUNTS)}, {', '.join(SPANS)}) "
        f"SELECT g2.month, g2.lead_source, g2.campaign_name, g2.owner_id, "
        + ", ".join(f"g2.{c}" for c in COUNTS)
        + ", "
        + ", ".join(f"COALESCE(h.{c}, '{{}}'::jsonb)" for c in SPANS)
        + f" FROM g2 LEFT JOIN h ON {joined}"
    )


def rebuild() -> int:
    """Derive every rollup row again from the journeys (inside the journeys' rebuild
    transaction); returns how many there are."""
    table = FunnelMonth._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(_grouped_sql(False), {"tz": settings.TIME_ZONE})
            return cursor.rowcount
        cursor.execute(f"DELETE FROM {table}")
    groups = summarize(_journey_rows(Journey.objects.all()).iterator(chunk_size=5000))
    _write(groups)
    return len(groups)


def groups_of(starts) -> set:
    """The rollup groups (month, source, campaign, owner) of the journeys in `starts` now."""
    rows = Journey.objects.filter(pk__in=starts).values_list(
        "cohort_at", "lead_source", "campaign_name", "owner_id"
    )
    return {(month_of(at), source, campaign, owner) for at, source, campaign, owner in rows}


def recompute(groups: set) -> None:
    """Derive the rollup rows of `groups` again from their journeys (one delete, one grouped
    insert), in the caller's transaction, after its change of the journeys."""
    if not groups:
        return
    ordered = sorted(groups, key=lambda g: (g[0], g[1], g[2], g[3] or NO_OWNER))
    if connection.vendor == "postgresql":
        values = {
            "tz": settings.TIME_ZONE,
            "g_month": [g[0] for g in ordered],
            "g_source": [g[1] for g in ordered],
            "g_campaign": [g[2] for g in ordered],
            "g_owner": [NO_OWNER if g[3] is None else g[3] for g in ordered],
            "g_keys": [f"funnel:{g[0]}:{g[1]}:{g[2]}:{g[3]}" for g in ordered],
        }
        table = FunnelMonth._meta.db_table
        with connection.cursor() as cursor:
            # Two refreshes of one group wait for each other, in the same order (no deadlock):
            # the later one counts after the earlier one's commit, so neither's change is lost.
            cursor.execute(
                "SELECT COUNT(pg_advisory_xact_lock(hashtext(k))) FROM "
                "(SELECT k FROM unnest(%(g_keys)s::text[]) k ORDER BY k) s",
                values,
            )
            cursor.execute(
                f"DELETE FROM {table} r USING unnest(%(g_month)s::date[], %(g_source)s::text[], "
                "%(g_campaign)s::text[], %(g_owner)s::bigint[]) AS g(month, source, campaign, "
                "owner) WHERE r.month = g.month AND r.lead_source = g.source "
                f"AND r.campaign_name = g.campaign AND COALESCE(r.owner_id, {NO_OWNER}) = g.owner",
                values,
            )
            cursor.execute(_grouped_sql(True), values)
        return
    zone = site_zone()
    rows, months = Q(), Q()
    for month, source, campaign, owner in ordered:
        first = datetime(month.year, month.month, 1, tzinfo=zone)
        after = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=zone)
        same = Q(lead_source=source, campaign_name=campaign)
        same &= Q(owner__isnull=True) if owner is None else Q(owner_id=owner)
        rows |= same & Q(cohort_at__gte=first, cohort_at__lt=after)
        months |= same & Q(month=month)
    FunnelMonth.objects.filter(months).delete()
    found = summarize(_journey_rows(Journey.objects.filter(rows)))
    _write({key: value for key, value in found.items() if key in groups})
