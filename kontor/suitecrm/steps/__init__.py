"""The steps of a migration from SuiteCRM, run in order by `kontor migrate-suitecrm`.

A step is a function `run(context)` registered with `@step(name, order, tables=…)`: it reads
its SuiteCRM tables through `context.source`, writes through Kontor's write paths in chunks of
one transaction each, and notes counts and problems in `context.report`. `--modules` selects
steps by name. Users and teams come first (records name their owners and teams), then the
records, then what links them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[[Context], None]
    #: The SuiteCRM tables it needs; a missing one is reported and the step skipped
    tables: tuple = ()


_steps: dict[str, Step] = {}


def step(name: str, order: int, tables: tuple = ()):
    """Register `run(context)` as the migration step `name`."""

    def decorate(run):
        _steps[name] = Step(name, order, run, tables)
        return run

    return decorate


def steps() -> list[Step]:
    from kontor.suitecrm.steps import load  # noqa: F401 - imports every step module

    return sorted(_steps.values(), key=lambda s: s.order)
