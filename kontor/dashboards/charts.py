"""The figures of the dashboard's chart widgets, each for one viewer and through the permission
filter (docs/architecture.md rule 3): a rep's widget counts what the rep may see, a manager's
what the manager may see.

Each function returns a `Chart`: the data Chart.js draws, the same figures as a table (what
screen readers and keyboards use; the chart is decoration) and the address of the filtered list,
board, forecast or funnel behind it. Amounts are sums of `amount_base`, the base currency the
currencies app keeps on every opportunity, so no sum mixes currencies.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.activities.models import Call, Meeting, Task
from kontor.core import dropdowns, permissions
from kontor.currencies import rates
from kontor.forecasts import figures as forecast_figures
from kontor.forecasts.periods import MONTH, QUARTER, Period, start_of
from kontor.funnel import figures as funnel_figures
from kontor.funnel import results as funnel_results
from kontor.leads.models import CLOSED_STATUSES, Lead
from kontor.opportunities.models import Opportunity
from kontor.pipeline import figures as pipeline_figures

WON, LOST = "Closed Won", "Closed Lost"
LEADERS = 10


@dataclass
class Chart:
    """A chart widget's figures: `rows` are (label, [values], link or "") under `columns`."""

    kind: str
    labels: list[str]
    datasets: list[dict]
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    link: str = ""
    #: the currency of the amounts in the table, when there are any
    currency: str = ""
    notice: str = ""
    stacked: bool = False

    @property
    def spec(self) -> dict | None:
        """What dashboards.js hands Chart.js; None when there is nothing to draw."""
        if not self.rows:
            return None
        links = {row[0]: row[2] for row in self.rows}
        return {
            "type": self.kind,
            "labels": self.labels,
            "datasets": self.datasets,
            "stacked": self.stacked,
            "links": [links.get(label, "") for label in self.labels],
        }


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal) else (value or 0)


def _not_summed(count: int) -> str:
    """The notice under a chart whose sums leave out opportunities without an exchange rate
    (their amount has no base-currency value: never added as if it were one)."""
    if not count:
        return ""
    return ngettext(
        "%(n)s without exchange rate, not summed", "%(n)s without exchange rate, not summed", count
    ) % {"n": count}


def _list_url(slug: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(f'{slug}:list')}?{urlencode(params)}"


def pipeline(user) -> Chart:
    """The viewer's own open opportunities per sales stage (the pipeline board's figures)."""
    mine = Opportunity.objects.visible_to(user, "list").filter(assigned_user=user)
    stages, _total = pipeline_figures.columns(mine)
    shown = [s for s in stages if not s.closed]
    rows = [
        (
            s.label,
            [s.figures.count, s.figures.amount, s.figures.weighted],
            _list_url("opportunities", [("assigned_user", user.pk), ("sales_stage", s.key)]),
        )
        for s in shown
        if s.figures.count
    ]
    return Chart(
        "bar",
        [s.label for s in shown],
        [
            {"label": _("Amount"), "data": [_number(s.figures.amount) for s in shown]},
            {"label": _("Weighted"), "data": [_number(s.figures.weighted) for s in shown]},
        ],
        [_("Sales stage"), _("Count"), _("Amount"), _("Weighted")],
        rows,
        f"{reverse('opportunities:board')}?{urlencode({'assigned_user': user.pk})}",
        rates.base_currency(),
        notice=_not_summed(sum(s.figures.without_rate for s in shown)),
    )


def forecast(user) -> Chart:
    """The viewer's closed won, commit and weighted pipeline against their quota, this month
    and this quarter."""
    today = timezone.localdate()
    rows, labels, won, weighted, quota = [], [], [], [], []
    without_rate = 0
    for kind in (MONTH, QUARTER):
        period = Period(kind, start_of(kind, today))
        data = forecast_figures.rows_of_query(user, [period], [user.pk])
        cell = forecast_figures.Cell(dict(data.get((user.pk, period.start), {})))
        cell.quota = forecast_figures.quotas([user.pk], [period]).get((user.pk, period.start))
        without_rate = max(without_rate, cell.without_rate)
        labels.append(period.label)
        won.append(_number(cell.amount("won")))
        weighted.append(_number(cell.amount("weighted")))
        quota.append(_number(cell.quota))
        attainment = (
            "—" if cell.attainment is None else f"{formats.number_format(cell.attainment)} %"
        )
        rows.append(
            (
                period.label,
                [cell.amount("won"), cell.amount("commit"), cell.amount("weighted"), cell.quota],
                "",
                attainment,
            )
        )
    return Chart(
        "bar",
        labels,
        [
            {"label": _("Closed won"), "data": won},
            {"label": _("Weighted"), "data": weighted},
            {"label": _("Quota"), "data": quota},
        ],
        [_("Period"), _("Closed won"), _("Commit"), _("Weighted"), _("Quota"), _("Attainment")],
        rows,
        reverse("forecast"),
        rates.base_currency(),
        # The quarter holds the month: its count of unconverted opportunities covers both.
        notice=_not_summed(without_rate),
    )


def funnel(user) -> Chart:
    """The journeys of the last twelve months the viewer may count, per stage reached."""
    found = funnel_results.funnel(user, funnel_figures.Cohort.default())
    rows = []
    if found.total:
        rows = [
            (
                s.label,
                [s.reached],
                "",
                "—"
                if s.rate_start is None
                else f"{formats.number_format(s.rate_start * 100, 1)} %",
            )
            for s in found.stages
        ]
    return Chart(
        "bar",
        [s.label for s in found.stages],
        [{"label": _("Reached"), "data": [s.reached for s in found.stages]}],
        [_("Stage"), _("Reached"), _("Of all")],
        rows,
        reverse("funnel:page"),
    )


def _day_bounds(today: date) -> tuple[datetime, datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time.min, tzinfo=tz)
    return start, start + timedelta(days=1), start + timedelta(days=8)


def activities_due(user) -> Chart:
    """The viewer's open tasks, calls and meetings: overdue, today, the next seven days, later
    (tasks without a due date count as later); one query per record type."""
    start, tomorrow, week = _day_bounds(timezone.localdate())
    buckets = [_("Overdue"), _("Today"), _("Next 7 days"), _("Later")]
    datasets, rows = [], []
    for model, column, label, slug in (
        (Task, "date_due", _("Tasks"), "tasks"),
        (Call, "date_start", _("Calls"), "calls"),
        (Meeting, "date_start", _("Meetings"), "meetings"),
    ):
        if not permissions.can(user, "list", model):
            continue
        found = (
            model.objects.visible_to(user, "list")
            .filter(assigned_user=user)
            .exclude(status__in=model.CLOSED_STATUSES)
            .aggregate(
                overdue=Count("pk", filter=Q(**{f"{column}__lt": start})),
                today=Count("pk", filter=Q(**{f"{column}__gte": start, f"{column}__lt": tomorrow})),
                week=Count("pk", filter=Q(**{f"{column}__gte": tomorrow, f"{column}__lt": week})),
                later=Count("pk", filter=Q(**{f"{column}__gte": week}) | Q(**{column: None})),
            )
        )
        values = [found["overdue"], found["today"], found["week"], found["later"]]
        datasets.append({"label": label, "data": values})
        if any(values):
            rows.append((label, values, _list_url(slug, [("assigned_user", user.pk)])))
    return Chart("bar", buckets, datasets, [_("Record type"), *buckets], rows, stacked=True)


def lead_sources(user) -> Chart:
    """The open leads the viewer may see per lead source (most first). Counting a million
    leads takes the database about a second: the widget keeps its figures
    (kontor.dashboards.kept)."""
    found = (
        Lead.objects.visible_to(user, "list")
        .exclude(status__in=CLOSED_STATUSES)
        .order_by()
        .values("lead_source")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_source")
    )
    rows = []
    for row in found:
        key = row["lead_source"] or ""
        label = (dropdowns.label("lead_source_dom", key) or key) if key else _("No source")
        link = _list_url("leads", [("lead_source", key)]) if key else ""
        rows.append((label, [row["n"]], link))
    return Chart(
        "doughnut",
        [r[0] for r in rows],
        [{"label": _("Open leads"), "data": [r[1][0] for r in rows]}],
        [_("Lead source"), _("Open leads")],
        rows,
        reverse("leads:list"),
    )


def _months_back(today: date, count: int) -> date:
    months = today.year * 12 + today.month - 1 - (count - 1)
    return date(months // 12, months % 12 + 1, 1)


def won_lost(user) -> Chart:
    """Opportunities the viewer may see closed won and closed lost, per month of the last
    twelve (by expected close date, the date a closed opportunity carries)."""
    today = timezone.localdate()
    first = _months_back(today, 12)
    found = (
        Opportunity.objects.visible_to(user, "list")
        .filter(sales_stage__in=(WON, LOST), date_closed__gte=first, date_closed__lte=today)
        .annotate(month=TruncMonth("date_closed"))
        .values("month", "sales_stage")
        .annotate(
            n=Count("pk"),
            total=Sum("amount_base"),
            missing=Count("pk", filter=Q(amount_base__isnull=True, sales_stage=WON)),
        )
        .order_by()
    )
    counts: dict = {}
    without_rate = 0
    for row in found:
        without_rate += row["missing"]
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        counts[(month, row["sales_stage"])] = (row["n"], row["total"] or Decimal("0"))
    months = [_months_back(today, 12 - i) for i in range(12)]
    labels = [formats.date_format(m, "YEAR_MONTH_FORMAT") for m in months]
    rows = []
    for month, label in zip(months, labels, strict=True):
        won, won_sum = counts.get((month, WON), (0, Decimal("0")))
        lost, _lost_sum = counts.get((month, LOST), (0, Decimal("0")))
        if won or lost:
            last = Period(MONTH, month).end
            link = _list_url(
                "opportunities",
                [("sales_stage", WON), ("sales_stage", LOST)]
                + [("date_closed_min", month.isoformat()), ("date_closed_max", last.isoformat())],
            )
            rows.append((label, [won, lost, won_sum], link))
    return Chart(
        "bar",
        labels,
        [
            {"label": _("Won"), "data": [counts.get((m, WON), (0,))[0] for m in months]},
            {"label": _("Lost"), "data": [counts.get((m, LOST), (0,))[0] for m in months]},
        ],
        [_("Month"), _("Won"), _("Lost"), _("Won amount")],
        rows,
        _list_url("opportunities", [("sales_stage", WON), ("sales_stage", LOST)]),
        rates.base_currency(),
        notice=_not_summed(without_rate),
    )


def leaderboard(user) -> Chart:
    """Closed won this quarter per assigned user, in the base currency, of the opportunities
    the viewer may see: the ten highest."""
    period = Period(QUARTER, start_of(QUARTER, timezone.localdate()))
    found = list(
        Opportunity.objects.visible_to(user, "list")
        .filter(
            sales_stage=WON,
            date_closed__gte=period.start,
            date_closed__lte=period.end,
            assigned_user__isnull=False,
        )
        .values("assigned_user")
        .annotate(
            n=Count("pk"),
            total=Sum("amount_base"),
            missing=Count("pk", filter=Q(amount_base__isnull=True)),
        )
        # A user whose won deals all lack a rate has no sum: last, never first (PostgreSQL
        # sorts NULL first when descending).
        .order_by(F("total").desc(nulls_last=True), "assigned_user")[:LEADERS]
    )
    people = get_user_model().objects.in_bulk([r["assigned_user"] for r in found])
    rows = []
    for row in found:
        person = people.get(row["assigned_user"])
        name = (person.get_full_name() or person.username) if person else "—"
        link = _list_url(
            "opportunities",
            [
                ("assigned_user", row["assigned_user"]),
                ("sales_stage", WON),
                ("date_closed_min", period.start.isoformat()),
                ("date_closed_max", period.end.isoformat()),
            ],
        )
        rows.append((name, [row["n"], row["total"] or Decimal("0")], link))
    return Chart(
        "bar",
        [r[0] for r in rows],
        [{"label": _("Closed won"), "data": [_number(r[1][1]) for r in rows]}],
        [_("User"), _("Count"), _("Closed won")],
        rows,
        _list_url("opportunities", [("sales_stage", WON)]),
        rates.base_currency(),
        notice=" · ".join(
            filter(None, [period.label, _not_summed(sum(r["missing"] for r in found))])
        ),
    )
