"""Step "currencies": SuiteCRM's currencies and their conversion rates → Kontor's currencies
and exchange rates, for `kontor migrate-suitecrm`.

SuiteCRM keeps one system currency (id -99, its ISO code in config.php, not in the database:
`records.system_currency`) and a row per other currency with one `conversion_rate` (units per
unit of the system currency, Kontor's convention too). So the system currency becomes Kontor's
base while Kontor has no exchange rates; once Kontor has rates against another base, those are
kept and SuiteCRM's rates are not taken over (reported: they are stated against another
currency). Each live row becomes a Currency (ISO code, name, symbol, active) and its rate an
ExchangeRate valid from the day SuiteCRM last changed the row (`date_modified`): the same day
on every run, so a second run adds nothing, and a rate changed in SuiteCRM arrives as a new
rate from the day of the change, the older one kept as history. A rate equal to the one
already valid on that day is not added again.

The SuiteCRM id of each currency is kept in `LegacyId` (kind "currency", Kontor id = ISO code)
for SuiteCRM's APIs (kontor.suiteapi), which answer `currency_id` with it. Name, symbol and
active are merged field by field with what the last run wrote (`kontor.suitecrm.merge`), so an
admin's change in Kontor stays. Everything is written through the currencies app's actions
(administration change log), then the base amounts of the opportunities whose rates changed
are recomputed set-based (`base_amounts.recompute`), so the run leaves them right without
waiting for the worker. The step is admin work: a run by another user only reports.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.currencies import rates
from kontor.currencies.actions import save_currency, save_rate, set_base
from kontor.currencies.models import Currency, ExchangeRate, validate_code
from kontor.opportunities import base_amounts
from kontor.suitecrm.merge import merge
from kontor.suitecrm.models import LegacyId
from kontor.suitecrm.source import flag, text, when
from kontor.suitecrm.steps import step
from kontor.suitecrm.steps.records import system_currency

TABLE = "currencies"
KIND = "currency"
#: SuiteCRM's id of its system currency, which has no row
SYSTEM_ID = "-99"
_FIELDS = ("name", "symbol", "active")
_RATE_PLACES = Decimal("0.000001")
#: Digits before the decimal point an exchange rate holds (18 digits, 6 of them places)
_RATE_DIGITS = 12


@step("currencies", 75, tables=(TABLE,))
def run(context) -> None:
    report = context.report
    if not permissions.is_admin(context.actor):
        report.problem(
            TABLE,
            "",
            _("Only an administrator may migrate currencies: %(actor)s is none.")
            % {"actor": context.actor},
        )
        return
    rows = list(
        context.source.rows(
            "SELECT id, name, symbol, iso4217, conversion_rate, status, deleted, date_modified "
            "FROM currencies ORDER BY id"
        )
    )
    try:
        with transaction.atomic():
            base_changed, with_rates = _base(context, system_currency(context))
            changed: set[str] = set()
            for row in rows:
                report.count(TABLE, _currency(context, row, with_rates, changed))
            if base_changed or changed:
                base_amounts.recompute(None if base_changed else changed)
    except BaseException:
        # The table cached from inside the rolled-back transaction must not outlive it.
        rates.invalidate()
        raise


def _base(context, system: str) -> tuple[bool, bool]:
    """Make SuiteCRM's system currency Kontor's base unless Kontor has rates against another;
    (whether the base changed, whether SuiteCRM's rates can be taken over)."""
    base = Currency.objects.filter(is_base=True).first()
    if base is not None and base.code == system:
        return False, True
    if ExchangeRate.objects.exists():
        context.report.problem(
            TABLE,
            SYSTEM_ID,
            _(
                "SuiteCRM's rates are stated against its system currency %(system)s, but "
                "Kontor's base currency is %(base)s and has exchange rates: SuiteCRM's rates "
                "were not taken over, Kontor's are kept. Enter the rates against %(base)s "
                "under Administration → Currencies."
            )
            % {"system": system, "base": base.code if base else rates.DEFAULT_BASE},
        )
        return False, False
    currency = Currency.objects.filter(pk=system).first()
    if currency is None:
        currency = save_currency(Currency(code=system, name=system), actor=context.actor)
    set_base(currency, actor=context.actor)
    context.report.note(
        _("The base currency is now %(code)s, SuiteCRM's system currency.") % {"code": system}
    )
    return True, True


def _code(context, suitecrm_id: str, row) -> str | None:
    """The row's ISO 4217 code, or None (reported) when it has none Kontor can use."""
    code = text(row["iso4217"]).upper()
    if not code:
        context.report.problem(TABLE, suitecrm_id, _("No ISO 4217 code: not migrated."))
        return None
    try:
        validate_code(code)
    except ValidationError:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("“%(code)s” is no ISO 4217 code: not migrated.") % {"code": row["iso4217"]},
        )
        return None
    return code


def _rate(context, suitecrm_id: str, row) -> Decimal | None:
    """The row's conversion rate to six places, or None (reported) when it is no rate > 0."""
    raw = row["conversion_rate"]
    try:
        rate = Decimal(str(raw)).quantize(_RATE_PLACES)
    except (InvalidOperation, TypeError, ValueError):
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _(
                "Conversion rate %(rate)s is not greater than zero: the currency is migrated "
                "without a rate."
            )
            % {"rate": raw},
        )
        return None
    if rate.adjusted() >= _RATE_DIGITS:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _(
                "Conversion rate %(rate)s has more than %(digits)s digits before the decimal "
                "point: the currency is migrated without a rate."
            )
            % {"rate": raw, "digits": _RATE_DIGITS},
        )
        return None
    return rate


def _currency(context, row, with_rates: bool, changed: set) -> str:
    """Migrate one row; its outcome for the report. Codes whose rates changed join `changed`."""
    suitecrm_id = text(row["id"])
    legacy = LegacyId.objects.filter(kind=KIND, suitecrm_id=suitecrm_id).first()
    if flag(row["deleted"]):
        return _deleted(context, legacy)
    code = _code(context, suitecrm_id, row)
    if code is None:
        return "skipped"
    wanted = {
        "name": (text(row["name"]) or code)[: Currency._meta.get_field("name").max_length],
        "symbol": text(row["symbol"])[: Currency._meta.get_field("symbol").max_length],
        "active": text(row["status"]) != "Inactive",
    }
    written = legacy.written if legacy is not None and legacy.kontor_id == code else {}
    currency = Currency.objects.filter(pk=code).first()
    created = currency is None
    current = {f: getattr(currency, f) for f in _FIELDS} if currency else dict(wanted)
    values, conflicts = merge(current, written, wanted)
    if currency is not None and currency.is_base:
        values["active"] = True  # the base cannot be deactivated
    if conflicts:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("Changed in SuiteCRM and in Kontor: %(fields)s; Kontor's values kept.")
            % {"fields": ", ".join(conflicts)},
        )
    rate = _rate(context, suitecrm_id, row) if with_rates else None
    day = (when(row["date_modified"]) or timezone.now()).date()
    new_rate = _new_rate(context, suitecrm_id, code, rate, day, written)
    if currency is None:
        currency = Currency(code=code)
    updated = created or any(getattr(currency, f) != values[f] for f in _FIELDS)
    if new_rate is not None and not values["active"]:
        # A rate needs an active currency: written while it is active, in this transaction.
        _save(currency, {**values, "active": True}, context)
        save_rate(new_rate, actor=context.actor)
        _save(currency, values, context)
    else:
        _save(currency, values, context)
        if new_rate is not None:
            save_rate(new_rate, actor=context.actor)
    if new_rate is not None:
        changed.add(code)
    # SuiteCRM's values, not the merged ones: a value Kontor kept stays Kontor's next time.
    note = dict(wanted)
    if rate is not None:
        note.update(rate=str(rate), valid_from=day.isoformat())
    LegacyId.objects.update_or_create(
        kind=KIND, suitecrm_id=suitecrm_id, defaults={"kontor_id": code, "written": note}
    )
    if created:
        return "created"
    return "updated" if updated or new_rate is not None else "unchanged"


def _save(currency: Currency, values: dict, context) -> None:
    for name, value in values.items():
        setattr(currency, name, value)
    save_currency(currency, actor=context.actor)


def _new_rate(context, suitecrm_id, code, rate, day, written) -> ExchangeRate | None:
    """The exchange rate to write for SuiteCRM's `rate` from `day` (a new one, or the stored
    one of that day changed), or None when Kontor has it already or keeps its own."""
    if rate is None:
        return None
    table = rates.table()
    if code == table.base:
        if rate != 1:
            context.report.problem(
                TABLE,
                suitecrm_id,
                _("%(code)s is Kontor's base currency: its rate is always 1, not %(rate)s.")
                % {"code": code, "rate": rate},
            )
        return None
    stored = ExchangeRate.objects.filter(currency_id=code, valid_from=day).first()
    if stored is None:
        if rates.rate_on(code, day, rates=table) == rate:
            return None
        return ExchangeRate(currency_id=code, valid_from=day, rate=rate)
    if stored.rate == rate:
        return None
    ours = written.get("valid_from") == day.isoformat() and written.get("rate") == str(stored.rate)
    if not ours:
        # Entered or changed in Kontor (not what the last run wrote): Kontor's rate wins.
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("Kontor has its own rate %(rate)s of %(day)s; SuiteCRM's %(suitecrm)s not taken.")
            % {"rate": stored.rate, "day": day.isoformat(), "suitecrm": rate},
        )
        return None
    stored.rate = rate
    return stored


def _deleted(context, legacy) -> str:
    """A currency deleted in SuiteCRM: one migrated before becomes inactive (its opportunities
    keep it), unless it is Kontor's base; one never migrated is skipped."""
    currency = Currency.objects.filter(pk=legacy.kontor_id).first() if legacy else None
    if currency is None or not currency.active or currency.is_base:
        return "skipped" if currency is None else "unchanged"
    currency.active = False
    save_currency(currency, actor=context.actor)
    legacy.written = {**legacy.written, "active": False}
    legacy.save(update_fields=["written"])
    return "updated"
