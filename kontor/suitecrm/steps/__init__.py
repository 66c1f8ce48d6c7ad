"""The steps of a migration from SuiteCRM, run in order by `kontor migrate-suitecrm`.

A step is a function `run(context)` registered with `@step(name, order, tables=…)`: it reads
its SuiteCRM tables through `context.source`, writes through Kontor's write paths in chunks of
one transaction each, and notes counts and problems in `context.report`. `--modules` selects
steps by name. Users and teams come first (records name their owners and teams), then the
records, then what links them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from kontor.suitecrm.delta import Window, naive_utc
from kontor.suitecrm.report import Report
from kontor.suitecrm.source import Source


@dataclass
class Context:
    """What a step gets: the source, the report, the run's switches and the actor."""

    source: Source
    report: Report
    actor: object
    dry_run: bool = False
    uploads: str | None = None
    #: Steps may leave lookups here for later ones (e.g. SuiteCRM user id → Kontor user)
    shared: dict = field(default_factory=dict)
    #: What the running step reads and its baseline of conflicts (`kontor.suitecrm.delta`)
    window: Window = field(default_factory=Window)

    def delta(self, condition: str = "date_modified >= %s") -> tuple[str, list]:
        """`" AND <condition>"` with the window's start for each `%s` in it, for a step that
        reads only what changed; nothing when the step reads everything."""
        if self.window.since is None:
            return "", []
        return f" AND {condition}", [naive_utc(self.window.since)] * condition.count("%s")

    def changed_since_last_run(self, modified) -> bool:
        """Whether SuiteCRM's `modified` (a row's date_modified) is after the baseline: a
        change the last run may not have brought (SuiteCRM's dates are whole seconds: one in
        the second the last run started counts). An empty date counts as changed."""
        baseline = self.window.baseline
        return modified is None or baseline is None or modified >= baseline.replace(microsecond=0)


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[[Context], None]
    #: The SuiteCRM tables it needs; a missing one is reported and the step skipped
    tables: tuple = ()
    #: Whether a delta run reads only what changed (`Context.delta`); small tables (users,
    #: groups, roles) are read whole and merged field by field (`kontor.suitecrm.merge`)
    delta: bool = False


_steps: dict[str, Step] = {}


def step(name: str, order: int, tables: tuple = (), *, delta: bool = False):
    """Register `run(context)` as the migration step `name`."""

    def decorate(run):
        _steps[name] = Step(name, order, run, tables, delta)
        return run

    return decorate


def steps() -> list[Step]:
    from kontor.suitecrm.steps import load  # noqa: F401 - imports every step module

    return sorted(_steps.values(), key=lambda s: s.order)
