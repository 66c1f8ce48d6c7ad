"""Writes of the currencies app: currencies, the base currency and exchange rates, for admins.

Each action is one transaction, validates before it writes, logs an entry of the
administration change log and tells `rates` what changed, which forgets the cached table and,
after the commit, has the base amounts of the affected opportunities recomputed.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from kontor.core.admin_log import log_admin_change
from kontor.currencies import rates
from kontor.currencies.models import Currency, ExchangeRate

AREA = "currency"
LOGGED = ("name", "symbol", "active")
BASE_NOT_INACTIVE = _("The base currency cannot be deactivated.")
BASE_WHILE_RATES = _(
    "The base currency can only be changed while no exchange rates are entered, because every "
    "rate is stated against the base. Delete the rates (export them first if you need them), "
    "change the base, then enter the rates against the new base."
)


@transaction.atomic
def save_currency(currency: Currency, *, actor) -> Currency:
    """Add a currency or change its name, symbol or whether it is offered (`active`)."""
    created = currency._state.adding
    currency.full_clean()
    before = {} if created else Currency.objects.filter(pk=currency.pk).values(*LOGGED).first()
    if currency.is_base and not currency.active:
        raise ValidationError({"active": BASE_NOT_INACTIVE})
    after = {name: getattr(currency, name) for name in LOGGED}
    if not created and before == after:
        return currency
    currency.save(force_insert=created)
    log_admin_change(
        actor=actor,
        area=AREA,
        target=currency.code,
        summary=gettext_noop("Currency added") if created else gettext_noop("Currency changed"),
        detail=after
        if created
        else {n: [before.get(n), v] for n, v in after.items() if before.get(n) != v},
    )
    rates.changed(())
    return currency


@transaction.atomic
def set_base(currency: Currency, *, actor) -> Currency:
    """Make `currency` the base every amount is summed in (activating it); refused while any
    exchange rate exists, since rates are stated against the base. Every opportunity's base
    amount is recomputed after the commit."""
    old = Currency.objects.select_for_update().filter(is_base=True).first()
    if old is not None and old.pk == currency.pk:
        return currency
    if ExchangeRate.objects.exists():
        raise ValidationError(BASE_WHILE_RATES)
    if old is not None:
        Currency.objects.filter(pk=old.pk).update(is_base=False)
    Currency.objects.filter(pk=currency.pk).update(is_base=True, active=True)
    currency.is_base, currency.active = True, True
    log_admin_change(
        actor=actor,
        area=AREA,
        target=currency.code,
        summary=gettext_noop("Base currency changed"),
        detail={"base": [old.code if old else None, currency.code]},
    )
    rates.changed(None)
    return currency


def _rate_detail(rate: ExchangeRate) -> dict:
    return {"valid_from": rate.valid_from.isoformat(), "rate": str(rate.rate)}


@transaction.atomic
def save_rate(rate: ExchangeRate, *, actor) -> ExchangeRate:
    """Add an exchange rate or change one's day or value."""
    created = rate._state.adding
    rate.full_clean()
    before = None if created else ExchangeRate.objects.filter(pk=rate.pk).first()
    if before is not None and (before.valid_from, before.rate) == (rate.valid_from, rate.rate):
        return rate
    rate.save()
    log_admin_change(
        actor=actor,
        area=AREA,
        target=rate.currency_id,
        summary=gettext_noop("Exchange rate added")
        if created
        else gettext_noop("Exchange rate changed"),
        detail=_rate_detail(rate)
        if before is None
        else {"before": _rate_detail(before), "after": _rate_detail(rate)},
    )
    rates.changed({rate.currency_id})
    return rate


@transaction.atomic
def delete_rate(rate: ExchangeRate, *, actor) -> None:
    detail = _rate_detail(rate)
    code = rate.currency_id
    rate.delete()
    log_admin_change(
        actor=actor,
        area=AREA,
        target=code,
        summary=gettext_noop("Exchange rate deleted"),
        detail=detail,
    )
    rates.changed({code})


@transaction.atomic
def import_rates(new: Iterable[ExchangeRate], *, actor, file_name: str = "") -> int:
    """Add the exchange rates of an import, all or none: each is validated (the day not taken,
    the currency active) before any is written; returns how many were added."""
    new = list(new)
    errors = []
    for rate in new:
        try:
            rate.full_clean()
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    ExchangeRate.objects.bulk_create(new)
    codes = sorted({rate.currency_id for rate in new})
    if new:
        log_admin_change(
            actor=actor,
            area=AREA,
            target=", ".join(codes),
            summary=gettext_noop("Exchange rates imported"),
            detail={"file": file_name, "rates": len(new), "currencies": codes},
        )
    rates.changed(codes)
    return len(new)
