"""The migration's report: per SuiteCRM table what was (or would be) created, updated and
skipped, and every problem with the SuiteCRM id it concerns. The dry run and the real run print
the same report; `MigrationRun.report` keeps it."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Problem:
    table: str
    suitecrm_id: str
    message: str


class Report:
    """Counts and problems of one run, in the order the steps met them."""

    OUTCOMES = ("created", "updated", "unchanged", "skipped")

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.problems: list[Problem] = []
        #: The steps an error stopped (their problem says why)
        self.failed: list[str] = []
        #: Per step its rows and seconds (`kontor.suitecrm.progress.Timing`), for rows/s
        self.timings: list = []
        #: Called with every count's n while a step runs (the terminal's progress)
        self.listener = None
        #: Lines printed before the counts (what the run read)
        self.notes: list[str] = []

    def note(self, line: str) -> None:
        self.notes.append(str(line))

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        if outcome not in self.OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self.counts[table][outcome] += n
        if self.listener is not None:
            self.listener(n)

    def written(self) -> int:
        """How many rows were created or updated so far, in all tables."""
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def problem(self, table: str, suitecrm_id, message: str) -> None:
        self.problems.append(Problem(table, str(suitecrm_id or ""), str(message)))

    def fail(self, step: str, message: str) -> None:
        """Step `step` was stopped by an error: noted as a problem and in `failed`."""
        self.failed.append(step)
        self.problem(step, "", message)

    def as_dict(self) -> dict:
        return {
            "counts": {table: dict(counts) for table, counts in self.counts.items()},
            "notes": list(self.notes),
            "problems": [[p.table, p.suitecrm_id, p.message] for p in self.problems],
            "failed": list(self.failed),
            "rows_per_second": {
                t.step: [t.table, t.rows, round(t.seconds, 3)] for t in self.timings
            },
        }

    def lines(self) -> list[str]:
        """The report as text lines: what the run read, a table of counts, the rows per second
        of each step, then one line per problem."""
        labels = {
            "created": _("created"),
            "updated": _("updated"),
            "unchanged": _("unchanged"),
            "skipped": _("skipped"),
        }
        out = list(self.notes)
        if out:
            out.append("")
        out.append(f"{_('table'):<28}" + "".join(f"{labels[n]:>14}" for n in self.OUTCOMES))
        for table, counts in self.counts.items():
            out.append(f"{table:<28}" + "".join(f"{counts[name]:>14,}" for name in self.OUTCOMES))
        if self.timings:
            out.append("")
            out.append(f"{_('step (table)'):<40}{_('rows'):>11}{_('seconds'):>11}{_('rows/s'):>11}")
            out += [
                f"{f'{t.step} ({t.table})':<40}{t.rows:>11,}{t.seconds:>11,.1f}{t.rate:>11,.0f}"
                for t in self.timings
            ]
        if self.problems:
            out.append("")
            n = len(self.problems)
            out.append(ngettext("%(n)d problem:", "%(n)d problems:", n) % {"n": n})
            out += [f"  {p.table} {p.suitecrm_id or '-'}: {p.message}" for p in self.problems]
        return out
