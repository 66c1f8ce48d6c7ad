"""Periodic jobs: which task the task workers queue when, declared by the apps that own them.

For app developers: an app registers its jobs in `AppConfig.ready()` with
`register(Job(name, schedule, task))`, where `task` is a django-tasks task taking no arguments
and `schedule` is `Every(minutes=N)` or `Daily("HH:MM")` (the installation's TIME_ZONE). The
core knows no job; `kontor.ops.scheduler` keeps one row per job and has the workers queue each
due run once (docs/scheduling.md). This module only says what is due when.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes, at the multiples of that interval counted from midnight UTC
    (every 15 minutes: :00, :15, :30, :45), so daylight saving time changes nothing."""

    minutes: int

    def __post_init__(self):
        if self.minutes < 1:
            raise ValueError("Every(minutes=…) needs at least one minute")

    def next_after(self, moment: datetime) -> datetime:
        step = timedelta(minutes=self.minutes)
        return _EPOCH + ((moment - _EPOCH) // step + 1) * step

    def __str__(self) -> str:
        return f"every {self.minutes} min"

    def describe(self) -> str:
        return _("every %(minutes)d min") % {"minutes": self.minutes}


@dataclass(frozen=True)
class Daily:
    """Once a day at `at` ("HH:MM") on the wall clock of the installation's TIME_ZONE.

    A time the clock skips in spring (02:30 in Berlin) runs as if the clock had not moved
    (03:30, still 24 hours after the day before); a time the clock shows twice in autumn runs
    once, at its first occurrence.
    """

    at: str

    def __post_init__(self):
        time.fromisoformat(self.at)  # "25:00" or "2:30" is a mistake of the declaring app

    def next_after(self, moment: datetime) -> datetime:
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        at = time.fromisoformat(self.at)
        day = moment.astimezone(zone).date()
        while True:
            # fold=0: a skipped time takes the offset before the change, a doubled one its first
            candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
            if candidate > moment:
                return candidate
            day += timedelta(days=1)

    def __str__(self) -> str:
        return f"daily {self.at}"

    def describe(self) -> str:
        return _("daily at %(time)s") % {"time": self.at}


@dataclass(frozen=True)
class Job:
    """A periodic job: its unique `name` ("<app>.<what>"), when it runs and the task queued."""

    name: str
    schedule: Every | Daily
    task: object
    #: what the job does, for the administration page (lazy translated text)
    title: object = ""


_jobs: dict[str, Job] = {}


def register(job: Job) -> None:
    """Declare `job` (idempotent for the same job; a second job under one name is an error)."""
    known = _jobs.get(job.name)
    if known is not None and known != job:
        raise ValueError(f"a periodic job named {job.name!r} is registered already")
    _jobs[job.name] = job


def unregister(name: str) -> None:
    """Undo `register` (a test's job)."""
    _jobs.pop(name, None)


def jobs() -> list[Job]:
    """The registered jobs, by name."""
    return sorted(_jobs.values(), key=lambda job: job.name)
