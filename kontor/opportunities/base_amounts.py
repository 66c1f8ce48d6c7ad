"""Keeping every opportunity's `amount_base` right when exchange rates or the base change.

A save fills `amount_base` itself (`Opportunity.fill_base_amount`); this module recomputes the
stored ones when the rates under them change: after a committed change of rates or of the base
(`kontor.currencies.rates.on_change`, registered in the app's ready(), queues `recompute_task`
for the background worker), and nightly (`kontor recompute_base_amounts`), when a rate valid
from a future day has become today's rate for the open opportunities.

Set-based (docs/performance.md rule 7): per currency one UPDATE of the open opportunities at
today's rate and one of the closed ones at the rate of each one's close date (a correlated
subquery along the rates' (currency, valid_from) index), never a loop over rows. The rounding
is the one of `rates.to_base` (to the cent, half up): PostgreSQL's ROUND of a numeric does it;
SQLite's ROUND works on floats, so there a function registered on the connection computes in
Decimal. The trash is included, so a restored opportunity is right too. No change-log rows and
no `date_modified`: the column is derived, and nobody changed the opportunity.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import BooleanField, DecimalField, F, Func, OuterRef, Subquery, Value
from django_tasks import task

from kontor.currencies import rates
from kontor.currencies.models import Currency, ExchangeRate
from kontor.opportunities.models import CLOSED_STAGES, Opportunity


class ToBase(Func):
    """`amount / rate` to the cent, half up; NULL when the rate is NULL."""

    arity = 2
    template = "ROUND((%(expressions)s), 2)"
    arg_joiner = ") / ("
    output_field = DecimalField(max_digits=18, decimal_places=2)

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_function(
            "KONTOR_TO_BASE", 2, _to_base_in_sqlite, deterministic=True
        )
        return self.as_sql(
            compiler, connection, template="KONTOR_TO_BASE(%(expressions)s)", arg_joiner=", "
        )


class Differs(Func):
    """`a IS DISTINCT FROM b`: true when exactly one is NULL or both differ."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " IS DISTINCT FROM "
    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, arg_joiner=" IS NOT ")


def _to_base_in_sqlite(amount, rate):
    if amount is None or rate is None:
        return None
    # SQLite hands numbers over as floats: their shortest repr is the decimal that was stored.
    value = Decimal(repr(amount)) / Decimal(repr(rate))
    return str(value.quantize(rates.CENT, rounding=ROUND_HALF_UP))


def _rate_until(code: str, day) -> Subquery:
    """The rate of `code` valid on `day` (a date or an outer column), as a scalar subquery."""
    found = ExchangeRate.objects.filter(currency_id=code, valid_from__lte=day)
    return Subquery(found.order_by("-valid_from").values("rate")[:1])


def recompute(codes: Iterable[str] | None = None) -> int:
    """Recompute the base amounts of the opportunities in `codes` (None: every currency any
    opportunity has); returns how many rows changed."""
    base = Currency.objects.filter(is_base=True).values_list("code", flat=True).first()
    base = base or rates.DEFAULT_BASE
    every = Opportunity.with_deleted.order_by()
    if codes is None:
        codes = every.values_list("currency", flat=True).distinct()
    today = rates.today()
    touched = 0
    with transaction.atomic():
        for code in sorted(set(codes)):
            rows = every.filter(currency=code)
            if code == base:
                touched += _update(rows, F("amount"))
                continue
            touched += _update(
                rows.exclude(sales_stage__in=CLOSED_STAGES),
                ToBase(F("amount"), _rate_until(code, Value(today))),
            )
            touched += _update(
                rows.filter(sales_stage__in=CLOSED_STAGES),
                ToBase(F("amount"), _rate_until(code, OuterRef("date_closed"))),
            )
    return touched


def _update(rows, value) -> int:
    # Only the rows whose base amount changes are written: every written row costs an entry in
    # each of the table's indexes, and a rate of one month changes only that month's deals.
    return rows.filter(Differs(F("amount_base"), value)).update(amount_base=value)


@task()
def recompute_task(codes: list[str] | None = None) -> None:
    recompute(codes)


def on_rates_changed(codes: frozenset[str] | None) -> None:
    """`rates.on_change` callback: the worker recomputes after the commit."""
    recompute_task.enqueue(None if codes is None else sorted(codes))
