"""An opportunity's currency as SuiteCRM's APIs show it, for `kontor.suiteapi.mapping`:
`currency_id`, `currency_name`, `currency_symbol` (and `amount_usdollar`, the base amount,
a plain attribute there).

SuiteCRM names a currency by an id: `-99` for its system currency, which Kontor's base
currency plays, else the id of its `currencies` row. A currency migrated from SuiteCRM keeps
that id (the migration notes it in `LegacyId`, kind "currency"); any other answers under a
UUID derived from its ISO code, the same on every call. Writes take any of these ids (and an
empty one as SuiteCRM does: the system currency) and store the ISO code.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kontor.currencies import rates
from kontor.suiteapi.attributes import Attribute
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.models import LegacyId

#: SuiteCRM's id of its system currency
SYSTEM_ID = "-99"
#: Where the SuiteCRM ids of migrated currencies are kept, and for how long (they change only
#: when a migration runs, as the users' ids)
IDS_KEY = "kontor:suiteapi:currency-ids"
IDS_SECONDS = 60


def _migrated(*, fresh: bool = False) -> dict[str, str]:
    """ISO code → SuiteCRM id of every migrated currency (the first id when two rows had one
    code); `fresh`: read now, not from the shared cache (a write)."""
    found = None if fresh else cache.get(IDS_KEY)
    if found is None:
        rows = LegacyId.objects.filter(kind="currency").order_by("-suitecrm_id")
        found = dict(rows.values_list("kontor_id", "suitecrm_id"))
        cache.set(IDS_KEY, found, IDS_SECONDS)
    return found


def derived_id(code: str) -> str:
    """The id of a currency SuiteCRM never had: a UUID of its ISO code."""
    return str(kontor_id("currencies", code))


def suitecrm_id(code: str | None) -> str | None:
    """The SuiteCRM id of the currency `code` (None for none)."""
    if not code:
        return None
    if code == rates.base_currency():
        return SYSTEM_ID
    return _migrated().get(code) or derived_id(code)


def code_of(raw) -> str | None:
    """The ISO code of SuiteCRM's currency id `raw` (-99 or empty: the base), None when no
    currency has that id."""
    raw = str(raw if raw is not None else "").strip()
    if raw in ("", SYSTEM_ID):
        return rates.base_currency()
    for code, known in _migrated(fresh=True).items():
        if known == raw:
            return code
    return next((c for c in rates.table().currencies if derived_id(c) == raw), None)


def unknown(name: str, raw) -> ValidationError:
    return ValidationError({name: _("No currency has the id “%(value)s”.") % {"value": raw}})


@dataclass
class CurrencyId(Attribute):
    """`currency_id`: the SuiteCRM id of the record's currency (ISO code in `field`)."""

    type: str = "id"

    def get(self, record, prepared=None):
        return suitecrm_id(getattr(record, self.field, None))

    def value(self, raw):
        code = code_of(raw)
        if code is None:
            raise unknown(self.name, raw)
        return code

    def condition(self, op, raw):
        if op.lower() == "like":
            raise ValueError(op)
        return super().condition(op, raw)

    def set(self, record, raw, user):
        setattr(record, self.field, self.value(raw))


@dataclass
class CurrencyPart(Attribute):
    """`currency_name` or `currency_symbol` of the record's currency (SuiteCRM's relate
    fields on the currencies table); read-only, not filterable."""

    type: str = "relate"
    read_only: bool = True
    #: what of the currency: 0 its name, 1 its symbol
    part: int = 0
    #: the record's column holding the ISO code
    code_field: str = "currency"

    def get(self, record, prepared=None):
        entry = rates.table().currencies.get(getattr(record, self.code_field, None) or "")
        return entry[self.part] if entry else None


def attributes() -> tuple[Attribute, ...]:
    """The currency attributes of SuiteCRM's Opportunities, in its order after `amount`."""
    return (
        Attribute("amount_usdollar", "amount_base", type="currency", read_only=True),
        CurrencyId("currency_id", "currency"),
        CurrencyPart("currency_name", None, part=0),
        CurrencyPart("currency_symbol", None, part=1),
    )
