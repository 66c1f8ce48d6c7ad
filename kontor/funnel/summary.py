"""The funnel's counts and time histograms of a cohort, read from the monthly rollup.

For the funnel page, its API and the dashboard's funnel widget, when the user may count every
journey (`figures.funnel` decides): the cohort's whole months come from `FunnelMonth` rows,
the rest from the journeys themselves, merged. The rest is the partial first and last month of
a range of days and, for a user whose time zone is not the deployment's, the hours by which
their months' edges differ from the rollup's (added to one month, taken from its neighbour).
At most three queries: the rollup's counts per month, its merged histograms, and the
journeys' counts and histograms per piece of the rest.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Case, IntegerField, Q, Sum, Value, When
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
    """The months read whole from the rollup, and the pieces read from the journeys:
    (from, to, sign, month) — a sign of -1 takes journeys the rollup's month holds but the
    user's does not."""
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
        if start <= first and after <= end:
            whole.append(month)
            # The user's month = the rollup's + [first, its start) - [after, its end).
            piece(first, datetime.combine(month, time.min, tzinfo=site), 1, month)
            piece(after, datetime.combine(_next(month), time.min, tzinfo=site), -1, month)
        else:
            piece(max(first, start), min(after, end), 1, month)
        month = _next(month)
    return whole, pieces


def _from_rollup(counted: Counted, cohort, months: list[date]) -> None:
    rows = filtered(FunnelMonth.objects.filter(month__in=months), cohort)
    columns = {"journeys": "journeys", "converted": "converted"}
    columns |= {s: f"{s}_reached" for s in STAGES}
    sums = rows.values("month").annotate(**{f"n_{k}": Sum(c) for k, c in columns.items()})
    parts, params = [], []
    sql, values = rows.values("pk", *rollup.SPANS).query.sql_with_params()
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    for stage in TIMED:
        parts.append(
            f"SELECT '{stage}', CAST(e.key AS INTEGER), SUM(CAST(e.value AS INTEGER)) "
            f"FROM ({sql}) r, {each}(r.{stage}_spans) e GROUP BY e.key"
        )
        params.extend(values)
    for row in sums:
        for key in KEYS:
            counted.add(row["month"], key, row[f"n_{key}"] or 0)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for stage, bucket, n in cursor.fetchall():
            counted.add_span(stage, bucket, n)


def _from_journeys(counted: Counted, cohort, pieces: list[tuple]) -> None:
    """Counts and histograms of the journeys in `pieces`, by one query over their elementary
    segments (pieces may overlap: an edge's hours leave one month and join the next)."""
    points = sorted({p[0] for p in pieces} | {p[1] for p in pieces})
    where = Q()
    for low, high, _sign, _month in pieces:
        where |= Q(cohort_at__gte=low, cohort_at__lt=high)
    segment = Case(
        *[When(cohort_at__lt=p, then=Value(i)) for i, p in enumerate(points[1:])],
        output_field=IntegerField(),
    )
    rows = filtered(Journey.objects.filter(where, trashed=False), cohort).annotate(
        seg=segment,
        **{f"r_{s}": Case(When(reached(s), then=1), default=0) for s in STAGES},
        r_converted=Case(When(reached("target") & reached("lead"), then=1), default=0),
        **{f"b_{s}": RawSQL(rollup.bucket_sql(s), ()) for s in TIMED},
    )
    sql, values = rows.values(
        "seg", *[f"r_{s}" for s in [*STAGES, "converted"]], *[f"b_{s}" for s in TIMED]
    ).query.sql_with_params()
    parts = ["SELECT 'journeys', seg, CAST(NULL AS INTEGER), COUNT(*) FROM j GROUP BY seg"]
    parts += [f"SELECT '{s}', seg, NULL, SUM(r_{s}) FROM j GROUP BY seg" for s in STAGES]
    parts += ["SELECT 'converted', seg, NULL, SUM(r_converted) FROM j GROUP BY seg"]
    parts += [
        f"SELECT '{s}_spans', seg, b_{s}, COUNT(*) FROM j WHERE b_{s} IS NOT NULL "
        f"GROUP BY seg, b_{s}"
        for s in TIMED
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH j AS ({sql}) " + " UNION ALL ".join(parts), values)
        found = cursor.fetchall()
    for low, high, sign, month in pieces:
        inside = {i for i in range(len(points) - 1) if low <= points[i] and points[i + 1] <= high}
        for key, seg, bucket, n in found:
            if seg not in inside or not n:
                continue
            if key.endswith("_spans"):
                counted.add_span(key.removesuffix("_spans"), bucket, sign * n)
            else:
                counted.add(month, key, sign * n)


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
