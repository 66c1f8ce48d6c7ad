"""Cell values as people type them in spreadsheets → Python values, for the record import
and the import of exchange rates.

German and English number and date formats, SuiteCRM's formula guard (a leading apostrophe),
yes/no words and spreadsheet formulas (refused: a CSV must never smuggle one into a later
export). Each parser raises `ValueError` with a translated message for the row report.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

#: number_format of a batch: "de" = 1.234,56 and DD.MM.YYYY; "en" = 1,234.56 and MM/DD/YYYY
FORMATS = ("de", "en")

_NUMBER = {
    "de": re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
    "en": re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"),
}
_CURRENCY = re.compile(r"^(€|\$|£|EUR|USD|GBP|CHF)?\s*(.*?)\s*(€|\$|£|EUR|USD|GBP|CHF)?$")
_DATE = {
    "de": re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"),
    "en": re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"),
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_FUNCTION = re.compile(r"[+\-@]\s*[A-Za-z_][\w.]*\s*\(")
_TRUE = {"1", "x", "yes", "y", "true", "on", "ja", "j", "wahr"}
_FALSE = {"", "0", "no", "n", "false", "off", "nein", "falsch", "-"}


def text(value) -> str:
    """A cell as text: surrounding spaces gone, SuiteCRM's guard apostrophe removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    # SuiteCRM (and careful Excel users) write '+49 … so it is not taken as a formula.
    if len(value) > 1 and value[0] == "'" and value[1] in "+-=@":
        return value[1:]
    return value


def check_not_formula(value: str) -> None:
    """Refuse spreadsheet formulas (=…, +SUM(…), @IF(…)): they are never data (CSV injection)."""
    if value.startswith("=") or _FUNCTION.match(value):
        raise ValueError(_("A spreadsheet formula is not allowed here."))


def decimal(value, fmt: str) -> Decimal:
    """'12.500,50' (de) or '12,500.50' (en), a currency sign around it allowed."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = text(value).replace("\u00a0", " ")
    inner = _CURRENCY.match(raw).group(2).replace(" ", "")
    match = _NUMBER[fmt].fullmatch(inner)
    if not match:
        example = "1.234,56" if fmt == "de" else "1,234.56"
        raise ValueError(
            _("“%(value)s” is not a number in the format %(example)s.")
            % {"value": raw, "example": example}
        )
    grouping, point = (".", ",") if fmt == "de" else (",", ".")
    inner = inner.replace(grouping, "").replace(point, ".")
    try:
        return Decimal(inner)
    except InvalidOperation as error:  # pragma: no cover - the pattern only lets numbers in
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from error


def integer(value, fmt: str) -> int:
    number = decimal(value, fmt)
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(number)


def parse_date(value, fmt: str) -> date:
    """'24.12.2025' (de), '12/24/2025' (en) or '2025-12-24'; impossible dates refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    day_part = raw.split(" ")[0].split("T")[0]
    return _date(raw, day_part, fmt)


def _date(raw: str, part: str, fmt: str) -> date:
    iso = _ISO_DATE.fullmatch(part)
    local = _DATE[fmt].fullmatch(part)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if local and fmt == "de":
            return date(int(local[3]), int(local[2]), int(local[1]))
        if local:
            return date(int(local[3]), int(local[1]), int(local[2]))
    except ValueError as error:
        raise ValueError(_("“%(value)s” is not a valid date.") % {"value": raw}) from error
    example = "31.12.2025" if fmt == "de" else "12/31/2025"
    raise ValueError(
        _("“%(value)s” is not a date in the format %(example)s.")
        % {"value": raw, "example": example}
    )


def parse_datetime(value, fmt: str) -> datetime:
    """A date as above, optionally followed by a time (HH:MM[:SS]), in the current time zone."""
    if isinstance(value, datetime):
        moment = value
    else:
        raw = text(value)
        day_part, _sep, time_part = raw.replace("T", " ").partition(" ")
        day = _date(raw, day_part, fmt)
        hour = minute = second = 0
        if time_part.strip():
            clock = _TIME.fullmatch(time_part.strip())
            if not clock or int(clock[1]) > 23 or int(clock[2]) > 59 or int(clock[3] or 0) > 59:
                raise ValueError(_("“%(value)s” is not a valid time.") % {"value": raw})
            hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        moment = datetime(day.year, day.month, day.day, hour, minute, second)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def boolean(value) -> bool:
    """1/0, yes/no, ja/nein, x, true/false."""
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": text(value)})
