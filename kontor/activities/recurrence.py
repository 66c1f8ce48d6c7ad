"""Recurrence rules of calls and meetings: SuiteCRM's repeat fields → the occurrences' starts.

For the activities actions (`save_series`, the daily extension job), the form and the detail
page. A rule is SuiteCRM's: `repeat_type` (Daily, Weekly, Monthly, Yearly; "" none),
`repeat_interval` (every N), `repeat_dow` (weekly: weekday digits, "0" Sunday … "6" Saturday)
and one end, `repeat_until` (a date, inclusive) or `repeat_count` (occurrences, the first
included). The occurrences are computed with dateutil's rrule on the wall clock of the
organiser's time zone, so a weekly 10:00 Europe/Berlin meeting stays at 10:00 local across the
change to and from summer time. The first occurrence is always the start itself.

A monthly rule started on the 29th, 30th or 31st falls on the last day of shorter months
(31 Jan → 28/29 Feb → 31 Mar); SuiteCRM's PHP "+1 month" would drift to 3 March instead.
"""

import datetime
import zoneinfo

from dateutil import rrule
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: The most occurrences one series may have (count, or what an end date gives)
MAX_OCCURRENCES = 500
#: Occurrences are created up to this far ahead; the daily job extends the series
HORIZON = datetime.timedelta(days=365)

FREQUENCIES = {
    "Daily": rrule.DAILY,
    "Weekly": rrule.WEEKLY,
    "Monthly": rrule.MONTHLY,
    "Yearly": rrule.YEARLY,
}
#: SuiteCRM's weekday digit → dateutil's weekday (SuiteCRM counts from Sunday = 0)
WEEKDAYS = {str(d): rrule.weekdays[(d - 1) % 7] for d in range(7)}


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The organiser's time zone: their profile's, else the installation's."""
    name = settings.TIME_ZONE
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is not None and profile.time_zone:
        name = profile.time_zone
    return zoneinfo.ZoneInfo(name)


def weekday_digits(value: str) -> list[str]:
    """The distinct weekday digits of a `repeat_dow` value, Sunday first."""
    return sorted({c for c in value or "" if c in WEEKDAYS})


def starts(
    start: datetime.datetime,
    repeat_type: str,
    *,
    interval: int = 1,
    dow: str = "",
    until: datetime.date | None = None,
    count: int | None = None,
    tz: datetime.tzinfo,
    before: datetime.datetime | None = None,
) -> list[datetime.datetime]:
    """The aware starts of every occurrence (the first is `start`), in order; only those
    before `before` when given, and never more than MAX_OCCURRENCES + 1 (enough to tell a
    rule that gives too many)."""
    if not repeat_type:
        return [start]
    local = start.astimezone(tz).replace(tzinfo=None)
    options = {"dtstart": local, "interval": max(1, interval or 1)}
    if repeat_type == "Weekly" and weekday_digits(dow):
        options["byweekday"] = [WEEKDAYS[d] for d in weekday_digits(dow)]
    if repeat_type == "Monthly" and local.day > 28:
        # the day itself, or the month's last day when the month is shorter
        options["bymonthday"] = list(range(28, local.day + 1))
        options["bysetpos"] = -1
    if repeat_type == "Yearly" and local.month == 2 and local.day == 29:
        options.update(bymonth=2, bymonthday=[28, 29], bysetpos=-1)
    if until is not None:
        options["until"] = datetime.datetime.combine(until, datetime.time.max)
    limit = min(count or MAX_OCCURRENCES + 1, MAX_OCCURRENCES + 1)
    found = [start]
    for when in rrule.rrule(FREQUENCIES[repeat_type], **options):
        if len(found) >= limit:
            break
        aware = when.replace(tzinfo=tz).astimezone(datetime.UTC)
        if aware <= start:
            continue
        if before is not None and aware >= before:
            break
        found.append(aware)
    return found


def rule_errors(record) -> dict[str, str]:
    """The rule's mistakes by field ({} when it is fine or there is none)."""
    if not record.repeat_type:
        return {}
    errors = {}
    if record.repeat_type not in FREQUENCIES:
        return {"repeat_type": _("Choose how it repeats.")}
    if record.repeat_interval is not None and record.repeat_interval < 1:
        errors["repeat_interval"] = _("Repeat at least every 1.")
    if record.repeat_dow and (
        record.repeat_type != "Weekly" or set(record.repeat_dow) - set(WEEKDAYS)
    ):
        errors["repeat_dow"] = _("Weekdays are only for weekly repeats.")
    until, count = record.repeat_until, record.repeat_count
    if until is None and not count:
        errors["repeat_until"] = _("Say when the repeats end: on a date or after a number.")
    elif until is not None and count:
        errors["repeat_count"] = _("End on a date or after a number, not both.")
    elif count is not None and count > MAX_OCCURRENCES:
        errors["repeat_count"] = _("At most %(max)d occurrences.") % {"max": MAX_OCCURRENCES}
    elif count is not None and count < 2:
        errors["repeat_count"] = _("A series has at least 2 occurrences.")
    if errors or record.date_start is None:
        return errors
    tz = zone_of(getattr(record, "assigned_user", None))
    if until is not None and until < record.date_start.astimezone(tz).date():
        errors["repeat_until"] = _("The end of the repeats is before the start.")
    elif until is not None and len(starts_of(record)) > MAX_OCCURRENCES:
        errors["repeat_until"] = _("This end gives more than %(max)d occurrences.") % {
            "max": MAX_OCCURRENCES
        }
    return errors


def starts_of(record, before: datetime.datetime | None = None) -> list[datetime.datetime]:
    """The starts of the series whose first occurrence (and rule) is `record`."""
    return starts(
        record.date_start,
        record.repeat_type,
        interval=record.repeat_interval or 1,
        dow=record.repeat_dow,
        until=record.repeat_until,
        count=record.repeat_count,
        tz=zone_of(record.assigned_user if record.assigned_user_id else None),
        before=before,
    )


def weekday_names() -> dict[str, str]:
    """SuiteCRM's weekday digit → the short name in the active language."""
    names = (_("Sun"), _("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"))
    return {str(d): names[d] for d in range(7)}


def describe(record) -> str:
    """ "Repeats weekly on Mon, Wed until 31.03.2027" in the active language ("" for none)."""
    from django.utils import formats

    n = record.repeat_interval or 1
    units = {
        "Daily": ngettext("Repeats daily", "Repeats every %(n)d days", n),
        "Weekly": ngettext("Repeats weekly", "Repeats every %(n)d weeks", n),
        "Monthly": ngettext("Repeats monthly", "Repeats every %(n)d months", n),
        "Yearly": ngettext("Repeats yearly", "Repeats every %(n)d years", n),
    }
    if record.repeat_type not in units:
        return ""
    text = units[record.repeat_type] % {"n": n}
    days = weekday_digits(record.repeat_dow) if record.repeat_type == "Weekly" else []
    if days:
        names = weekday_names()
        # Monday first, as a German or English week is read
        ordered = sorted(days, key=lambda d: (int(d) + 6) % 7)
        text += " " + _("on %(days)s") % {"days": ", ".join(names[d] for d in ordered)}
    if record.repeat_until:
        text += " " + _("until %(date)s") % {
            "date": formats.date_format(record.repeat_until, "SHORT_DATE_FORMAT")
        }
    elif record.repeat_count:
        text += ", " + _("%(count)d times") % {"count": record.repeat_count}
    return text
