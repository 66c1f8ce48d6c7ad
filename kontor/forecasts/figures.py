"""The forecast's figures: per period and per user, with team subtotals and a total.

One grouped query over `Opportunity.objects.visible_to(viewer, "list")` reads, for each
assigned user, period, sales stage and forecast category, the number of opportunities closing
in the range, their sum in the base currency (`amount_base`, kept by the currencies app, so no
sum mixes currencies), amount × probability and how many lack a base amount (no rate known:
counted and flagged, never added). Everything else is added up here in Python:

- open pipeline: open stages (not Closed Won / Closed Lost); weighted: the same, each
  amount × probability / 100;
- best case, commit: the open opportunities of that forecast category;
- closed won: stage Closed Won;
- never an opportunity whose forecast category is "omitted" (Nicht berücksichtigt);
- quota: the user's quota of the period (a quarter without its own: the sum of its months'),
  attainment = closed won / quota, gap = quota − closed won.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter

from kontor.forecasts.models import Quota
from kontor.forecasts.periods import MONTH, QUARTER, Period, start_of
from kontor.opportunities.models import CLOSED_STAGES, Opportunity

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
WON = "Closed Won"
OMITTED = "omitted"
#: The figures a cell shows that add opportunities, in the page's order.
AMOUNTS = ("open", "weighted", "best_case", "commit", "won")
_PRODUCT = DecimalField(max_digits=22, decimal_places=2)

Group = tuple[str, str]


def figures_of(stage: str, category: str) -> tuple[str, ...]:
    """The figures an opportunity of this stage and forecast category adds to."""
    if category == OMITTED:
        return ()
    if stage == WON:
        return ("won",)
    if stage in CLOSED_STAGES:
        return ()
    if category in {"best_case", "commit"}:
        return ("open", "weighted", category)
    return ("open", "weighted")


@dataclass
class Sums:
    """The sums of one figure's opportunities (count, amounts, those without a base amount),
    added up from the grouped query's rows for a cell, a subtotal or a total."""

    count: int = 0
    amount: Decimal = ZERO
    #: Σ amount × probability (percent): divided by 100 once, when shown
    weighted_100: Decimal = ZERO
    without_rate: int = 0

    def add(self, other: "Sums") -> None:
        self.count += other.count
        self.amount += other.amount
        self.weighted_100 += other.weighted_100
        self.without_rate += other.without_rate


@dataclass
class Cell:
    """One user's (or several users') figures in one period or over the whole range."""

    groups: dict[Group, Sums] = field(default_factory=dict)
    quota: Decimal | None = None

    def add(self, other: "Cell") -> None:
        self.__dict__.pop("_sums", None)
        for group, sums in other.groups.items():
            self.groups.setdefault(group, Sums()).add(sums)
        if other.quota is not None:
            self.quota = (self.quota or ZERO) + other.quota

    def groups_of(self, figure: str) -> list[Group]:
        name = "open" if figure == "weighted" else figure
        return [g for g in self.groups if name in figures_of(*g)]

    def sums(self, figure: str) -> Sums:
        cached = self.__dict__.setdefault("_sums", {})
        if figure not in cached:
            total = Sums()
            for group in self.groups_of(figure):
                total.add(self.groups[group])
            cached[figure] = total
        return cached[figure]

    def amount(self, figure: str) -> Decimal:
        sums = self.sums(figure)
        if figure == "weighted":
            return (sums.weighted_100 / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        return sums.amount

    @property
    def without_rate(self) -> int:
        return sum(self.sums(name).without_rate for name in ("open", "won"))

    @property
    def attainment(self) -> Decimal | None:
        """Closed won as a percentage of the quota (one decimal); None without a quota."""
        if not self.quota:
            return None
        return (self.amount("won") * 100 / self.quota).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def gap(self) -> Decimal | None:
        """What is left to win to reach the quota (negative: beyond it)."""
        return None if self.quota is None else self.quota - self.amount("won")


@dataclass
class Row:
    """A line of the forecast: one user, a team's subtotal or the total."""

    label: str
    user_ids: tuple[int, ...]
    cells: list[Cell]
    total: Cell
    kind: str = "user"


def rows_of_query(viewer, periods: list[Period], user_ids=None) -> dict:
    """{(user id, period start): {(stage, category): Sums}} of the opportunities `viewer` may
    list that close in `periods` (of `user_ids` when given), plus the count of unassigned
    ones under the key (None, None)."""
    kind = periods[0].kind
    trunc = TruncMonth if kind == MONTH else TruncQuarter
    queryset = Opportunity.objects.visible_to(viewer, "list").filter(
        date_closed__gte=periods[0].start, date_closed__lte=periods[-1].end
    )
    if user_ids is not None:
        queryset = queryset.filter(assigned_user__in=user_ids)
    rows = (
        queryset.annotate(period=trunc("date_closed"))
        .values("assigned_user_id", "period", "sales_stage", "forecast_category")
        .annotate(
            count=Count("pk"),
            amount=Coalesce(Sum("amount_base"), Value(ZERO), output_field=_PRODUCT),
            weighted_100=Coalesce(
                Sum(
                    F("amount_base") * Coalesce("probability", Value(0)),
                    output_field=_PRODUCT,
                ),
                Value(ZERO),
                output_field=_PRODUCT,
            ),
            without_rate=Count("pk", filter=Q(amount_base__isnull=True)),
        )
        .order_by()
    )
    found: dict = {}
    for row in rows:
        user = row["assigned_user_id"]
        start = start_of(kind, _as_date(row["period"])) if user is not None else None
        groups = found.setdefault((user, start), {})
        groups[(row["sales_stage"], row["forecast_category"] or "")] = Sums(
            row["count"],
            Decimal(row["amount"]),
            Decimal(row["weighted_100"]),
            row["without_rate"],
        )
    return found


def _as_date(value):
    # TruncMonth of a date column is a date; some backends hand back a datetime.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def quotas(user_ids, periods: list[Period]) -> dict[tuple[int, object], Decimal]:
    """{(user id, period start): quota} for `periods` (of `user_ids`; None: everyone's); a
    quarter without a quota of its own gets the sum of its months' quotas, when it has any."""
    kind = periods[0].kind
    found: dict = {}
    months: dict = {}
    found_quotas = Quota.objects.filter(
        period_start__gte=periods[0].start, period_start__lte=periods[-1].end
    )
    if user_ids is not None:
        found_quotas = found_quotas.filter(user_id__in=user_ids)
    rows = found_quotas.values_list("user_id", "period_kind", "period_start", "amount")
    for user_id, period_kind, start, amount in rows:
        if period_kind == kind:
            found[(user_id, start)] = amount
        elif kind == QUARTER and period_kind == MONTH:
            key = (user_id, start_of(QUARTER, start))
            months[key] = months.get(key, ZERO) + amount
    for key, amount in months.items():
        found.setdefault(key, amount)
    return found
