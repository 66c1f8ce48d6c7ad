"""The funnel's counts and time histograms of a cohort, read from the monthly rollup.

For the funnel page, its API and the dashboard's funnel widget, when the user may count every
journey (`figures.funnel` decides): the cohort's months come from `FunnelMonth` rows, the rest
from the journeys themselves, merged. The rest is the partial first and last month of a range
of days (the days in the range, or the rollup's month less the days outside it, whichever is
fewer) and, for a user whose time zone is not the deployment's, the hours by which their
months' edges differ from the rollup's (added to one month, taken from its neighbour).
At most three queries: the rollup's counts per month, its merged histograms, and the
journeys' counts and histograms per piece of the rest.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db import connection
from django.db.models import Case, IntegerField, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kontor.funnel import rollup
from kontor.funnel.models import STAGES, TIMED, FunnelMonth, Journey, reached
from kontor.users.models import Team

KEYS = ["journeys", *STAGES, "converted"]


@dataclass
class Counted:
    """Per cohort month {count: n} (KEYS), and per timed stage {bucket: journeys}."""

    months: dict = field(default_factory=dict)
    spans: dict = field(default_factory=lambda: {s: {} for s in TIMED})

    def add(self, month: date, key: str, n: int) -> None:
        counts = self.months.setdefault(month, dict.fromkeys(KEYS, 0))
        counts[key] += n

    def add_span(self, stage: str, bucket: int, n: int) -> None:
        spans = self.spans[stage]
        spans[bucket] = spans.get(bucket, 0) + n


def filtered(rows, cohort):
    """`rows` (journeys or rollup rows) of the cohort's source, campaign, owner and team."""
    if cohort.lead_source:
        rows = rows.filter(lead_source=cohort.lead_source)
    if cohort.campaign:
        rows = rows.filter(campaign_name=cohort.campaign)
    if cohort.owner:
        rows = rows.filter(owner_id=cohort.owner)
    if cohort.team:
        members = Team.members.through.objects.filter(team_id=cohort.team).values("user_id")
        rows = rows.filter(owner_id__in=members)
    return rows


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def plan(cohort) -> tuple[list[date], list[tuple]]:
    """The months read from the rollup, and the pieces read from the journeys: (from, to,
    sign, month) — a sign of -1 takes journeys the rollup's month holds but the user's range
    does not. A month the range covers more than half of is the rollup's less the days left
    out; a smaller part is counted from its journeys: at most half a month at each end."""
    zone, site = timezone.get_current_timezone(), rollup.site_zone()
    start, end = cohort.bounds()
    whole, pieces = [], []

    def piece(low, high, sign, month):
        if low < high:
            pieces.append((low, high, sign, month))
        elif high < low:
            pieces.append((high, low, -sign, month))

    month = cohort.start.replace(day=1)
    while month <= cohort.end:
        first = datetime.combine(month, time.min, tzinfo=zone)
        after = datetime.combine(_next(month), time.min, tzinfo=zone)
        low, high = max(first, start), min(after, end)
        if 2 * (high - low) > after - first:
            # Most of the month: the rollup's month, less the days outside the range. The
            # user's month = the rollup's + [first, its start) - [after, its end).
            whole.append(month)
            piece(first, datetime.combine(month, time.min, tzinfo=site), 1, month)
            piece(after, datetime.combine(_next(month), time.min, tzinfo=site), -1, month)
            piece(first, low, -1, month)
            piece(high, after, -1, month)
        else:
            piece(low, high, 1, month)
        month = _next(month)
    return whole, pieces


def _from_rollup(counted: Counted, cohort, months: list[date]) -> None:
    """The rollup's counts per month and its histograms merged (two queries)."""
    rows = filtered(FunnelMonth.objects.filter(month__in=months), cohort)
    columns = {"journeys": "journeys", "converted": "converted"}
    columns |= {s: f"{s}_reached" for s in STAGES}
    sums = rows.values("month").annotate(**{f"n_{k}": Sum(c) for k, c in columns.items()})
    sql, values = rows.values("pk", *rollup.SPANS).query.sql_with_params()
    if connection.vendor == "postgresql":
        # One pass over the rows, each histogram's entries unnested beside it.
        spans = ", ".join(f"('{s}', r.{s}_spans)" for s in TIMED)
        entries = (
            f"SELECT v.stage, e.key, e.value FROM ({sql}) r "
            f"CROSS JOIN LATERAL (VALUES {spans}) v(stage, spans) "
            "CROSS JOIN LATERAL jsonb_each_text(v.spans) e"
        )
        params = values
    else:
        entries = " UNION ALL ".join(
            f"SELECT '{s}' AS stage, e.key, e.value FROM ({sql}) r, json_each(r.{s}_spans) e"
            for s in TIMED
        )
        params = list(values) * len(TIMED)
    merged = (
        "SELECT stage, CAST(key AS INTEGER), SUM(CAST(value AS INTEGER)) "
        f"FROM ({entries}) x GROUP BY stage, key"
    )
    for row in sums:
        for key in KEYS:
            counted.add(row["month"], key, row[f"n_{key}"] or 0)
    with connection.cursor() as cursor:
        cursor.execute(merged, params)
        for stage, bucket, n in cursor.fetchall():
            counted.add_span(stage, bucket, n)


def _from_journeys(counted: Counted, cohort, pieces: list[tuple]) -> None:
    """Counts and histograms of the journeys in `pieces`, by one query over their elementary
    segments (pieces may overlap: an edge's hours leave one month and join the next). Each
    segment is its own range of the cohort index, read from the index alone on PostgreSQL."""
    points = sorted({p[0] for p in pieces} | {p[1] for p in pieces})
    segments = [
        (i, low, high)
        for i, (low, high) in enumerate(zip(points, points[1:], strict=False))
        if any(p[0] <= low and high <= p[1] for p in pieces)
    ]
    flags = [*STAGES, "converted"]
    # One segment's SELECT is compiled once, with stand-ins for its number and bounds that
    # each segment's values replace (compiling the expressions per segment cost more than
    # running them).
    marks = (-7_777_777, datetime(1, 1, 2, tzinfo=UTC), datetime(1, 1, 3, tzinfo=UTC))
    rows = filtered(
        Journey.objects.filter(trashed=False, cohort_at__gte=marks[1], cohort_at__lt=marks[2]),
        cohort,
    ).annotate(
        seg=Value(marks[0], output_field=IntegerField()),
        **{f"r_{s}": Case(When(reached(s), then=1), default=0) for s in STAGES},
        r_converted=Case(When(reached("target") & reached("lead"), then=1), default=0),
        **{f"s_{s}": RawSQL(rollup.seconds_sql(s), ()) for s in TIMED},
    )
    sql, params = rows.values(
        "seg", *[f"r_{s}" for s in flags], *[f"s_{s}" for s in TIMED]
    ).query.sql_with_params()
    adapt = connection.ops.adapt_datetimefield_value
    stand_ins = (marks[0], adapt(marks[1]), adapt(marks[2]))
    where = [[i for i, p in enumerate(params) if p == mark] for mark in stand_ins]
    if any(len(found) != 1 for found in where):
        raise RuntimeError("a segment's stand-in is not once among the statement's parameters")
    selects, values = [], []
    for number, low, high in segments:
        mine = list(params)
        for [index], value in zip(where, (number, adapt(low), adapt(high)), strict=True):
            mine[index] = value
        selects.append(sql)
        values.extend(mine)
    none = "CAST(NULL AS INTEGER)"
    sums = ", ".join(f"SUM(r_{s})" for s in flags)
    parts = [f"SELECT 'journeys', seg, {none}, COUNT(*), {sums} FROM j GROUP BY seg"]
    parts += [
        f"SELECT '{s}', seg, b_{s}, COUNT(*), {', '.join([none] * len(flags))} FROM j "
        f"WHERE b_{s} IS NOT NULL GROUP BY seg, b_{s}"
        for s in TIMED
    ]
    with connection.cursor() as cursor:
        # Each time's bucket is computed once per journey, from its seconds computed once.
        buckets = ", ".join(f"{rollup.bucket_of(f's_{s}')} AS b_{s}" for s in TIMED)
        cursor.execute(
            f"WITH j AS (SELECT seg, {', '.join(f'r_{s}' for s in flags)}, {buckets} "
            f"FROM ({' UNION ALL '.join(selects)}) x) " + " UNION ALL ".join(parts),
            values,
        )
        found = cursor.fetchall()
    for low, high, sign, month in pieces:
        inside = {i for i, start, end in segments if low <= start and end <= high}
        for key, seg, bucket, n, *reached_n in found:
            if seg not in inside:
                continue
            if key != "journeys":
                counted.add_span(key, bucket, sign * n)
                continue
            counted.add(month, "journeys", sign * n)
            for flag, count in zip(flags, reached_n, strict=True):
                counted.add(month, flag, sign * (count or 0))


def counted(cohort) -> Counted:
    """The counts per month and the merged histograms of every live journey of `cohort`."""
    result = Counted()
    whole, pieces = plan(cohort)
    if whole:
        _from_rollup(result, cohort, whole)
    if pieces:
        _from_journeys(result, cohort, pieces)
    result.months = {m: c for m, c in sorted(result.months.items()) if c["journeys"]}
    return result


def percentile(spans: dict, fraction: float) -> float | None:
    """`figures.percentile` of the times in a histogram {bucket: journeys}, each time at its
    bucket's start (`rollup.lower`)."""
    ordered = sorted((b, n) for b, n in spans.items() if n > 0)
    total = sum(n for _b, n in ordered)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = int(position), min(int(position) + 1, total - 1)

    def at(rank):
        seen = 0
        for bucket, n in ordered:
            seen += n
            if rank < seen:
                return rollup.lower(bucket)
        return rollup.lower(ordered[-1][0])

    return at(low) + (at(high) - at(low)) * (position - low)
