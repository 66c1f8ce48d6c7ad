"""The funnel's figures for one user and one cohort: per stage how many journeys reached it,
the conversion rates, the median and 90th-percentile time from the stage before, and the
counts per cohort month. For the funnel page and its API, which show the same numbers.

A user who may count every journey (lists all leads and targets) is answered from the monthly
rollup (`summary`: at most three queries, times to the hour under two days and to the day under
a year). Anyone else counts the journeys they may list, through the permission filter — the
rollup cannot tell which of a group's journeys a user may see: two queries whatever the data,
the counts per month (their sum is the total) and the durations (PostgreSQL: `percentile_cont`
in the database; SQLite, for small deployments: the durations are read and the same
interpolation is computed in Python).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.core import permissions
from kontor.funnel import summary
from kontor.funnel.models import PREVIOUS, STAGES, Journey, reached, since
from kontor.leads.models import Lead
from kontor.targets.models import Target

LABELS = {
    "target": _("Target"),
    "lead": _("Lead"),
    "mql": _("MQL"),
    "sql": _("SQL"),
    "opportunity": _("Opportunity"),
    "won": _("Won"),
}


@dataclass
class Cohort:
    """What the funnel counts: journeys begun from `start` to `end` (dates, both included),
    optionally of one lead source, campaign, owner or team (the owner's team membership)."""

    start: date
    end: date
    lead_source: str = ""
    campaign: str = ""
    owner: int | None = None
    team: int | None = None

    @classmethod
    def default(cls) -> "Cohort":
        """The last twelve months up to today."""
        today = timezone.localdate()
        return cls(start=(today.replace(day=1) - timedelta(days=335)).replace(day=1), end=today)

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


def visible_journeys(user):
    """The live journeys `user` may count: those whose lead (or target, before its conversion)
    they may list. An administrator, or anyone listing all leads and targets, pays no filter."""
    journeys = Journey.objects.filter(trashed=False)
    lead_scope = permissions.scope(user, "list", Lead)
    target_scope = permissions.scope(user, "list", Target)
    if lead_scope == target_scope == "all":
        return journeys
    leads = Q(lead_id__isnull=False)
    if lead_scope != "all":
        leads &= Q(lead_id__in=Lead.objects.visible_to(user, "list").values("pk"))
    targets = Q(lead_id__isnull=True)
    if target_scope != "all":
        targets &= Q(target_id__in=Target.objects.visible_to(user, "list").values("pk"))
    return journeys.filter(leads | targets)


def counts_all(user) -> bool:
    """Whether `user` may count every journey (lists all leads and targets): their funnel is
    read from the monthly rollup (`summary`)."""
    scopes = (permissions.scope(user, "list", Lead), permissions.scope(user, "list", Target))
    return scopes == ("all", "all")


def journeys_of(user, cohort: Cohort):
    """The journeys of `cohort` that `user` may count."""
    start, end = cohort.bounds()
    journeys = visible_journeys(user).filter(cohort_at__gte=start, cohort_at__lt=end)
    return summary.filtered(journeys, cohort)


@dataclass
class Stage:
    key: str
    label: str
    reached: int = 0
    #: share of the journeys that reached the stage before (None for the first or when none did)
    rate_previous: float | None = None
    #: share of all journeys of the cohort
    rate_start: float | None = None
    median: float | None = None  # seconds
    p90: float | None = None  # seconds


@dataclass
class Funnel:
    total: int
    stages: list[Stage]
    #: [(month as a date, {stage: count})], oldest first
    trend: list = field(default_factory=list)


def _seconds(stage: str):
    """The time from the stage before to `stage` (null when either is unknown)."""
    *candidates, last = PREVIOUS[stage]
    start = F(f"{last}_at")
    if candidates:
        start = Case(
            *[When(**{f"{c}_at__lte": F(f"{stage}_at")}, then=F(f"{c}_at")) for c in candidates],
            default=start,
        )
    return ExpressionWrapper(F(f"{stage}_at") - start, output_field=DurationField())


class _Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float):
        super().__init__(expression, fraction=fraction)


def _epoch(expression):
    return Func(
        expression, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField()
    )


def percentile(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont`: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _durations(journeys) -> dict[str, tuple[float | None, float | None]]:
    timed = list(PREVIOUS)
    if connection.vendor == "postgresql":
        aggregates = {}
        for stage in timed:
            for name, fraction in (("median", 0.5), ("p90", 0.9)):
                aggregates[f"{stage}_{name}"] = _Percentile(_epoch(_seconds(stage)), fraction)
        row = journeys.aggregate(**aggregates)
        return {s: (row[f"{s}_median"], row[f"{s}_p90"]) for s in timed}
    spans: dict[str, list[float]] = {s: [] for s in timed}
    rows = journeys.filter(lead_at__isnull=False).values_list(*[f"{s}_at" for s in STAGES])
    for row in rows:
        stamps = dict(zip(STAGES, row, strict=True))
        for stage in timed:
            start = since(stamps, stage)
            if stamps[stage] is not None and start is not None:
                spans[stage].append((stamps[stage] - start).total_seconds())
    return {s: (percentile(spans[s], 0.5), percentile(spans[s], 0.9)) for s in timed}


def _from_journeys(user, cohort: Cohort):
    """Counts per month and durations from the journeys the user may count (two queries)."""
    journeys = journeys_of(user, cohort)
    counts = {s: Count("pk", filter=reached(s)) for s in STAGES}
    months = (
        journeys.annotate(month=TruncMonth("cohort_at"))
        .values("month")
        .annotate(
            journeys=Count("pk"),
            converted=Count("pk", filter=reached("target") & reached("lead")),
            **counts,
        )
        .order_by("month")
    )
    found = {}
    for row in months:
        month = row.pop("month")
        found[month.date() if isinstance(month, datetime) else month] = row
    durations = _durations(journeys) if found else {}
    return found, durations


def _from_rollup(cohort: Cohort):
    """Counts per month and durations from the monthly rollup (every journey counted)."""
    counted = summary.counted(cohort)
    durations = {
        s: (summary.percentile(spans, 0.5), summary.percentile(spans, 0.9))
        for s, spans in counted.spans.items()
    }
    return counted.months, durations


def funnel(user, cohort: Cohort) -> Funnel:
    """The funnel of `cohort` as `user` may see it: from the monthly rollup for a user who
    may count every journey (times to the rollup's bucket, docs/funnel.md), else from the
    journeys they may count, through the permission filter (two queries)."""
    if counts_all(user):
        months, durations = _from_rollup(cohort)
    else:
        months, durations = _from_journeys(user, cohort)
    totals = dict.fromkeys([*STAGES, "journeys", "converted"], 0)
    trend = []
    for month, row in months.items():
        for key in totals:
            totals[key] += row[key]
        trend.append((month, {s: row[s] for s in STAGES}))
    total = totals["journeys"]
    stages = []
    for index, key in enumerate(STAGES):
        stage = Stage(key=key, label=str(LABELS[key]), reached=totals[key])
        if total:
            stage.rate_start = totals[key] / total
        if index:
            before = totals["target"] if key == "lead" else totals[STAGES[index - 1]]
            now = totals["converted"] if key == "lead" else totals[key]
            stage.rate_previous = now / before if before else None
            stage.median, stage.p90 = durations.get(key, (None, None)) if total else (None, None)
        stages.append(stage)
    return Funnel(total=total, stages=stages, trend=trend)
