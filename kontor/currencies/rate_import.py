"""Reading a CSV file of exchange rates (columns code, valid_from, rate) for the import on
Administration → Currencies.

Numbers and dates are read as the record import reads them (`kontor.core.cell_values`: German
1.234,56 and 31.12.2026, or English 1,234.56 and 12/31/2026; ISO dates always). Every row is
checked and every bad row reported with its line and reason; the caller saves nothing unless
no row is bad (`actions.import_rates`). A row that repeats a stored rate exactly is skipped.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kontor.core import cell_values
from kontor.currencies.models import (
    BASE_HAS_NO_RATE,
    INACTIVE_CURRENCY,
    RATE_NOT_POSITIVE,
    SAME_DAY,
    Currency,
    ExchangeRate,
)

#: A file of rates is small (twenty years of daily rates of thirty currencies: about 4 MB).
MAX_BYTES = 8 * 1024 * 1024
#: Column titles each column is recognised by (lower case), English and German.
COLUMNS = {
    "code": ("code", "currency", "iso", "iso4217", "währung", "waehrung"),
    "valid_from": ("valid_from", "valid from", "date", "day", "gültig ab", "gueltig ab", "datum"),
    "rate": ("rate", "conversion_rate", "exchange rate", "kurs", "wechselkurs"),
}


@dataclass
class RateFile:
    """What a file holds: the new rates, how many rows repeated stored ones, and the bad rows
    as (line, reason)."""

    rates: list[ExchangeRate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file cannot be read as text."))  # pragma: no cover


def read(data: bytes, fmt: str) -> RateFile:
    """Check every row of the CSV `data` (number and date format `fmt`: "de" or "en");
    raises ValidationError when the file as a whole cannot be read."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 8 MB. Split it into several files."))
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    positions = _positions(header or [])
    result = RateFile()
    currencies = {c.code: c for c in Currency.objects.all()}
    stored = {
        (code, day): rate
        for code, day, rate in ExchangeRate.objects.values_list("currency_id", "valid_from", "rate")
    }
    seen: dict[tuple[str, object], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}
        try:
            rate = _row(values, fmt, currencies)
        except ValidationError as error:
            result.errors.extend((line, message) for message in error.messages)
            continue
        key = (rate.currency_id, rate.valid_from)
        if key in seen:
            result.errors.append(
                (
                    line,
                    _("%(code)s has another rate valid from this day in line %(line)s.")
                    % {"code": rate.currency_id, "line": seen[key]},
                )
            )
            continue
        seen[key] = line
        if key in stored and stored[key] == rate.rate:
            result.unchanged += 1
        elif key in stored:
            result.errors.append((line, SAME_DAY % {"code": rate.currency_id}))
        else:
            result.rates.append(rate)
    if not result.rates and not result.unchanged and not result.errors:
        raise ValidationError(_("The file holds no rates."))
    return result


def _positions(header: list[str]) -> dict[str, int]:
    titles = [title.strip().lower() for title in header]
    positions, missing = {}, []
    for name, aliases in COLUMNS.items():
        found = next((i for i, title in enumerate(titles) if title in aliases), None)
        if found is None:
            missing.append(name)
        else:
            positions[name] = found
    if missing:
        raise ValidationError(
            _("The first line must name the columns code, valid_from and rate; missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return positions


def _row(values: dict, fmt: str, currencies: dict) -> ExchangeRate:
    """One row as an unsaved rate; raises ValidationError with every reason it is refused."""
    reasons = []
    code = cell_values.text(values["code"]).upper()
    currency = currencies.get(code)
    if currency is None:
        reasons.append(_("“%(code)s” is not a known currency.") % {"code": code})
    elif currency.is_base:
        reasons.append(BASE_HAS_NO_RATE % {"code": code})
    elif not currency.active:
        reasons.append(INACTIVE_CURRENCY % {"code": code})
    day = rate = None
    try:
        day = cell_values.parse_date(values["valid_from"], fmt)
    except ValueError as error:
        reasons.append(str(error))
    try:
        rate = _rate(values["rate"], fmt)
    except (ValueError, ValidationError) as error:
        reasons.extend(error.messages if isinstance(error, ValidationError) else [str(error)])
    if reasons:
        raise ValidationError(reasons)
    return ExchangeRate(currency_id=code, valid_from=day, rate=rate)


def _rate(raw: str, fmt: str) -> Decimal:
    if not cell_values.text(raw):
        raise ValueError(_("The rate is missing."))
    value = cell_values.decimal(raw, fmt)
    if value <= 0:
        raise ValidationError(str(RATE_NOT_POSITIVE))
    return ExchangeRate._meta.get_field("rate").clean(value, None)
