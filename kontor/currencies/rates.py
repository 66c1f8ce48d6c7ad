"""Converting amounts to and from the base currency, for every app that sums or shows them.

All currencies and rates are loaded with one query each and kept like the dropdown lists
(`kontor.core.dropdowns.cached`: the request's copy, this process's copy while the shared
cache's version is unchanged, the shared cache, the database), so converting the rows of a
page or an import chunk costs no query. Every write of a currency or a rate calls `changed()`,
which gives the cache a new version and, after the commit, runs the callbacks registered with
`on_change` (the opportunities app recomputes its base amounts there).

A rate is SuiteCRM's `conversion_rate`: units of the currency per one unit of the base
currency, so `to_base(amount) = amount / rate`, rounded half-up to cents.
"""

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from kontor.core import dropdowns

CACHE_KEY = "kontor:currencies:v1"
#: The base before any is chosen (an empty table, a test database without the seed).
DEFAULT_BASE = "EUR"
CENT = Decimal("0.01")
ONE = Decimal(1)


@dataclass(frozen=True)
class Rates:
    """The loaded table: the base, each currency's (name, symbol, active) and its rates as
    parallel lists sorted by day, for a bisect per lookup."""

    base: str = DEFAULT_BASE
    currencies: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    days: dict[str, list[date]] = field(default_factory=dict)
    values: dict[str, list[Decimal]] = field(default_factory=dict)


def _load() -> Rates:
    from kontor.currencies.models import Currency, ExchangeRate

    base, currencies = DEFAULT_BASE, {}
    for code, name, symbol, active, is_base in Currency.objects.values_list(
        "code", "name", "symbol", "active", "is_base"
    ):
        currencies[code] = (name, symbol, active)
        if is_base:
            base = code
    days: dict[str, list[date]] = {}
    values: dict[str, list[Decimal]] = {}
    rows = ExchangeRate.objects.order_by("currency_id", "valid_from").values_list(
        "currency_id", "valid_from", "rate"
    )
    for code, day, rate in rows:
        days.setdefault(code, []).append(day)
        values.setdefault(code, []).append(rate)
    return Rates(base, currencies, days, values)


def table() -> Rates:
    return dropdowns.cached("currencies", CACHE_KEY, _load)


def today() -> date:
    """The day open opportunities are converted at: today in the installation's time zone
    (not the viewer's), so every request and the worker agree on it."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def base_currency() -> str:
    return table().base


def rate_on(currency: str, day: date, *, rates: Rates | None = None) -> Decimal | None:
    """The rate of `currency` valid on `day` (the latest from on or before it); 1 for the
    base currency; None when no rate was valid yet. `rates`: a table read before (a bulk
    writer that may run no query while it streams rows)."""
    rates = rates or table()
    code = (currency or "").upper()
    if code == rates.base:
        return ONE
    days = rates.days.get(code)
    if not days:
        return None
    at = bisect.bisect_right(days, day) - 1
    return rates.values[code][at] if at >= 0 else None


def to_base(amount, currency: str, day: date, *, rates: Rates | None = None) -> Decimal | None:
    """`amount` of `currency` in the base currency at the rate of `day`, to the cent (half
    up); None without an amount or a rate."""
    if amount is None or amount == "":
        return None
    rate = rate_on(currency, day, rates=rates)
    if rate is None:
        return None
    return (Decimal(amount) / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def from_base(amount_base, currency: str, day: date | None = None) -> Decimal | None:
    """A base amount in `currency` (a viewer's chosen one) at the rate of `day`, today's when
    not given; None without an amount or a rate."""
    if amount_base is None or amount_base == "":
        return None
    rate = rate_on(currency, day or today())
    if rate is None:
        return None
    return (Decimal(amount_base) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def currency_name(code: str) -> str:
    entry = table().currencies.get(code)
    return entry[0] if entry else code


def active_codes() -> list[str]:
    """The active currencies, the base first, then by code."""
    rates = table()
    codes = sorted(c for c, (_n, _s, active) in rates.currencies.items() if active)
    return sorted(codes, key=lambda c: c != rates.base)


# --- change notification -----------------------------------------------------------------------
#: Callables run after a change of rates or of the base commits: `callback(codes)`, where
#: `codes` is the set of currencies whose rates changed, or None when the base changed (every
#: amount is affected).
_callbacks: list[Callable[[frozenset[str] | None], None]] = []


def on_change(callback: Callable[[frozenset[str] | None], None]) -> None:
    """Register `callback`, run after every committed change of rates or of the base (an app
    above this one registers it from its AppConfig.ready())."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def changed(codes: Iterable[str] | None) -> None:
    """Called by the actions inside their transaction: the cached table is forgotten now and
    again at the commit (a process that read the old table in between reloads it), and the
    callbacks run after the commit when rates of `codes` (None: the base) changed; nothing
    runs when the transaction rolls back."""
    invalidate()
    affected = None if codes is None else frozenset(codes)

    def after_commit():
        invalidate()
        if affected is None or affected:
            for callback in list(_callbacks):
                callback(affected)

    transaction.on_commit(after_commit)


def invalidate() -> None:
    dropdowns.forget(CACHE_KEY)
    held = dropdowns._request_copy.get()
    if held is not None:
        held.pop("currencies", None)
