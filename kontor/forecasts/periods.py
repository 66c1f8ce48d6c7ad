"""Months and quarters of the forecast: parsing, ranges and labels.

A period is named by its first day. Expected close dates are dates, not times, so a period
holds the opportunities whose `date_closed` lies between its first and last day whatever the
viewer's time zone; only "this month" and "this quarter" depend on the viewer's today.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

MONTH, QUARTER = "month", "quarter"
#: The longest range one page or API request may ask for, in periods.
MAX_PERIODS = 12
#: The years a chosen period may lie in: any sales plan fits, and every period's neighbours
#: are dates too (Python's dates end with the year 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Period:
    """A month or a quarter, for the forecast, the Quotas grid and the dashboards' charts."""

    kind: str
    start: date

    @property
    def end(self) -> date:
        """The period's last day."""
        return add(self.kind, self.start, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        """ "2026-11" for a month, "2026-Q4" for a quarter (the API's and the URL's names)."""
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return formats.date_format(self.start, "F Y")


def start_of(kind: str, day: date) -> date:
    """The first day of the month or quarter holding `day`."""
    month = day.month if kind == MONTH else (day.month - 1) // 3 * 3 + 1
    return date(day.year, month, 1)


def add(kind: str, start: date, count: int) -> date:
    """The start of the period `count` periods after the one starting on `start`."""
    months = start.year * 12 + start.month - 1 + count * (3 if kind == QUARTER else 1)
    return date(months // 12, months % 12 + 1, 1)


_KEY = re.compile(r"^(\d{4})-(?:(\d{1,2})|[Qq]([1-4]))(?:-(\d{1,2}))?$")


def parse(kind: str, text: str) -> Period | None:
    """The period named by "2026-11", "2026-Q4" or any day in it ("2026-11-15"); None when
    `text` names none (a quarter's name asked for months names its first month)."""
    match = _KEY.match((text or "").strip())
    if not match:
        return None
    year, month, quarter, day = match.groups()
    try:
        first = date(int(year), int(month) if month else (int(quarter) - 1) * 3 + 1, 1)
        if day:
            first = first.replace(day=int(day))
    except ValueError:
        return None
    if quarter and day:
        return None
    return Period(kind, start_of(kind, first))


def offered(period: Period) -> bool:
    """Whether `period` lies in the years a page or the API accepts (FIRST_YEAR to LAST_YEAR)."""
    return FIRST_YEAR <= period.start.year <= LAST_YEAR


def around(first: Period, last: Period, count: int) -> list[Period]:
    """The periods from `count` before `first` to `count` after `last`, only those offered."""
    kind = first.kind
    low = max(add(kind, first.start, -count), date(FIRST_YEAR, 1, 1))
    high = min(add(kind, last.start, count), start_of(kind, date(LAST_YEAR, 12, 31)))
    return between(Period(kind, low), Period(kind, high))


def distance(first: Period, last: Period) -> int:
    """How many periods `last` lies after `first` (0: the same one)."""
    months = (last.start.year - first.start.year) * 12 + last.start.month - first.start.month
    return months // (3 if first.kind == QUARTER else 1)


def between(first: Period, last: Period) -> list[Period]:
    """The periods from `first` to `last`, both included."""
    out, start = [], first.start
    while start <= last.start:
        out.append(Period(first.kind, start))
        start = add(first.kind, start, 1)
    return out


def default_range(kind: str, today: date) -> tuple[Period, Period]:
    """This quarter's three months, or this quarter and the three after it."""
    quarter = start_of(QUARTER, today)
    if kind == MONTH:
        return Period(MONTH, quarter), Period(MONTH, add(MONTH, quarter, 2))
    return Period(QUARTER, quarter), Period(QUARTER, add(QUARTER, quarter, 3))
