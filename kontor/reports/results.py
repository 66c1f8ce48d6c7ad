"""The last result of a report per viewer, its age, and refreshing it in the background.

A page (or a dashboard's widget) shows the stored result at once with its age; when it is
older than FRESH_FOR, a worker task (django-tasks, `kontor worker`) computes a new one in the
viewer's language and time zone, and the page swaps it in when it is there. A viewer without
a stored result (or one in another language or time zone) gets it computed on the spot.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone, translation

from kontor.reports import engine
from kontor.reports.actions import grants_key, store_result
from kontor.reports.models import ReportResult

#: A stored result younger than this is shown without refreshing it.
FRESH_FOR = timedelta(minutes=10)
#: How long one refresh of a report for a viewer blocks queueing another.
_QUEUED_FOR = 120


@dataclass
class Shown:
    """What a page shows of a report: a result, when it was made, and whether a newer one is
    on its way."""

    result: engine.Result
    generated_at: datetime
    #: a fresher result is being computed
    refreshing: bool

    @property
    def just_now(self) -> bool:
        return timezone.now() - self.generated_at < timedelta(minutes=1)


def _context() -> tuple[str, str]:
    return translation.get_language() or "", timezone.get_current_timezone_name()


def stored(report, user) -> ReportResult | None:
    """The stored result of `report` for `user`, if made in their current language and
    time zone and with the rights they have now."""
    language, zone = _context()
    row = ReportResult.objects.filter(
        report=report, user=user, language=language, time_zone=zone
    ).first()
    # Counted with other rights than the user has now: never shown, counted again.
    return row if row is not None and row.data.get("grants") == grants_key(user) else None


def compute(report, user) -> engine.Result:
    """Run `report` for `user` now and store the result."""
    result = engine.run(report, user)
    language, zone = _context()
    store_result(report, user, result.as_data(), result.generated_at, language, zone)
    return result


def latest(report, user, *, refresh: bool = True) -> Shown:
    """What the page shows: the stored result (queueing a refresh when it is old, if
    `refresh`), or a new one when none is stored."""
    row = stored(report, user)
    if row is None:
        result = compute(report, user)
        return Shown(result, result.generated_at, refreshing=False)
    result = engine.Result.from_data(row.data)
    old = timezone.now() - row.generated_at > FRESH_FOR
    if old and refresh:
        queue_refresh(report, user)
    return Shown(result, row.generated_at, refreshing=old and refresh)


def queue_refresh(report, user) -> None:
    """Queue one refresh of `report` for `user` (again only after _QUEUED_FOR seconds)."""
    from kontor.reports.tasks import queued_key, refresh_report_task

    language, zone = _context()
    if cache.add(queued_key(report.pk, user.pk), 1, _QUEUED_FOR):
        refresh_report_task.enqueue(report.pk, user.pk, language, zone)


def refreshing(report, user) -> bool:
    """Is a refresh of `report` for `user` queued or running (for at most _QUEUED_FOR s)?"""
    from kontor.reports.tasks import queued_key

    return cache.get(queued_key(report.pk, user.pk)) is not None


def newer_than(report, user, since: datetime) -> ReportResult | None:
    """The stored result when it is newer than `since` (the one the page shows)."""
    row = stored(report, user)
    return row if row is not None and row.generated_at > since else None
