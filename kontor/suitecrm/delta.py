"""What a migration run reads: everything, or only what SuiteCRM changed since an earlier run.

For `kontor migrate-suitecrm`, which is run twice at a cutover: a full run days before, a delta
run at the switch-over. Each run notes SuiteCRM's clock as its snapshot starts and, for every
step it finished, that clock as the step's watermark (`MigrationRun.watermarks`). A later run
of a step that reads changes (`Step.delta`) reads only the rows SuiteCRM changed from the
step's newest watermark on, less `MARGIN` (an edit saved while the snapshot started, or a web
server whose clock is a little off, is read again rather than missed; rows read twice are
counted as unchanged). `--since` names the time instead, `--full` reads everything.

The same watermark is the baseline of conflicts: a record edited in Kontor that SuiteCRM
changed after the baseline was edited on both sides (Kontor's edit is kept and listed).
"""

import datetime
from dataclasses import dataclass

from kontor.suitecrm.models import MigrationRun

#: How far before the last run's clock a delta run reads
MARGIN = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Window:
    """What one step reads (`since`: rows changed from then on, None: all) and since when a
    change in SuiteCRM counts as new (`baseline`, None before any run of the step)."""

    since: datetime.datetime | None = None
    baseline: datetime.datetime | None = None


def windows(source: str, names: list[str], *, since=None, full: bool = False) -> dict[str, Window]:
    """The window of each step in `names` for a run from `source` (host/database), from the
    runs before it."""
    runs = list(
        MigrationRun.objects.filter(source=source, dry_run=False, source_clock__isnull=False)
        .order_by("-started_at")
        .values_list("source_clock", "watermarks")
    )
    found = {}
    for name in names:
        finished = next(
            (datetime.datetime.fromisoformat(marks[name]) for _c, marks in runs if name in marks),
            None,
        )
        # A step no run finished (a killed first run) counts changes from the newest run's
        # clock: what SuiteCRM changed before it, that run read.
        baseline = finished or (runs[0][0] if runs else None)
        if full:
            start = None
        elif since is not None:
            start = since
        else:
            start = finished - MARGIN if finished else None
        found[name] = Window(since=start, baseline=baseline)
    return found


def naive_utc(moment: datetime.datetime) -> datetime.datetime:
    """`moment` as SuiteCRM's columns hold it: UTC without a time zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment
