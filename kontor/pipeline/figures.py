"""The pipeline's figures: per sales stage the number of opportunities, their amount and their
weighted amount, for the board's column headers and the analytics API.

Sums add `Opportunity.amount_base` only, the amount in the organisation's base currency that
the currencies app keeps on every save, so no sum ever mixes currencies. An opportunity
without a base amount (no exchange rate known for its currency) is counted and reported as
"without rate", never added. A viewer who chooses another currency sees the base sums
converted at today's rate (`rates.from_base`); the conversion happens once per sum, not per
opportunity.

Weighted amount = amount_base × probability / 100 (no probability: 0): the base amounts are
summed per stage and probability in the database, multiplied by their probability and added
here, divided once and rounded half-up to cents.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from kontor.core import dropdowns
from kontor.currencies import rates
from kontor.opportunities.models import CLOSED_STAGES

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass
class Figures:
    """One stage's (or the whole pipeline's) figures, in the base currency."""

    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO
    without_rate: int = 0

    def add(self, other: "Figures") -> None:
        self.count += other.count
        self.amount += other.amount
        self.weighted += other.weighted
        self.without_rate += other.without_rate

    def shown_in(self, currency: str, base: str) -> "Shown":
        """These figures in `currency` (converted at today's rate when it is not `base`)."""
        if currency == base:
            return Shown(self, currency, self.amount, self.weighted)
        return Shown(
            self,
            currency,
            rates.from_base(self.amount, currency),
            rates.from_base(self.weighted, currency),
        )


@dataclass
class Shown:
    """Figures as a viewer sees them: the sums in one currency (None when it has no rate)."""

    figures: Figures
    currency: str
    amount: Decimal | None
    weighted: Decimal | None

    @property
    def count(self) -> int:
        return self.figures.count

    @property
    def without_rate(self) -> int:
        return self.figures.without_rate


@dataclass
class Stage:
    """A column of the board: a sales stage in the dropdown's order."""

    key: str
    label: str
    closed: bool
    figures: Figures = field(default_factory=Figures)


def stages() -> list[Stage]:
    """The active sales stages in the dropdown's order (Studio may rename, reorder and
    deactivate them); the closed stages are marked, as the board folds them."""
    return [
        Stage(o.key, o.label, o.key in CLOSED_STAGES) for o in dropdowns.options("sales_stage_dom")
    ]


def by_stage(queryset) -> dict[str, Figures]:
    """The figures of every stage present in `queryset` (already permission-filtered and
    filtered): one grouped query.

    Grouped by stage and probability, so the database only counts and adds (a probability
    follows its stage, so there are few groups) and reads nothing but the index
    `opportunity_figures` for a viewer who sees every opportunity; the weighted sum is the sum
    of each group's amount times its probability, in Decimal here: exact, and no
    multiplication per opportunity in SQL. Rows without a base amount are counted
    (`COUNT(*)` less `COUNT(amount_base)`), never added."""
    rows = (
        queryset.order_by()
        .values_list("sales_stage", "probability")
        .annotate(n=Count("*"), priced=Count("amount_base"), total=Sum("amount_base"))
    )
    found: dict[str, list] = {}
    for stage, probability, n, priced, total in rows:
        sums = found.setdefault(stage, [0, 0, ZERO, ZERO])
        total = Decimal(total) if total is not None else ZERO
        sums[0] += n
        sums[1] += n - priced
        sums[2] += total
        sums[3] += total * (probability or 0)
    return {
        stage: Figures(
            count=n,
            amount=_cents(amount),
            weighted=_cents(weighted / 100),
            without_rate=missing,
        )
        for stage, (n, missing, amount, weighted) in found.items()
    }


def columns(queryset) -> tuple[list[Stage], Figures]:
    """The board's columns with their figures, and the total over the open ones (the
    pipeline); a stage that is not active but still held by opportunities of the filter is
    shown after the active ones, so no opportunity drops out of the board."""
    found = by_stage(queryset)
    shown = stages()
    known = {s.key for s in shown}
    for key in sorted(set(found) - known):
        label = dropdowns.label("sales_stage_dom", key) or key
        shown.append(Stage(key, label, key in CLOSED_STAGES))
    total = Figures()
    for stage in shown:
        stage.figures = found.get(stage.key, Figures())
        if not stage.closed:
            total.add(stage.figures)
    return shown, total


def _cents(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
